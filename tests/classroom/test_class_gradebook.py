"""The gradebook: one row per student in gradebook.csv and gradebook.json, written whole or not at all."""
import csv
import errno
import io
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from class_fakes import EXERCISES, MAX_SCORES, PADDING, padding_report, report, submission
from grader.classroom import gradebook
from grader.classroom.gradebook import (CSV_NAME, JSON_NAME, GradebookError, Row, csv_columns, read_gradebook,
                                        render_csv, row_for_failure, row_from_report, write_gradebook)
from grader.classroom.output import OutputFolderError
from segmentation.errors import UsageError

RUN = {"seed": 7, "exercises": EXERCISES}


def read_csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def class_rows():
    return [row_from_report(submission("bob"), padding_report(), 12.345),
            row_from_report(submission("alice"), report(), 8.0),
            row_for_failure(submission("carol", "carol/", problem="The folder carol/ is empty: ask the student."),
                            MAX_SCORES)]


def test_a_row_from_a_report_has_the_scores_of_each_exercise_and_every_check():
    row = row_from_report(submission("bob", "bob/unet.ipynb"), padding_report(), 12.345)
    assert (row.id, row.file, row.score, row.max_score, row.percent) == ("bob", "bob/unet.ipynb", 8, 12, 66.7)
    assert row.exercise_scores == {"exercise1": 1, "exercise2": 3, "exercise3": 4}
    assert row.exercise_max_scores == MAX_SCORES
    assert (row.status, row.reason, row.seconds, row.sha256) == ("graded", None, 12.35, "ab" * 32)
    assert row.checks[0] == {"exercise": "exercise1", "name": "structure: course configuration 1",
                             "status": "failed", "score": 0, "max_score": 2,
                             "message": PADDING + ", so the output is 94x126 instead of 96x128.", "mistake": PADDING}
    assert len(row.checks) == 7


def test_a_row_that_could_not_be_graded_has_zero_of_every_exercise():
    row = row_for_failure(submission("carol", problem="The folder carol/ is empty."), MAX_SCORES)
    assert (row.score, row.max_score, row.percent, row.status) == (0, 12, 0.0, "error")
    assert row.exercise_scores == {"exercise1": 0, "exercise2": 0, "exercise3": 0}
    assert row.reason == "The folder carol/ is empty." and row.checks == () and row.sha256 is None
    failed = row_for_failure(submission("dave"), MAX_SCORES, reason="The grader itself failed: boom.", seconds=3)
    assert failed.reason == "The grader itself failed: boom." and failed.sha256 == "ab" * 32 and failed.seconds == 3.0


def test_gradebook_csv_has_one_row_per_student_sorted_by_id(tmp_path):
    write_gradebook(tmp_path, class_rows(), EXERCISES, RUN)
    with open(tmp_path / CSV_NAME, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["id", "file", "score", "max_score", "percent", "exercise1", "exercise2", "exercise3",
                      "status", "reason", "seconds", "sha256"] == csv_columns(EXERCISES)
    rows = read_csv_rows(tmp_path / CSV_NAME)
    assert [row["id"] for row in rows] == ["alice", "bob", "carol"]
    assert rows[1] == {"id": "bob", "file": "bob.py", "score": "8", "max_score": "12", "percent": "66.7",
                       "exercise1": "1", "exercise2": "3", "exercise3": "4", "status": "graded", "reason": "",
                       "seconds": "12.35", "sha256": "ab" * 32}
    assert (rows[2]["status"], rows[2]["score"], rows[2]["reason"], rows[2]["sha256"]) == (
        "error", "0", "The folder carol/ is empty: ask the student.", "")
    assert (tmp_path / CSV_NAME).read_bytes().startswith("\ufeffid,file".encode())  # Excel reads it as UTF-8


def test_gradebook_json_holds_the_run_and_every_check(tmp_path):
    write_gradebook(tmp_path, class_rows(), EXERCISES, RUN)
    data = json.loads((tmp_path / JSON_NAME).read_text(encoding="utf-8"))
    assert data["run"] == RUN and [student["id"] for student in data["students"]] == ["alice", "bob", "carol"]
    bob = data["students"][1]
    assert set(bob) == {"id", "file", "score", "max_score", "percent", "exercise_scores", "exercise_max_scores",
                        "status", "reason", "seconds", "sha256", "checks"}
    assert bob["checks"][0]["mistake"] == PADDING and set(bob["checks"][0]) == set(gradebook.CHECK_KEYS)


def test_the_gradebook_reads_back_as_the_same_rows(tmp_path):
    rows = class_rows()
    write_gradebook(tmp_path, rows, EXERCISES, RUN)
    book = read_gradebook(tmp_path)
    assert book.run == RUN and list(book.rows) == sorted(rows, key=lambda row: row.id)


def test_pandas_reads_the_csv_without_options_and_the_students_of_the_json(tmp_path):
    pandas = pytest.importorskip("pandas")
    write_gradebook(tmp_path, class_rows(), EXERCISES, RUN)
    frame = pandas.read_csv(tmp_path / CSV_NAME)
    assert list(frame.columns) == csv_columns(EXERCISES) and list(frame["id"]) == ["alice", "bob", "carol"]
    assert list(frame["score"]) == [12, 8, 0] and frame["reason"].isna().tolist() == [True, True, False]
    students = pandas.json_normalize(json.loads((tmp_path / JSON_NAME).read_text(encoding="utf-8"))["students"])
    assert list(students["exercise_scores.exercise1"]) == [5, 1, 0]


def test_the_order_of_the_rows_given_does_not_change_a_byte(tmp_path):
    rows = class_rows()
    write_gradebook(tmp_path / "a", rows, EXERCISES, RUN)
    write_gradebook(tmp_path / "b", list(reversed(rows)), EXERCISES, RUN)
    for name in (CSV_NAME, JSON_NAME):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_damaged_gradebook_json_is_named(tmp_path):
    with pytest.raises(GradebookError, match="There is no gradebook at"):
        read_gradebook(tmp_path)
    (tmp_path / JSON_NAME).write_text('{"run": {}, "students": [{"id": "x"}]}')
    with pytest.raises(GradebookError) as caught:
        read_gradebook(tmp_path)
    assert str(tmp_path / JSON_NAME) in str(caught.value) and "Grade the class again" in str(caught.value)


def test_a_full_disk_leaves_no_gradebook_that_looks_complete(tmp_path, monkeypatch):
    write_gradebook(tmp_path, class_rows()[:1], EXERCISES, RUN)  # an older gradebook in the same folder
    real_fsync, calls = os.fsync, []

    def fsync_fails_on_the_second_file(descriptor):
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync_fails_on_the_second_file)
    with pytest.raises(OutputFolderError) as caught:
        write_gradebook(tmp_path, class_rows(), EXERCISES, RUN)
    message = str(caught.value)
    assert isinstance(caught.value, UsageError)
    assert f"Cannot write gradebook.csv, gradebook.json in {tmp_path}: the disk is full" in message
    assert "Free some space or choose another output folder" in message and "Nothing incomplete" in message
    assert os.listdir(tmp_path) == []


def test_an_unwritable_folder_is_named_with_what_to_do(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(OutputFolderError) as caught:
        write_gradebook(tmp_path / "out", class_rows(), EXERCISES, RUN)
    assert f"in {tmp_path / 'out'}: permission denied. Choose an output folder you can write to" in str(caught.value)


# Anything a message, a file name or an id may hold: commas, quotes, newlines, unicode, control characters.
awkward = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(awkward, awkward, awkward), min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_every_field_survives_the_csv_module_whatever_it_holds(students):
    rows = [row_for_failure(submission(student_id or "x", display=display or "f.py", problem=reason or "why"),
                            MAX_SCORES) if index % 2 else
            row_from_report(submission(student_id or "x", display=display or "f.py"), padding_report(), 1.5)
            for index, (student_id, display, reason) in enumerate(students)]
    rows = list({row.id: row for row in rows}.values())
    text = render_csv(rows, EXERCISES)
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    expected = sorted(rows, key=lambda row: row.id)
    assert [line["id"] for line in read] == [row.id for row in expected]
    assert [line["file"] for line in read] == [row.file for row in expected]
    assert [line["reason"] for line in read] == [row.reason or "" for row in expected]
    assert [line["exercise1"] for line in read] == [str(row.exercise_scores["exercise1"]) for row in expected]


@settings(max_examples=50, deadline=None)
@given(awkward, awkward)
def test_a_row_round_trips_through_json(student_id, message):
    row = row_from_report(submission(student_id or "x"), padding_report(), 2.0)
    row = Row(**{**row.__dict__, "checks": tuple({**check, "message": message} for check in row.checks)})
    assert Row.from_data(json.loads(json.dumps(row.data()))) == row
