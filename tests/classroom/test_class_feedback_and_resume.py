"""Each student's feedback is what `grader all --source FILE` prints; finished students are kept, so a
resumed run writes the same bytes as an uninterrupted one."""
import errno
import json
import os

import pytest

from class_fakes import EXERCISES, MAX_SCORES, padding_report, report, submission
from grader.classroom.feedback import feedback_for_problem, feedback_for_report, write_feedback
from grader.classroom.gradebook import row_for_failure, row_from_report, write_gradebook
from grader.classroom.output import OutputFolderError, check_output_folder
from grader.classroom.store import STORE_FOLDER, FinishedStore
from grader.classroom.summary import write_summary
from grader.reports import html_report, json_report, text

SETTINGS = {"seed": 7, "exercises": EXERCISES, "timeout": 120, "grader": "0.1.0"}
RUN = {"seed": 7}


def test_feedback_files_are_exactly_the_graders_reports(tmp_path):
    graded = padding_report(source="bob/unet.ipynb")
    txt, js, page = write_feedback(tmp_path, "bob", feedback_for_report(graded))
    assert (txt.name, js.name, page.name, txt.parent.name) == ("bob.txt", "bob.json", "bob.html", "feedback")
    assert txt.read_bytes() == text.render(graded).encode("utf-8")
    assert js.read_bytes() == json_report.render(graded).encode("utf-8")
    assert page.read_text(encoding="utf-8") == html_report.render(
        graded, back=("../report.html", "Back to the class report"), pictures="not passed")
    assert sorted(os.listdir(tmp_path / "feedback")) == ["bob.html", "bob.json", "bob.txt"]


def test_feedback_of_a_submission_that_could_not_be_graded_says_why():
    feedback = feedback_for_problem("carol/", "The folder carol/ is empty.", 12)
    assert feedback.text.splitlines() == ["carol/ could not be graded.", "", "Reason: The folder carol/ is empty.", "",
                                          "Score: 0/12 (0%): nothing was graded."]
    assert json.loads(feedback.json) == {"score": 0, "max_score": 12, "exercises": [],
                                         "error": "The folder carol/ is empty."}


def test_a_full_disk_while_writing_feedback_leaves_neither_file(tmp_path, monkeypatch):
    write_feedback(tmp_path, "bob", feedback_for_report(report()))
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    with pytest.raises(OutputFolderError, match="feedback/bob.txt, feedback/bob.json, feedback/bob.html in .*the disk is full"):
        write_feedback(tmp_path, "bob", feedback_for_report(padding_report()))
    assert os.listdir(tmp_path / "feedback") == []


def test_check_output_folder_says_at_once_when_it_cannot_be_written(tmp_path, monkeypatch):
    assert check_output_folder(tmp_path / "new") == tmp_path / "new" and os.listdir(tmp_path / "new") == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError) as caught:
        check_output_folder(tmp_path / "file" / "out")
    assert str(caught.value).startswith(f"Cannot write into {tmp_path / 'file' / 'out'}: ")
    assert "Check the folder (or choose another one)" in str(caught.value)


def test_a_kept_student_comes_back_only_for_the_same_file_and_settings(tmp_path):
    store = FinishedStore(tmp_path, SETTINGS)
    bob = submission("bob", sha256="11" * 32)
    row, feedback = row_from_report(bob, padding_report(), 4.2), feedback_for_report(padding_report())
    assert store.finished(bob) is None
    store.save(bob, row, feedback)
    kept = store.finished(bob)
    assert kept.row == row and kept.feedback == feedback
    assert FinishedStore(tmp_path, dict(SETTINGS)).finished(bob) == kept
    assert store.finished(submission("bob", sha256="22" * 32)) is None  # the student handed in a new file
    assert FinishedStore(tmp_path, {**SETTINGS, "seed": 8}).finished(bob) is None
    store.forget(bob)
    assert store.finished(bob) is None


def test_damaged_kept_files_and_failed_gradings_are_graded_again(tmp_path):
    store = FinishedStore(tmp_path, SETTINGS)
    bob, carol = submission("bob"), submission("carol")
    store.save(bob, row_from_report(bob, report(), 1.0), feedback_for_report(report()))
    (tmp_path / STORE_FOLDER / "bob.json").write_text('{"format": 1, "id": "bob"')  # cut short
    assert store.finished(bob) is None
    failure = row_for_failure(carol, MAX_SCORES, reason="The grader itself failed.")
    store.save(carol, failure, feedback_for_problem("carol.py", failure.reason, 12))
    assert store.finished(carol) is None
    assert store.finished(submission("dave", problem="No file.")) is None


def grade_class(out_dir, submissions, reports, stop_after=None):
    """What the class command does with these modules: keep, reuse, write; returns how many were graded."""
    store, rows, graded = FinishedStore(out_dir, SETTINGS), [], 0
    for student in submissions:
        kept = store.finished(student)
        if kept is None and not student.gradable:
            row = row_for_failure(student, MAX_SCORES)
            feedback = feedback_for_problem(student.display, row.reason, row.max_score)
        elif kept is None:
            if stop_after is not None and graded == stop_after:
                raise KeyboardInterrupt
            graded += 1
            row = row_from_report(student, reports[student.id], 3.0 + len(student.id))  # seconds: the student's own
            feedback = feedback_for_report(reports[student.id])
            store.save(student, row, feedback)
        else:
            row, feedback = kept.row, kept.feedback
        write_feedback(out_dir, student.stem, feedback)
        rows.append(row)
    write_gradebook(out_dir, rows, EXERCISES, RUN)
    write_summary(out_dir, rows, EXERCISES, RUN)
    return graded


def everything(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and STORE_FOLDER not in path.parts}


def test_an_interrupted_and_resumed_run_writes_the_same_bytes(tmp_path):
    students = [submission("alice"), submission("bob"), submission("carol", problem="The folder carol/ is empty."),
                submission("dave")]
    reports = {"alice": report(), "bob": padding_report(), "dave": padding_report(source="dave.py")}
    assert grade_class(tmp_path / "once", students, reports) == 3
    with pytest.raises(KeyboardInterrupt):
        grade_class(tmp_path / "twice", students, reports, stop_after=2)
    assert not (tmp_path / "twice" / "gradebook.csv").exists()
    assert grade_class(tmp_path / "twice", students, reports) == 1  # only dave is graded on resume
    once, twice = everything(tmp_path / "once"), everything(tmp_path / "twice")
    assert sorted(once) == [f"feedback/{who}.{kind}" for who in ("alice", "bob", "carol", "dave")
                            for kind in ("html", "json", "txt")] + [
                            "gradebook.csv", "gradebook.json", "summary.md", "summary.png"]
    assert once == twice


def test_a_seed_a_bundle_does_not_store_is_a_usage_error_as_for_one_file(tmp_path, monkeypatch, capsys):
    from grader.cli import main
    from grader.grading import stored

    monkeypatch.setattr(stored, "available", lambda: True)
    monkeypatch.setattr(stored, "pool", lambda: [3, 7])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "alice.py").write_text("x = 1\n")
    assert main(["class", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--seed", "5"]) == 2
    error = capsys.readouterr().err
    assert "--seed 5 is not one of them. Leave out --seed to draw one" in error
    assert "The grader itself failed" not in error
