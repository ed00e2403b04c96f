"""Training the student's U-Net starts with the grader's structure checks."""
import pytest

from grader.runner.precheck import StudentCodeError, check_student_code, structure_failures

REPORT = {"score": 30, "max_score": 36, "exercises": [
    {"function": "conv_block", "checks": [
        {"name": "structure: course configuration 1", "status": "passed", "message": "ok"},
        {"name": "behaviour: course configuration 1", "status": "failed", "message": "outputs differ"}]},
    {"function": "unet_model", "checks": [
        {"name": "structure: course configuration 1", "status": "failed", "message": "layer 3 differs"},
        {"name": "structure: random configuration 1", "status": "failed", "message": "layer 3 differs"}]},
]}


def test_structure_failures_ignore_behaviour_and_passed_checks():
    assert structure_failures(REPORT) == [
        ("unet_model", "structure: course configuration 1", "layer 3 differs"),
        ("unet_model", "structure: random configuration 1", "layer 3 differs")]


def test_structure_failure_stops_with_each_distinct_finding_once():
    with pytest.raises(StudentCodeError) as caught:
        check_student_code(None, log=lambda text: None, grade=lambda source: (1, REPORT))
    message = str(caught.value)
    assert message.count("layer 3 differs") == 1 and "python -m grader all" in message
    assert "--model solutions" in message


def test_behaviour_failures_only_give_a_note_and_training_goes_on():
    report = {**REPORT, "exercises": REPORT["exercises"][:1]}
    notes = []
    check_student_code(None, log=notes.append, grade=lambda source: (1, report))
    assert "passes the structure checks but scores 30/36" in notes[-1]


def test_grader_failure_does_not_block_training():
    notes = []
    check_student_code(None, log=notes.append, grade=lambda source: (2, None))
    assert "could not check" in notes[-1]


def test_untouched_exercises_fail_the_real_grader():
    with pytest.raises(StudentCodeError, match="unet_model is not implemented yet"):
        check_student_code(None, log=lambda text: None)
