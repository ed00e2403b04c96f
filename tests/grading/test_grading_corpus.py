"""The grading corpus: each wrong implementation is rejected with the right message, each
correct-but-differently-written one scores 100%.

Every file in tests/grading/corpus/ says in its docstring which exercise to grade
(`grade:`) and what the feedback must say (`expect:`, a regular expression searched in
the messages of the checks that did not pass, or `100%`). The whole corpus is graded by
one call (on the tests' shared warm Grader) in a module fixture; each file is
then its own test, and one file also goes through the command line to show the batch
says the same.
"""
import re

import pytest

from grader.exercises import COURSE
from grader.grading import sources
from grader.reports import json_report
from grading_helpers import CORPUS, grade, grade_reports, not_passed

FILES = sorted(CORPUS.glob("*.py"))
SEED = 20240611


def header(path):
    """(exercise to grade, expected regular expression or '100%') from the file's docstring."""
    text = path.read_text()
    exercise = re.search(r"^grade: (\S+)$", text, re.M).group(1)
    expect = re.search(r"^expect: (.+)$", text, re.M).group(1)
    return exercise, expect


@pytest.fixture(scope="module")
def reports(warm_grader):
    """{file name: Report} for the whole corpus, graded in one batch."""
    jobs = [(sources.resolve_file(path, COURSE), COURSE.names if header(path)[0] == "all" else [header(path)[0]])
            for path in FILES]
    return {path.name: report for path, report in zip(FILES, grade_reports(warm_grader, jobs, SEED))}


@pytest.fixture(scope="module")
def graded(reports):
    """{file name: the JSON report's data} for the whole corpus."""
    return {name: json_report.data(report) for name, report in reports.items()}


def test_corpus_is_large_enough():
    wrong = [path for path in FILES if path.name.startswith("wrong_")]
    correct = [path for path in FILES if path.name.startswith("correct_")]
    assert len(wrong) >= 20 and len(correct) >= 6
    assert {header(path)[0] for path in wrong} == {"exercise1", "exercise2", "exercise3"}


@pytest.mark.parametrize("path", [p for p in FILES if p.name.startswith("wrong_")], ids=lambda p: p.stem)
def test_wrong_implementation_is_rejected_with_the_right_message(path, graded):
    _, expect = header(path)
    report = graded[path.name]
    assert report["score"] < report["max_score"]
    feedback = not_passed(report)
    assert re.search(expect, feedback, re.S), f"expected /{expect}/ in:\n{feedback}"
    assert "Traceback" not in feedback


@pytest.mark.parametrize("path", [p for p in FILES if p.name.startswith("correct_")], ids=lambda p: p.stem)
def test_correct_variant_scores_full_marks(path, graded):
    report = graded[path.name]
    assert report["score"] == report["max_score"] > 0, not_passed(report)
    assert [exercise["name"] for exercise in report["exercises"]] == ["exercise1", "exercise2", "exercise3"]


def test_fault_in_a_block_is_blamed_on_its_exercise_not_on_unet_model(graded):
    report = graded["wrong_unet_because_of_conv_block.py"]
    checks = report["exercises"][0]["checks"]
    assert all(check["status"] == "passed" for check in checks if not check["name"].startswith("dependencies"))
    dependency = [check for check in checks if check["name"].startswith("dependencies")][0]
    assert dependency["status"] == "failed" and "exercise1 (conv_block)" in dependency["message"]


def test_equal_structure_with_different_outputs_fails_only_behaviour(graded):
    report = graded["wrong_conv_block_custom_layer_changes_output.py"]
    statuses = {check["name"]: check["status"] for check in report["exercises"][0]["checks"]}
    assert all(status == "passed" for name, status in statuses.items() if name.startswith("structure"))
    assert all(status == "failed" for name, status in statuses.items() if name.startswith("behaviour"))


def test_command_line_gives_the_batch_verdict(graded):
    path = CORPUS / "wrong_conv_block_valid_padding.py"
    result = grade("exercise1", "--source", path, "--format", "json", "--seed", SEED)
    assert result.returncode == 1
    assert result.json()["exercises"] == graded[path.name]["exercises"]
    assert result.stderr == ""


@pytest.mark.parametrize("name, mistake", [
    ("wrong_conv_block_valid_padding.py", "Conv2D #2 (layer 3): padding 'valid', expected 'same'"),
    ("wrong_conv_block_no_dropout.py", "Dropout layer missing after Conv2D #2 (layer 3)"),
    ("wrong_unet_softmax_logits.py", "Conv2D #20 (layer 35): activation 'softmax', expected 'linear'"),
    ("wrong_upsampling_returns_tuple.py", "upsampling_block returned a tuple of 2 values (KerasTensor, KerasTensor)"),
])
def test_every_check_that_does_not_pass_names_its_mistake_in_few_words(reports, name, mistake):
    checks = [check for exercise in reports[name].exercises for check in exercise.checks]
    failed = [check for check in checks if check.status != "passed"]
    assert failed and all(check.mistake for check in failed)
    assert all(check.mistake is None for check in checks if check.status == "passed")
    assert failed[0].mistake == mistake
