"""Bad input to the grader: each case gets a clear message, the exercise scores 0, the
other exercises are still graded, and no traceback of the grader reaches the student.

All gradings of this module run in a module fixture, two at a time (one per core);
each test then checks what its case showed. Top-level code runs only when the graded
functions need what it binds, so each case puts its fault into code that runs.
"""
import json
import re
import shutil
import textwrap
import time

import pytest

from grading_helpers import CORPUS, CORRECT_BLOCKS, cases_of_this_mode, grade_in, grade_warm, not_passed, windows_only

def src(text):
    """A student's file from an indented literal: dedented, starting at line 1."""
    return textwrap.dedent(text).lstrip("\n")


CASES = {
    "syntax_error": ("exercise1", src('''
        from tensorflow.keras.layers import Conv2D


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            conv = Conv2D(n_filters 3, activation="relu")(inputs)
            return conv, conv
        ''')),
    "import_error": ("exercise1", src('''
        from tensorflow.keras.layer import Conv2D


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            return Conv2D(n_filters, 3)(inputs)
        ''')),
    "exception_in_function": ("exercise1", src('''
        from tensorflow.keras.layers import Conv2D


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            conv = Conv2D(n_filters, 3, activation="relu", padding="smae")(inputs)
            return conv, conv
        ''')),
    "unet_returns_a_tensor": ("exercise3", CORRECT_BLOCKS.lstrip("\n") + "\n\n" + src('''

        def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
            inputs = Input(input_size)
            return Conv2D(n_classes, 1)(inputs)
        ''')),
    "endless_loop": ("exercise1", src('''
        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            while True:
                pass
        '''), "--timeout", "5"),
    "memory_exhaustion": ("exercise1", src('''
        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            chunks = []
            for _ in range(400):  # 20 GB if nothing stopped it
                chunks.append(b"x" * 50_000_000)
            return chunks
        '''), "--memory-limit", "1500"),
    "sys_exit_at_import": ("exercise1", src('''
        import sys
        FILTERS = sys.exit(3)


        def conv_block(inputs=None, n_filters=FILTERS, dropout_prob=0, max_pooling=True):
            raise NotImplementedError
        ''')),
    "os_exit_at_import": ("exercise1", src('''
        import os
        FILTERS = os._exit(7)


        def conv_block(inputs=None, n_filters=FILTERS, dropout_prob=0, max_pooling=True):
            raise NotImplementedError
        ''')),
    "sys_exit_in_function": ("exercise1", src('''
        import sys


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            sys.exit("done")
        ''')),
    "os_exit_in_function": ("all", CORRECT_BLOCKS.replace(
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n",
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
        "    import os\n    os._exit(9)\n").lstrip("\n") + "\n\n" + src('''

        def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
            raise NotImplementedError("unet_model is not implemented yet")
        ''')),
    "fake_results_printed": ("exercise1", src('''
        import json
        print(json.dumps({"score": 12, "max_score": 12, "exercises": []}))
        print("Score: 12/12 (100%): all checks passed.")


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            print("Score: 36/36 (100%): all checks passed.")
            print("x" * 100_000)
            raise NotImplementedError("conv_block is not implemented yet")
        '''), "--format", "json"),
    "grader_module_modified": ("exercise1", src('''
        import grader.grading.model.describe as describe
        import grader.grading.integrity as integrity


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            describe.describe = lambda model, origins=None: {"layers": [], "outputs": []}
            integrity.changes = lambda before: []  # and try to silence the watch
            raise NotImplementedError("conv_block is not implemented yet")
        ''')),
    "result_channel_forged": ("exercise1", src('''
        import json
        import os

        FAKE = json.dumps({"type": "graded", "exercise": "exercise1", "observations": []}).encode() + b"\\n"


        def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
            for fd in range(3, 64):
                try:
                    os.write(fd, FAKE)
                except OSError:
                    pass
            raise ValueError("nothing to see")
        ''')),
}


# The cases graded in the emulated modes too (grading_helpers.cases_of_this_mode): in both, the memory cap (an
# rlimit on macOS, a Job Object or the parent's watch on Windows); in the Windows mode, those that pass through
# the job process: its time limit, its exits, its channel, its output, the grader's modules loaded in it. The
# others check the text made of a source or an exception, in any job the same.
PORTABLE = {"memory_exhaustion"}
WINDOWS_ONLY = {"endless_loop", "sys_exit_at_import", "os_exit_at_import", "sys_exit_in_function", "os_exit_in_function",
                "fake_results_printed", "grader_module_modified", "result_channel_forged"}


@pytest.fixture(scope="module")
def results(tmp_path_factory, warm_grader):
    """{case: (Graded, path of the source)} for every case of this mode, in one warm grader."""
    folder = tmp_path_factory.mktemp("bad_input")
    cases = cases_of_this_mode(CASES, PORTABLE, WINDOWS_ONLY)
    paths = {name: folder / f"{name}.py" for name in cases}
    for name, (_, text, *_) in cases.items():
        paths[name].write_text(text)
    graded = grade_warm({name: (exercise, "--source", paths[name], "--seed", "5", *options)
                         for name, (exercise, _, *options) in cases.items()}, warm_grader)
    return {name: (graded[name], paths[name]) for name in cases}


def _messages(result):
    """All messages of a text or JSON report (the JSON one when stdout is JSON)."""
    try:
        return not_passed(result.json())
    except ValueError:
        return result.stdout


def shown(result):
    """The report's text with line wrapping undone (whitespace runs made single spaces)."""
    return " ".join(result.stdout.split())


def check_zero_and_clean(result):
    """Exit 1, score 0 for the graded exercise, no traceback, nothing on stderr."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in shown(result) + result.stderr
    assert result.stderr == ""
    assert re.search(r"^Score: 0/\d+ \(0%\)", result.stdout, re.M) or result.json()["score"] == 0


def test_syntax_error_names_file_and_line(results):
    result, path = results["syntax_error"]
    check_zero_and_clean(result)
    assert f"Syntax error in {path}, line 5" in shown(result)
    assert 'conv = Conv2D(n_filters 3, activation="relu")(inputs)' in shown(result)


def test_import_error_names_the_module_and_line(results):
    result, path = results["import_error"]
    check_zero_and_clean(result)
    assert "failed with ModuleNotFoundError: No module named 'tensorflow.keras.layer'" in shown(result)
    assert f"at {path}, line 1: from tensorflow.keras.layer import Conv2D" in shown(result)


def test_exception_inside_the_function_points_at_the_students_own_line(results):
    result, path = results["exception_in_function"]
    check_zero_and_clean(result)
    assert "conv_block raised ValueError: The `padding` argument must be" in shown(result)
    assert f'at {path}, line 5: conv = Conv2D(n_filters, 3, activation="relu", padding="smae")(inputs)' in shown(result)
    assert "site-packages" not in result.stdout and "grader/" not in result.stdout


def test_wrong_return_type_is_named(results):
    result, _ = results["unet_returns_a_tensor"]
    check_zero_and_clean(result)
    assert "unet_model returned a KerasTensor; expected a keras.Model" in shown(result)
    assert "return Model(inputs=inputs, outputs=conv10)" in shown(result)


@windows_only
def test_function_that_never_returns_is_stopped_at_the_time_limit(results):
    result, _ = results["endless_loop"]
    check_zero_and_clean(result)
    assert "conv_block did not finish within 5 s" in shown(result) and "--timeout" in shown(result)


@pytest.mark.portable
def test_memory_exhaustion_is_stopped_with_a_message(results):
    result, _ = results["memory_exhaustion"]
    check_zero_and_clean(result)
    assert re.search(r"conv_block (used more than|ran out of memory).*1500 MiB", result.stdout, re.S)


@windows_only
def test_sys_exit_at_import_is_reported_not_obeyed(results):
    result, path = results["sys_exit_at_import"]
    check_zero_and_clean(result)
    assert "calls sys.exit(3), so nothing can be graded" in shown(result)
    assert f"at {path}, line 2: FILTERS = sys.exit(3)" in shown(result)


@windows_only
def test_os_exit_at_import_is_reported(results):
    result, _ = results["os_exit_at_import"]
    check_zero_and_clean(result)
    assert "ended abruptly (exit status 7)" in shown(result) and "was being imported" in shown(result)


@windows_only
def test_sys_exit_inside_the_function_is_reported(results):
    result, path = results["sys_exit_in_function"]
    check_zero_and_clean(result)
    assert "conv_block called sys.exit('done')" in shown(result)
    assert f"at {path}, line 5" in shown(result)


@windows_only
def test_os_exit_inside_a_function_costs_that_exercise_only(results):
    result, _ = results["os_exit_in_function"]
    assert result.returncode == 1 and result.stderr == ""
    sections = {match[0]: match[1] for match in re.findall(r"^(exercise\d) \(\w+\): (\d+/\d+)", result.stdout, re.M)}
    assert sections == {"exercise1": "0/12", "exercise2": "10/10", "exercise3": "0/14"}
    assert "ended abruptly (exit status 9) while conv_block ran" in shown(result)


@windows_only
def test_printed_fake_results_change_nothing(results):
    result, _ = results["fake_results_printed"]
    assert result.returncode == 1 and result.stderr == ""
    report = json.loads(result.stdout)  # stdout is exactly one JSON object: the real report
    assert report["score"] == 0 and report["max_score"] == 12
    assert "not implemented yet" in not_passed(report)


@windows_only
def test_printed_output_is_capped_and_kept_apart_in_text_reports(tmp_path, warm_grader):
    path = tmp_path / "noisy.py"
    path.write_text(CASES["fake_results_printed"][1])
    result = grade_in(warm_grader, "exercise1", "--source", path, "--seed", "5")
    assert result.stdout.splitlines()[-1].startswith("Score: 0/12 (0%)")
    printed = [line for line in result.stdout.splitlines() if "Score: 36/36" in line or "Score: 12/12" in line]
    assert printed and all(line.startswith("  | ") for line in printed)
    assert "more characters not shown" in shown(result)
    assert len(result.stdout) < 10_000


@windows_only
def test_modifying_the_graders_modules_scores_zero(results):
    result, _ = results["grader_module_modified"]
    check_zero_and_clean(result)
    assert ("changed the grader's own modules (grader.grading.integrity.changes, "
            "grader.grading.model.describe.describe)") in shown(result)


@windows_only
def test_forged_result_channel_scores_zero(results):
    result, _ = results["result_channel_forged"]
    check_zero_and_clean(result)
    assert "private result channel" in shown(result)


HANGING_CONV_BLOCK = (CORPUS / "correct_loops.py").read_text().replace(
    "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n",
    "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n    while True:\n        pass\n")
ALL = ["exercise1", "exercise2", "exercise3"]
SEQUENTIAL_LIMIT_S = 20  # a class run's time limit in the test: a second wait on the block would cost half of it


@pytest.fixture(scope="module")
def hanging(tmp_path_factory):
    """A file whose conv_block never returns (and a correct one), graded `all` as a class run grades a student
    (one exercise after another) and as the one-shot command does (side by side where it forks):
    {mode: (Report, seconds of the hanging file's grading, seconds of the correct file's before it, forked)}.

    Without fork a grading takes a job process started (TensorFlow imported) by the one before; the
    correct file's grading, which waits for one such start, is followed by as long a pause, so that the
    hanging file's seconds are its waits and its work, not how long an import takes on a loaded machine."""
    from grader.grading import sources
    from grader.grading.session import Grader

    assert "while True" in HANGING_CONV_BLOCK
    folder = tmp_path_factory.mktemp("hanging")
    hangs, correct = folder / "hangs.py", folder / "correct.py"
    hangs.write_text(HANGING_CONV_BLOCK)
    shutil.copy(CORPUS / "correct_loops.py", correct)
    graded = {}
    for mode, timeout_s, settings in [("class", SEQUENTIAL_LIMIT_S, {"parallel": 1}), ("one_shot", 8, {})]:
        with Grader(timeout_s, 4096, one_job_per_source=True, keep_spares=1, **settings) as grader:
            grader.prepare(ALL, 5)
            started = time.monotonic()
            right = grader.grade(sources.resolve_file(correct), ALL, 5)  # what the grading costs without a hang
            without_hang = time.monotonic() - started
            assert right.score == right.max_score
            if not grader.warm:
                time.sleep(without_hang)
            started = time.monotonic()
            report = grader.grade(sources.resolve_file(hangs), ALL, 5)
            graded[mode] = report, time.monotonic() - started, without_hang, grader.warm
    return graded


def _scores(report):
    return [exercise.score for exercise in report.exercises]


def _dependency_message(report):
    [check] = [check for check in report.exercises[2].checks if check.status != "passed"]
    assert check.name == "dependencies: unet_model with your own conv_block and upsampling_block"
    return " ".join(check.message.split())


@windows_only
def test_a_hanging_block_is_waited_on_once_in_a_class_and_exercise3_counts_with_the_reference_blocks(hanging):
    report, seconds, without_hang, _ = hanging["class"]
    assert _scores(report) == [0, 10, 12]
    [first] = {check.message for check in report.exercises[0].checks}
    assert f"conv_block did not finish within {SEQUENTIAL_LIMIT_S} s (the time limit per exercise" in first
    assert (f"the fault comes from exercise1 (conv_block). With your conv_block and the reference upsampling_block, "
            f"conv_block (exercise1) did not finish within {SEQUENTIAL_LIMIT_S} s when exercise1 graded it (the "
            f"time limit per exercise; --timeout changes it), so the grader does not call it again; unet_model is "
            f"graded with the reference blocks instead. Look for a loop in conv_block that never ends."
            ) in _dependency_message(report)
    # exercise1's wait, once: exercise3 does not wait for the block again (that would add half the limit again)
    assert seconds < without_hang + SEQUENTIAL_LIMIT_S * 1.25, (seconds, without_hang)


@windows_only
def test_under_a_short_time_limit_exercise3_still_counts_and_the_waits_overlap(hanging):
    report, seconds, without_hang, forked = hanging["one_shot"]
    assert _scores(report) == [0, 10, 12]  # a block call gets half the limit: unet_model is graded within it
    assert "conv_block did not finish within 8 s" in " ".join(report.exercises[0].checks[0].message.split())
    message = _dependency_message(report)
    assert "conv_block (exercise1) did not finish within" in message  # in exercise3 (4 s), or in exercise1 before
    assert "unet_model is graded with the reference blocks instead" in message
    # forked, exercise1's 8 s and exercise3's 4 s overlap; without fork, exercise1's time-out ends its job, whose
    # successor (started halfway through the wait) may still be importing TensorFlow: never the limit twice
    assert seconds < without_hang + 8 * (1.25 if forked else 2), (seconds, without_hang)
