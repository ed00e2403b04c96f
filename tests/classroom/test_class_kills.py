"""A class run killed outright (SIGKILL) at the worst moments resumes to the same gradebook; so does one
whose disk filled up or turned read-only mid-run, once it can be written again; a damaged `.finished/`
entry is said and graded again; two runs on one output folder: the second refuses at once.

The runs are real `python -m grader class` processes with instant, hand-made gradings
(fake_class_run.py), so every kill point costs a second or two; the real end-to-end
resume is test_class_run.py's.
"""
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grader.classroom.lock import LOCK_NAME, process_alive
from small_disk import fill, remount, small_filesystem

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank"]


def fake_run(out, submissions, *options, kill_at=None, each_s=0.0, wait=True):
    command = [sys.executable, str(HERE / "fake_class_run.py"), "--each-s", str(each_s)]
    if kill_at:
        command += ["--kill-at", kill_at]
    command += ["--", "class", str(submissions), "--out", str(out), "--seed", "7", "--jobs", "2", *options]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if not wait:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "submissions"
    folder.mkdir()
    for name in STUDENTS:
        (folder / f"{name}.py").write_text(f"# {name}'s work\n" + ("# padding\n" if name in ("bob", "erin") else ""))
    (folder / "gina").mkdir()  # an empty folder: a row with the reason
    (folder / "henry").mkdir()  # a zip in a student's folder, unpacked afresh by every run
    with zipfile.ZipFile(folder / "henry" / "work.zip", "w") as archive:
        archive.writestr("work/unet.py", "# henry's work\n")
    return folder


@pytest.fixture(scope="module")
def uninterrupted(submissions, tmp_path_factory):
    out = tmp_path_factory.mktemp("once") / "out"
    done = fake_run(out, submissions)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ",henry/work.zip/work/unet.py,12,12," in (out / "gradebook.csv").read_text()
    return out


def everything(folder):
    """Every file a user reads, by path: the run's record, the lock and the store are the run's own."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and ".finished" not in path.parts and path.name not in (".class-run.json", LOCK_NAME)}


@pytest.mark.parametrize("kill_at", [
    ".class-run.json:1:after",     # before anyone is graded
    r".*\.json:3:before",          # while a student's files are written (their .finished entry or feedback)
    r".*\.txt:2:after",            # between a student's feedback .txt and .json
    "gradebook.csv:1:after",       # the gradebook's CSV in place, its JSON not yet
    "summary.png:1:before",        # the gradebook complete, the summary not yet
], ids=["run-record", "student-files", "feedback-pair", "gradebook-csv", "summary"])
def test_sigkill_at_any_point_then_resume_gives_the_same_gradebook(submissions, uninterrupted, tmp_path, kill_at):
    out = tmp_path / "out"
    killed = fake_run(out, submissions, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    resumed = fake_run(out, submissions, "--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert "no longer running; it is removed" in resumed.stdout  # the killed run's lock
    assert everything(out) == everything(uninterrupted)
    assert not [path for path in out.rglob("*") if "partial" in path.name]
    assert not (out / LOCK_NAME).exists()


@pytest.mark.parametrize("damage", ["cut short", "emptied", "not a row"])
def test_a_damaged_finished_entry_is_said_and_graded_again(submissions, uninterrupted, tmp_path, damage):
    out = tmp_path / "out"
    assert fake_run(out, submissions).returncode == 0
    entry = out / ".finished" / "carol.json"
    text = entry.read_text()
    entry.write_text({"cut short": text[: len(text) // 2], "emptied": "",
                      "not a row": json.dumps({**json.loads(text), "row": {"id": "carol"}})}[damage])
    resumed = fake_run(out, submissions, "--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "carol: the result kept from before (.finished/carol.json" in resumed.stdout
    assert "is damaged; carol.py is graded again." in resumed.stdout
    assert "(1 to grade, 6 kept from before)" in resumed.stdout
    assert json.loads(entry.read_text())["row"]["id"] == "carol"  # whole again
    assert everything(out) == everything(uninterrupted)


def test_a_second_run_on_the_same_folder_refuses_at_once_and_names_the_first(submissions, tmp_path):
    out = tmp_path / "out"
    first = fake_run(out, submissions, each_s=60, wait=False)
    try:
        deadline = time.monotonic() + 120
        while not (out / LOCK_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        second = fake_run(out, submissions, "--resume")
        assert time.monotonic() - started < 60  # it does not wait for the first (60 s a student)
        assert second.returncode == 2
        assert (f"Another class run is writing into {out}: process {first.pid}" in second.stderr
                .replace("\n", " "))
        assert "holds .class-run.lock" in second.stderr
        assert first.poll() is None  # the first goes on
    finally:
        first.kill()  # SIGKILL: its lock is left behind, stale
        first.communicate()
    assert not process_alive(first.pid)
    third = fake_run(out, submissions, "--resume")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "no longer running; it is removed" in third.stdout


def assert_nothing_looks_complete(out):
    assert not (out / "gradebook.csv").exists() and not (out / "gradebook.json").exists()
    assert not [path for path in out.rglob("*") if "partial" in path.name]
    for entry in (out / ".finished").glob("*.json"):
        json.loads(entry.read_text())  # every kept student whole
    feedback = sorted(path.name for path in (out / "feedback").glob("*"))
    assert sorted({name.rsplit(".", 1)[0] for name in feedback}) == sorted(
        name.rsplit(".", 1)[0] for name in feedback if name.endswith(".txt"))
    assert len(feedback) % 2 == 0  # a student's two feedback files, both or neither


def test_a_disk_that_fills_up_mid_run_says_so_and_resume_finishes_once_space_is_freed(
        submissions, uninterrupted, tmp_path):
    with small_filesystem(tmp_path / "disk", "2m") as disk:
        out = disk / "out"
        filler = fill(disk, leave_bytes=60 * 1024)  # room for a few students, not the whole class
        full = fake_run(out, submissions)
        assert full.returncode == 2, full.stdout + full.stderr
        message = full.stderr.replace("\n", " ")
        assert f"in {out}" in message and "the disk is full" in message
        assert "students graded so far are kept" in message and f"--out {out} --resume" in message
        assert "Traceback" not in full.stderr
        assert_nothing_looks_complete(out)
        filler.unlink()
        resumed = fake_run(out, submissions, "--resume")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert everything(out) == everything(uninterrupted)


def test_a_folder_that_turns_read_only_mid_run_says_so_and_resume_finishes_once_writable(
        submissions, uninterrupted, tmp_path):
    with small_filesystem(tmp_path / "disk", "8m") as disk:
        out = disk / "out"
        running = fake_run(out, submissions, each_s=0.5, wait=False)
        deadline = time.monotonic() + 120
        while len(list((out / ".finished").glob("*.json"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        remount(disk, "ro")
        try:
            stdout, stderr = running.communicate(timeout=120)
        finally:
            remount(disk, "rw")
        assert running.returncode == 2, stdout + stderr
        message = stderr.replace("\n", " ")
        assert "the file system is read-only" in message and f"{out}" in message and "--resume" in message
        assert "Traceback" not in stderr
        assert_nothing_looks_complete(out)
        resumed = fake_run(out, submissions, "--resume")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert everything(out) == everything(uninterrupted)


def test_a_dask_worker_killed_mid_grading_is_retried_elsewhere_then_the_student_gets_a_row(
        submissions, uninterrupted, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from grader.classroom.run import ClassSettings, run_class

    folder = tmp_path / "class"
    folder.mkdir()
    for path in submissions.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "kim.py").write_text("# kill-worker 1\n")   # its first worker dies; the second grades it
    (folder / "lou.py").write_text("# kill-worker 99\n")  # every worker grading it dies
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    monkeypatch.setenv("FAKE_ATTEMPTS_DIR", str(attempts))
    lines = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  preload=[str(HERE / "dask_fake_worker.py")]) as local:
        result = run_class(ClassSettings(folder, tmp_path / "out", ("exercise1", "exercise2", "exercise3"),
                                         seed=7, dask=local.scheduler_address), log=lines.append)
        assert local.scheduler.allowed_failures == 3  # the cluster's own setting, put back
    assert result.status == "finished"
    rows = {line.split(",")[0]: line for line in (tmp_path / "out" / "gradebook.csv").read_text(
        encoding="utf-8-sig").splitlines()[1:]}
    assert ",graded," in rows["kim"] and ",12,12," in rows["kim"]
    assert len(list(attempts.glob("kim.py.*"))) >= 2  # (more when a worker holding its result died later)
    # tried, then retried at most twice (a worker that dies counts against every task it held)
    assert 2 <= len(list(attempts.glob("lou.py.*"))) <= 3
    assert ",error," in rows["lou"] and "the Dask worker grading it died 3 times" in rows["lou"]
    for student in ("alice", "bob", "carol"):
        assert rows[student].split(",")[:9] == [line for line in (uninterrupted / "gradebook.csv").read_text(
            encoding="utf-8-sig").splitlines() if line.startswith(student + ",")][0].split(",")[:9]


@pytest.mark.slow  # the client takes about half a minute to give up on the scheduler
def test_the_dask_scheduler_gone_mid_run_keeps_the_finished_and_says_how_to_resume(
        submissions, uninterrupted, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from grader.classroom.cluster import ClusterLost
    from grader.classroom.run import ClassSettings, run_class

    monkeypatch.setenv("FAKE_ATTEMPTS_DIR", str(tmp_path))
    monkeypatch.setenv("FAKE_EACH_S", "0.5")
    out = tmp_path / "out"
    settings = dict(submissions=submissions, out=out, exercises=("exercise1", "exercise2", "exercise3"), seed=7)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  preload=[str(HERE / "dask_fake_worker.py")]) as local:
        def end_the_scheduler():
            deadline = time.monotonic() + 60
            while len(list((out / ".finished").glob("*.json"))) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            local.sync(local.scheduler.close)

        import threading

        ender = threading.Thread(target=end_the_scheduler)
        ender.start()
        with pytest.raises(ClusterLost) as caught:
            run_class(ClassSettings(**settings, dask=local.scheduler_address), log=lambda line: None)
        ender.join()
        address = local.scheduler_address
    message = str(caught.value)
    assert f"The Dask scheduler at {address} went away in the middle of the run" in message
    assert "students graded so far are kept in" in message
    assert f"--out {out} --dask {address} --resume" in message
    kept = len(list((out / ".finished").glob("*.json")))
    assert 2 <= kept < len(STUDENTS) + 1 and not (out / "gradebook.csv").exists()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  preload=[str(HERE / "dask_fake_worker.py")]) as again:
        result = run_class(ClassSettings(**settings, dask=again.scheduler_address, resume=True),
                           log=lambda line: None)
    assert result.status == "finished" and result.kept == kept
    assert (out / "gradebook.csv").read_bytes() == (uninterrupted / "gradebook.csv").read_bytes()
