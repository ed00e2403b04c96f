"""The report renderers: text, JSON, JUnit and Gradescope from one Report (pure: no TensorFlow)."""
import dataclasses
import html
import json
import xml.etree.ElementTree as ET

import pytest

from grader.grading.records import CheckResult, ExerciseResult, Report
from grader.reports import gradescope, html_report, json_report, junit, text


REPORT = Report(
    seed=42, source="work.py", output="hello\n", output_dropped=0,
    versions={"grader": "0.1.0", "tensorflow": "2.x"},
    exercises=(ExerciseResult("exercise1", "conv_block", (
        CheckResult("structure: course configuration 1", "passed", 2, 2, "Matches the reference."),
        CheckResult("behaviour: <odd> & \"chars\"", "failed", 0, 1, "Differs at \x01 position (1, 2).\nHint: look."),
        CheckResult("structure: random configuration 1", "error", 0, 1, "conv_block raised ValueError: boom"),
    )),),
)


def test_text_report_ends_with_the_score_and_shows_prints_apart():
    shown = text.render(REPORT)
    assert shown.splitlines()[-1].startswith("Score: 2/4 (50%)")
    assert "seed 42" in shown.splitlines()[0]
    assert "  | hello" in shown
    assert "FAIL   0/1  behaviour" in shown and "Hint: look." in shown and "ERROR  0/1" in shown


def test_json_report_keeps_only_the_documented_keys():
    data = json.loads(json_report.render(REPORT))
    assert set(data) == {"score", "max_score", "exercises", "versions"}
    assert set(data["exercises"][0]) == {"name", "function", "score", "max_score", "checks", "notes"}
    assert set(data["exercises"][0]["checks"][0]) == {"name", "status", "score", "max_score", "message"}
    assert data["exercises"][0]["notes"] == []


NOTE = "padding='same' changes nothing here, since the sizes are even; the exercise leaves it at the default."
NOTED = dataclasses.replace(REPORT, exercises=(dataclasses.replace(REPORT.exercises[0],
                                                                   notes=(NOTE, "A <second> one.")),))


def test_an_exercises_notes_are_in_every_report_as_the_text_report_shows_them():
    shown = " ".join(text.render(NOTED).split())
    assert f"Note: {NOTE}" in shown and "Note: A <second> one." in shown
    assert json.loads(json_report.render(NOTED))["exercises"][0]["notes"] == [NOTE, "A <second> one."]
    suite = ET.fromstring(junit.render(NOTED).split("\n", 1)[1]).find("testsuite")
    assert suite.find("system-out").text == f"Note: {NOTE}\nNote: A <second> one."
    assert ET.fromstring(junit.render(REPORT).split("\n", 1)[1]).find("testsuite").find("system-out") is None
    assert f"exercise1: {NOTE}" in gradescope.data(NOTED)["output"]
    page = html_report.render(NOTED)
    assert f"<p><strong>Note:</strong> {html.escape(NOTE)}</p>" in page and "A &lt;second&gt; one." in page


def test_junit_is_well_formed_even_with_control_characters():
    root = ET.fromstring(junit.render(REPORT).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    failure = suite.findall("testcase")[1].find("failure")
    assert failure.get("message") == "Differs at ? position (1, 2)."


def test_gradescope_marks_errors_as_failed_tests():
    data = gradescope.data(REPORT)
    assert data["score"] == 2
    assert [test["status"] for test in data["tests"]] == ["passed", "failed", "failed"]
    assert data["tests"][0]["name"] == "exercise1 (conv_block): structure: course configuration 1"


def test_gradescope_writes_only_its_documented_fields_with_numbers_tags_and_time():
    data = gradescope.data(dataclasses.replace(REPORT, seconds=12.6))
    assert set(data) <= {"score", "execution_time", "output", "output_format", "test_output_format",
                         "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                         "leaderboard"}
    assert data["execution_time"] == 13 and data["extra_data"]["max_score"] == 4
    assert [test["number"] for test in data["tests"]] == ["1.1", "1.2", "1.3"]
    assert data["tests"][1]["tags"] == ["exercise1", "behaviour"]
    assert "seed 42" in data["output"] and "2/4 points" in data["output"]
    assert "execution_time" not in gradescope.data(REPORT)


def test_gradescope_finish_keeps_the_graders_results_and_puts_the_note_first():
    results = gradescope.finished(gradescope.render(REPORT), 1, "submission/a.py", note="Graded a.py of 2 files.")
    assert results["score"] == 2 and len(results["tests"]) == 3
    assert results["output"].startswith("Graded a.py of 2 files.\n\nGraded work.py")


@pytest.mark.parametrize("text, status, said", [
    (None, 2, "submission/a.py could not be graded: a.py is not a notebook"),
    ("{\"score\": 3, \"tests\": []}", 2, "could not be graded"),
    ("not json", 1, "left no results"),
    (None, 137, "stopped (SIGKILL)"),
    (None, 3, "exit status 3"),
])
def test_gradescope_finish_without_results_gives_score_0_and_says_what_happened(text, status, said):
    problems = "python -m grader: a.py is not a notebook.\nSet UNET_GRADER_DEBUG=1 to see the details.\n"
    results = gradescope.finished(text, status, "submission/a.py", problems=problems)
    assert results["score"] == 0 and results["tests"] == []
    assert said in results["output"]
    assert "UNET_GRADER_DEBUG" not in results["output"] and "python -m grader:" not in results["output"]
