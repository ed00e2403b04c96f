"""Isolation of the student's code: nothing left running, no stdin, the answers out of reach, Keras
not patchable, and the warm server's jobs independent of each other."""
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import STRAY_MARKER, _strays
from grader.grading.sources import resolve_file
from grading_helpers import CORRECT_BLOCKS, REPO_ROOT, grade, grade_in, not_passed

pytestmark = pytest.mark.portable

STRAY = f"[{sys.executable!r}, '-c', 'import time; time.sleep(600)', {STRAY_MARKER!r}]"


def src(text):
    return textwrap.dedent(text).lstrip("\n")


SPAWNS = src(f'''
    import os
    import signal
    import subprocess
    import threading
    import time

    DETACH = "import subprocess; subprocess.Popen({STRAY}, start_new_session=True)"


    def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
        subprocess.Popen({STRAY})                            # a child
        subprocess.Popen({STRAY}, start_new_session=True)    # a child in a session of its own
        subprocess.run([{sys.executable!r}, "-c", DETACH])   # a grandchild, detached, whose parent has exited
        if hasattr(os, "fork") and os.fork() == 0:           # one double-forked, where there is fork
            os.setsid()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                os.execv({sys.executable!r}, {STRAY})
            os._exit(0)
        threading.Thread(target=time.sleep, args=(600,)).start()
        raise NotImplementedError("conv_block is not implemented yet")
    ''')


def test_nothing_the_students_code_starts_is_left_running(tmp_path):
    path = tmp_path / "spawns.py"
    path.write_text(SPAWNS)
    started = time.monotonic()
    result = grade("exercise1", "--source", path, "--seed", "5")
    assert result.returncode == 1 and "not implemented yet" in result.stdout
    assert time.monotonic() - started < 120  # a thread that sleeps does not keep the grader waiting
    assert _strays() == []


def test_every_job_ends_what_it_started_before_the_next_one(tmp_path, warm_grader):
    path = tmp_path / "spawns.py"
    path.write_text(SPAWNS)
    report = warm_grader.grade(resolve_file(path), ["exercise1"], seed=5)
    assert report.score == 0
    assert _strays() == []  # the warm server is still running; the job's processes are not


@pytest.mark.skipif(os.name == "nt", reason="a pseudo-terminal (pty) exists on POSIX only")
def test_input_fails_at_once_even_in_a_terminal(tmp_path):
    import pty

    path = tmp_path / "asks.py"
    path.write_text(src('''
        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            answer = input("Which padding? ")
            raise NotImplementedError(answer)
        '''))
    leader, follower = pty.openpty()
    try:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "grader", "exercise1", "--source", str(path), "--seed", "5"],
                                stdin=follower, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    finally:
        os.close(leader)
        os.close(follower)
    assert time.monotonic() - started < 120
    assert result.returncode == 1
    assert "conv_block raised EOFError" in " ".join(result.stdout.split())


ANSWERS = {
    "imports_solutions": src('''
        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            from solutions import conv_block as reference
            return reference(inputs, n_filters, dropout_prob, max_pooling)
        '''),
    "reads_the_reference_file": src(f'''
        SOURCE = open({str(REPO_ROOT / "solutions" / "unet.py")!r}).read()


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            namespace = {{}}
            exec(SOURCE, namespace)
            return namespace["conv_block"](inputs, n_filters, dropout_prob, max_pooling)
        '''),
    "catches_the_refusal_and_goes_on": src('''
        import inspect


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            try:
                import solutions
            except Exception:
                pass
            raise NotImplementedError
        '''),
}


@pytest.mark.parametrize("case", ANSWERS)
def test_student_code_that_reaches_for_the_answers_scores_zero_for_integrity(tmp_path, case, warm_grader):
    path = tmp_path / f"{case}.py"
    path.write_text(ANSWERS[case])
    result = grade_in(warm_grader, "exercise1", "--source", path, "--seed", "5", "--format", "json")
    assert result.returncode == 1 and result.stderr == ""
    report = result.json()
    assert report["score"] == 0
    assert "Your code tried to reach the reference answers" in not_passed(report)


def test_patching_keras_to_report_the_references_settings_gains_nothing(tmp_path, warm_grader):
    path = tmp_path / "patches_keras.py"
    path.write_text(CORRECT_BLOCKS.replace("padding=\"same\"", "padding=\"valid\"").lstrip("\n") + src('''

        import keras


        def _patch_keras():
            """Make every Conv2D report 'same' padding, as the reference's do."""
            keras.layers.Conv2D.padding = property(lambda layer: "same", lambda layer, value: None)
            return True


        KERAS_PATCHED = _patch_keras()
        '''))
    text = path.read_text().replace("def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):",
                                    "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
                                    "    assert KERAS_PATCHED")
    path.write_text(text)
    result = grade_in(warm_grader, "exercise1", "--source", path, "--seed", "5", "--format", "json")
    report = result.json()
    assert report["score"] == 0
    assert "Your code changed Keras' own classes (keras.layers.Conv2D" in not_passed(report)


def test_the_exercises_of_one_source_are_graded_in_jobs_of_their_own(tmp_path, warm_grader):
    """A conv_block that breaks the process does not cost upsampling_block its points."""
    path = tmp_path / "breaks.py"
    path.write_text(CORRECT_BLOCKS.replace(
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n",
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
        "    import sys\n    sys.modules.clear()\n").lstrip("\n"))
    result = grade_in(warm_grader, "all", "--source", path, "--seed", "5", "--format", "json")
    scores = {exercise["name"]: exercise["score"] for exercise in json.loads(result.stdout)["exercises"]}
    assert scores["exercise2"] == 10 and scores["exercise1"] == 0


def test_where_no_warm_server_can_fork_each_job_starts_afresh_and_grades_the_same(tmp_path):
    """The cold path (a platform without fork after TensorFlow's import; forced here) gives the same verdicts."""
    path = tmp_path / "exits.py"
    path.write_text(CORRECT_BLOCKS.replace(
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n",
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
        "    import os\n    os._exit(7)\n").lstrip("\n"))
    result = grade("all", "--source", path, "--seed", "5", "--format", "json",
                   env=dict(os.environ, UNET_GRADER_COLD="1"))
    exercises = {exercise["name"]: exercise for exercise in result.json()["exercises"]}
    assert result.returncode == 1
    assert "ended abruptly (exit status 7)" in " ".join(not_passed(result.json()).split())
    assert exercises["exercise1"]["score"] == 0
    assert exercises["exercise2"]["score"] == exercises["exercise2"]["max_score"] == 10
