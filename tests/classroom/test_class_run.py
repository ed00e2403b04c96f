"""`python -m grader class`: a whole class graded as an instructor runs it, interrupted and resumed,
and on a Dask cluster, to the same gradebook."""
import csv
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import STRAY_MARKER
from grader.grading import sandbox
from grading_helpers import CORPUS, CORRECT_BLOCKS, REPO_ROOT, grade, grade_in

pytestmark = pytest.mark.slow

SEED = "314"
STRAY = f"[{sys.executable!r}, '-c', 'import time; time.sleep(600)', {STRAY_MARKER!r}]"

NOSY = '''
import os
import socket

from tensorflow.keras.layers import Conv2D, Dropout, MaxPooling2D


def _try(what, action):
    try:
        action()
        return f"{what}: done"
    except Exception as error:  # noqa: BLE001
        return f"{what}: {type(error).__name__}"


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    print(_try("read a sibling", lambda: open(os.environ.get("SIBLING", "SIBLING_FILE")).read()))
    print(_try("write the output", lambda: open("OUTPUT_FOLDER/planted.txt", "w").write("x")))
    print(_try("connect", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2)))
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    return (MaxPooling2D(2)(conv) if max_pooling else conv), conv
'''


def _class_folder(folder, out, port):
    """A class of 15 entries: right, wrong, hostile, a notebook, a student's zip, LMS names, and what cannot
    be graded."""
    folder.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / "unet.py", folder / "smith_alice_1001_9_unet.py")
    for number, name in enumerate(["wrong_conv_block_valid_padding", "wrong_upsampling_concatenate_order",
                                   "wrong_unet_softmax_logits", "correct_loops"], start=1002):
        shutil.copy(CORPUS / f"{name}.py", folder / f"student_name_{number}_9_unet.py")
    (folder / "jones_bob_1006_9_unet.py").write_text(CORRECT_BLOCKS + (
        "\nimport subprocess\n\n\ndef unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):\n"
        f"    subprocess.Popen({STRAY}, start_new_session=True)\n    while True:\n        pass\n"))
    (folder / "crash_carl_1007_9_unet.py").write_text(CORRECT_BLOCKS.replace(
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n",
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n    import os\n    os._exit(4)\n"))
    (folder / "nosy_nina_1008_9_unet.py").write_text(
        NOSY.replace("SIBLING_FILE", str(folder / "smith_alice_1001_9_unet.py"))
        .replace("OUTPUT_FOLDER", str(out)).replace("PORT", str(port)))
    student = folder / "lee_li_1009_9"
    student.mkdir()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading" / "sources"))
    from course_layout import write_course_notebook

    write_course_notebook(student / "W3A2.ipynb")
    (folder / "twice_tom_1010_9_unet.py").write_text("def conv_block():\n    pass\n")
    (folder / "twice_tom_1010_9_unet.ipynb").write_text("{}")
    (folder / "empty_eve_1011_9").mkdir()
    (folder / "paper_pat_1012_9_unet.pdf").write_bytes(b"%PDF-1.4")
    (folder / "syntax_sam_1013_9_unet.py").write_text("def conv_block(:\n")
    with zipfile.ZipFile(folder / "kim_ann_1014_9_unet.zip", "w") as own_zip:  # a student who uploaded a zip
        own_zip.write(CORPUS / "correct_loops.py", "unet/unet.py")
    return folder


@pytest.fixture(scope="module")
def listener():
    """A server on the host's loopback that a sandboxed submission must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    reached = []

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            reached.append(True)
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], reached
    server.close()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, listener):
    """The class graded once from a .zip with --jobs 2; (submissions folder, output folder, result)."""
    root = tmp_path_factory.mktemp("class")
    out = root / "out"
    folder = _class_folder(root / "submissions", out, listener[0])
    archive = root / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.rglob("*")):
            handle.write(path, path.relative_to(folder.parent))
    result = grade("class", archive, "--out", out, "--jobs", "2", "--seed", SEED, "--timeout", "20",
                   "--id-pattern", r"_(\d+)_\d+", timeout=900)
    return folder, out, result


def _sigint_at_default():
    """In the child: Ctrl-C at its default, so that Python turns it into KeyboardInterrupt even where the tests
    run as a background job of a shell, which ignores SIGINT (and passes that on)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _rows(out):
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def _without_seconds(out):
    return {student: {key: value for key, value in row.items() if key != "seconds"}
            for student, row in _rows(out).items()}


def test_the_class_is_graded_into_a_gradebook(graded_class):
    _, out, result = graded_class
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _rows(out)
    assert len(rows) == 14  # 15 entries, two of them one student's
    assert list(next(iter(rows.values()))) == ["id", "file", "score", "max_score", "percent", "exercise1",
                                               "exercise2", "exercise3", "status", "reason", "seconds", "sha256"]
    assert rows["1001"]["score"] == "36" and rows["1005"]["score"] == "36"  # the reference, a correct variant
    assert rows["1002"]["exercise1"] == "0" and rows["1002"]["exercise2"] == "10"
    assert int(rows["1006"]["exercise3"]) == 0 and rows["1006"]["exercise1"] == "12"  # an endless loop: its own row
    assert rows["1007"]["exercise1"] == "0" and rows["1007"]["exercise2"] == "10"  # os._exit: only that exercise
    assert rows["1009"]["score"] == "36" and rows["1009"]["file"] == "lee_li_1009_9/W3A2.ipynb"
    assert rows["1014"]["score"] == "36" and rows["1014"]["file"] == "kim_ann_1014_9_unet.zip/unet/unet.py"
    for student, why in [("1010", "2 files"), ("1011", "empty"), ("1012", "neither")]:
        assert rows[student]["status"] == "error" and why in rows[student]["reason"].lower(), rows[student]
    assert rows["1013"]["status"] == "graded" and rows["1013"]["score"] == "0"
    assert all(len(row["sha256"]) == 64 for student, row in rows.items() if row["status"] == "graded")
    students = json.loads((out / "gradebook.json").read_text())["students"]
    assert sum(len(student["checks"]) for student in students) > 100
    assert "sandbox" in json.loads((out / "gradebook.json").read_text())["run"]


def test_each_students_feedback_is_what_grading_their_file_alone_prints(graded_class, warm_grader):
    folder, out, _ = graded_class
    alone = grade_in(warm_grader, "all", "--source", "student_name_1002_9_unet.py", "--seed", SEED, cwd=folder)
    assert (out / "feedback" / "1002.txt").read_text() == alone.stdout
    as_json = grade_in(warm_grader, "all", "--source", "student_name_1002_9_unet.py", "--seed", SEED,
                       "--format", "json", cwd=folder)
    assert json.loads((out / "feedback" / "1002.json").read_text())["exercises"] == as_json.json()["exercises"]


def test_the_summary_names_the_commonest_mistakes_with_their_students(graded_class):
    _, out, _ = graded_class
    summary = (out / "summary.md").read_text()
    assert "Conv2D #2 (layer 3): padding 'valid', expected 'same'" in summary and "1002" in summary
    from PIL import Image

    with Image.open(out / "summary.png") as picture:
        assert picture.size[0] > 600 and picture.size[1] > 600


def test_the_class_report_links_every_students_page_and_pictures_their_faults(graded_class):
    _, out, _ = graded_class
    page = (out / "report.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(feedback/[^"]+\.html)"', page)
    assert len(set(links)) == 14 and all((out / link).is_file() for link in links)
    student = next(row for row in json.loads((out / "gradebook.json").read_text())["students"] if row["id"] == "1002")
    lost = [name for name, score in student["exercise_scores"].items() if score < student["exercise_max_scores"][name]]
    wrong = (out / "feedback" / "1002.html").read_text(encoding="utf-8")  # a picture of each exercise that lost points
    assert "exercise1" in lost and wrong.count('src="data:image/png;base64,') == len(lost)
    assert "padding &#x27;valid&#x27;" in wrong
    assert 'src="data:image' not in (out / "feedback" / "1001.html").read_text(encoding="utf-8")  # all passed


@pytest.mark.skipif(not sandbox.probe().usable, reason=f"no sandbox here: {sandbox.probe().reason}")
def test_a_student_in_the_sandbox_reaches_no_sibling_no_output_no_network(graded_class, listener):
    _, out, _ = graded_class
    feedback = (out / "feedback" / "1008.txt").read_text()
    assert "read a sibling: FileNotFoundError" in feedback
    assert "write the output: " in feedback and "write the output: done" not in feedback
    assert "connect: ConnectionRefusedError" in feedback or "connect: OSError" in feedback
    assert not (out / "planted.txt").exists() and listener[1] == []
    assert _rows(out)["1008"]["exercise1"] == "12"  # and graded as usual


def _some_of(folder, into):
    """A class of four of `folder`'s entries (the reference, a wrong file, a crash, a student's zip) in `into`;
    their ids. The whole class's hostile, broken and slow entries are graded, and compared, in the other tests."""
    into.mkdir()
    for name in SOME:
        shutil.copy(folder / name, into / name)
    return [re.search(r"_(\d+)_\d+", name).group(1) for name in SOME]


SOME = ("smith_alice_1001_9_unet.py", "student_name_1002_9_unet.py", "crash_carl_1007_9_unet.py",
        "kim_ann_1014_9_unet.zip")


def _rows_of(out, ids):
    return {student: row for student, row in _without_seconds(out).items() if student in ids}


def test_an_interrupted_run_resumes_to_the_same_gradebook(graded_class, tmp_path):
    folder, out, _ = graded_class
    ids = _some_of(folder, tmp_path / "some")
    second = tmp_path / "second"
    command = [sys.executable, "-m", "grader", "class", str(tmp_path / "some"), "--out", str(second), "--jobs", "2",
               "--seed", SEED, "--timeout", "20", "--id-pattern", r"_(\d+)_\d+"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_sigint_at_default)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not list((second / ".finished").glob("*.json")):
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "--resume" in stdout and not (second / "gradebook.csv").exists()
    resumed = grade(*command[3:], "--resume", timeout=900)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "kept from before" in resumed.stdout
    assert _without_seconds(second) == _rows_of(out, ids)
    for name in ("1001", "1002", "1014"):
        assert (second / "feedback" / f"{name}.txt").read_text() == (out / "feedback" / f"{name}.txt").read_text()


def test_a_dask_cluster_grades_the_class_to_the_same_gradebook(graded_class, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder, out, _ = graded_class
    ids = _some_of(folder, tmp_path / "some")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = grade("class", tmp_path / "some", "--out", tmp_path / "cluster", "--seed", SEED, "--timeout", "20",
                       "--id-pattern", r"_(\d+)_\d+", "--dask", cluster.scheduler_address, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _without_seconds(tmp_path / "cluster") == _rows_of(out, ids)


def test_a_run_killed_outright_resumes_to_the_same_rows(graded_class, tmp_path):
    """The real grader, SIGKILL to the class run once a student is kept: the warm servers end with it, and
    --resume takes over its lock and gives the rows of the uninterrupted run."""
    folder, out, _ = graded_class
    few = tmp_path / "few"
    few.mkdir()
    for name in ("smith_alice_1001_9_unet.py", "student_name_1002_9_unet.py", "student_name_1003_9_unet.py"):
        shutil.copy(folder / name, few / name)
    killed_out = tmp_path / "killed"
    command = [sys.executable, "-m", "grader", "class", str(few), "--out", str(killed_out), "--jobs", "1",
               "--seed", SEED, "--timeout", "20", "--id-pattern", r"_(\d+)_\d+"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not list((killed_out / ".finished").glob("*.json")):
        time.sleep(0.1)
    process.kill()
    process.communicate(timeout=60)
    assert not (killed_out / "gradebook.csv").exists()
    resumed = grade(*command[3:], "--resume", timeout=900)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "no longer running; it is removed" in resumed.stdout and "kept from before" in resumed.stdout
    assert _without_seconds(killed_out) == _rows_of(out, ("1001", "1002", "1003"))
