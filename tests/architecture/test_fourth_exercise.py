"""A fourth exercise, registered in a test-only table, graded end to end without touching the grader."""
from pathlib import Path

import pytest

from grader.exercises import load_table
from grader.grading.session import grade
from grader.grading.sources import resolve_file
from grader.reports import text

HERE = Path(__file__).resolve().parent / "fourth_exercise"


@pytest.fixture(scope="module")
def table():
    return load_table(f"{HERE / 'table.py'}:FOURTH")


@pytest.fixture(scope="module")
def reports(table):
    """The right and the wrong answer, each graded in its own session as a student's file would be."""
    return {name: grade(resolve_file(HERE / f"{name}.py", table), ["exercise4"], seed=7, timeout_s=120,
                        memory_mb=4096, table=table)
            for name in ("right", "wrong")}


def test_right_answer_scores_full_marks(reports):
    report = reports["right"]
    assert [exercise.name for exercise in report.exercises] == ["exercise4"]
    assert report.passed and report.max_score == 4 * 2 + 2 * 1  # 4 structure checks, 2 behaviour checks
    assert "Score: 10/10 (100%)" in text.render(report)


def test_wrong_answer_is_rejected_with_the_layer_and_the_tables_own_hint(reports):
    report = reports["wrong"]
    assert report.score == 0
    shown = " ".join(text.render(report).split())  # line wrapping undone
    assert "Conv2D #1 (layer 2): kernel size 5x5, expected 3x3" in shown
    assert "Hint: conv_layer uses a 3x3 kernel" in shown
    assert "exercise4 (conv_layer): 0/10" in shown
