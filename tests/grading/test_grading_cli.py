"""The grading commands as a student, an instructor and a CI system use them: exit codes,
the score line, the JSON, JUnit and Gradescope reports, and usage errors."""
import json
import os
import xml.etree.ElementTree as ET

import pytest

from grading_helpers import CORPUS, grade, grade_in

CHECK_KEYS = {"name", "status", "score", "max_score", "message"}
EXERCISE_KEYS = {"name", "function", "score", "max_score", "checks", "notes"}


@pytest.fixture(scope="module")
def solutions_run(tmp_path_factory):
    """`all --solutions` with a fixed seed, writing JUnit and Gradescope files."""
    folder = tmp_path_factory.mktemp("solutions")
    result = grade("all", "--solutions", "--seed", "11", "--junit", folder / "junit.xml",
                   "--gradescope", folder / "results.json")
    return result, folder


@pytest.fixture(scope="module")
def stubs_run(tmp_path_factory, warm_grader):
    """`all` on the untouched stubs, as JSON, writing JUnit and Gradescope files."""
    folder = tmp_path_factory.mktemp("stubs")
    result = grade_in(warm_grader, "all", "--seed", "5", "--format", "json", "--junit", folder / "junit.xml",
                      "--gradescope", folder / "results.json")
    return result, folder


def test_reference_scores_full_marks_and_exits_0(solutions_run):
    result, _ = solutions_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Grading solutions/unet.py with seed 11")
    assert lines[-1] == "Score: 36/36 (100%): all checks passed."
    assert "FAIL" not in result.stdout and "ERROR" not in result.stdout


def test_untouched_stubs_score_0_with_not_implemented_per_exercise(stubs_run):
    result, _ = stubs_run
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["score"] == 0 and report["max_score"] == 36
    for exercise in report["exercises"]:
        assert exercise["score"] == 0
        assert all(check["status"] == "error" for check in exercise["checks"])
        assert all(f"{exercise['function']} is not implemented yet" in check["message"]
                   for check in exercise["checks"])


def test_json_report_has_exactly_the_documented_schema(stubs_run):
    report = json.loads(stubs_run[0].stdout)
    assert set(report) == {"score", "max_score", "exercises", "versions"}
    assert [exercise["name"] for exercise in report["exercises"]] == ["exercise1", "exercise2", "exercise3"]
    assert [exercise["function"] for exercise in report["exercises"]] == ["conv_block", "upsampling_block",
                                                                         "unet_model"]
    for exercise in report["exercises"]:
        assert set(exercise) == EXERCISE_KEYS
        assert exercise["max_score"] == sum(check["max_score"] for check in exercise["checks"])
        for check in exercise["checks"]:
            assert set(check) == CHECK_KEYS
            assert check["status"] in ("passed", "failed", "error")
            assert isinstance(check["score"], int) and isinstance(check["message"], str)
    assert {"grader", "python", "tensorflow", "keras"} <= set(report["versions"])


def _junit(path):
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["exercise1", "exercise2", "exercise3"]
    cases = [case for suite in suites for case in suite.findall("testcase")]
    assert int(root.get("tests")) == len(cases) == sum(int(suite.get("tests")) for suite in suites)
    for case in cases:
        assert case.get("name") and case.get("classname")
    return root, cases


def test_junit_of_passing_run_has_no_failures(solutions_run):
    root, cases = _junit(solutions_run[1] / "junit.xml")
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert all(not list(case) for case in cases)


def test_junit_of_stubs_reports_errors_with_messages(stubs_run):
    root, cases = _junit(stubs_run[1] / "junit.xml")
    assert int(root.get("errors")) == len(cases)
    for case in cases:
        (error,) = case.findall("error")
        assert "not implemented yet" in error.get("message") and "not implemented yet" in error.text


def test_gradescope_results_follow_its_format(solutions_run, stubs_run):
    passing = json.loads((solutions_run[1] / "results.json").read_text())
    failing = json.loads((stubs_run[1] / "results.json").read_text())
    for results, score in ((passing, 36), (failing, 0)):
        assert results["score"] == score
        assert sum(test["max_score"] for test in results["tests"]) == 36
        for test in results["tests"]:
            assert {"name", "score", "max_score", "output", "status"} <= set(test)
            assert test["status"] in ("passed", "failed")
    assert all(test["status"] == "failed" and "not implemented" in test["output"] for test in failing["tests"])


def test_junit_failure_elements_for_wrong_code(tmp_path, warm_grader):
    junit = tmp_path / "junit.xml"
    result = grade_in(warm_grader, "exercise1", "--source", CORPUS / "wrong_conv_block_valid_padding.py",
                      "--seed", "5", "--junit", junit)
    assert result.returncode == 1
    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    failures = [case.find("failure") for case in suite.findall("testcase") if case.find("failure") is not None]
    assert len(failures) == int(suite.get("failures")) > 0
    assert "padding 'valid', expected 'same'" in failures[0].get("message")


@pytest.mark.parametrize("args, message", [
    (["exercise1", "--source", "no_such_file.py"], "no_such_file.py does not exist"),
    (["exercise2", "--source", "README.md"], "is not a .py file"),
    (["exercise3", "--source", "tests"], "is a folder"),
    (["all", "--solutions", "--source", "x.py"], "either --source or --solutions"),
    (["exercise1", "--timeout", "0"], "--timeout must be a positive number"),
    (["exercise1", "--memory-limit", "100"], "--memory-limit must be at least"),
    (["exercise1", "--format", "xml"], "invalid choice"),
])
def test_usage_errors_exit_2_with_a_message(args, message):
    result = grade(*args)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_grader_failure_exits_2_and_says_it_is_not_the_students_fault(tmp_path):
    broken = tmp_path / "tensorflow"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('this TensorFlow is broken on purpose')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = grade("exercise1", "--solutions", env=env)
    assert result.returncode == 2
    assert "The grader itself failed, not your code" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_text_report_says_each_reason_and_hint_once_per_exercise(warm_grader):
    result = grade_in(warm_grader, "exercise1", "--source", CORPUS / "wrong_conv_block_valid_padding.py",
                      "--seed", "5")
    text = " ".join(result.stdout.split())  # undo the line wrapping
    assert result.returncode == 1
    assert text.count("Hint: Use padding='same'") == 1
    assert text.count("padding 'valid', expected 'same'") == 2  # said in full once, named once more in few words
    assert "The same on course configuration 2 and random configurations 1, 2 and 3 (5 configurations in all)." in text
