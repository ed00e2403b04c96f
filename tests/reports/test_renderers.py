"""The report renderers: text, JSON, JUnit and Gradescope from one Report (pure: no TensorFlow)."""
import json
import xml.etree.ElementTree as ET

from grader.grading.records import CheckResult, ExerciseResult, Report
from grader.reports import gradescope, json_report, junit, text


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
    assert set(data["exercises"][0]) == {"name", "function", "score", "max_score", "checks"}
    assert set(data["exercises"][0]["checks"][0]) == {"name", "status", "score", "max_score", "message"}


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
