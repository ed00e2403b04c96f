"""The notebook's inline check: the cells the kernel ran become a notebook the grader grades."""
import nbformat
import pytest

from grader.exercises import COURSE
from grader.grading.sources.notebook import read_cells
from grader.grading.sources.program import plan
from grader.notebook.inline import check, history_notebook, in_notebook_terms

pytestmark = pytest.mark.portable


def test_history_becomes_a_notebook_whose_cells_are_named_as_they_ran(tmp_path):
    history = ["", "%matplotlib inline\nimport math", "model.fit(x)",
               "def conv_block(inputs=None, n_filters=32):\n    return math.floor(n_filters / 2)",
               "   ", "this does not parse ("]
    path = tmp_path / "history.ipynb"
    nbformat.write(history_notebook(history), str(path))
    cells = read_cells(path)
    assert [cell.label() for cell in cells] == ["the cell run as [1]", "the cell run as [2]",
                                                "the cell run as [3]", "the cell run as [5]"]
    _, chosen = plan(cells, ["conv_block"], COURSE.functions)
    assert [statement.text for statement in chosen.kept] == [
        "import math", "def conv_block(inputs=None, n_filters=32):\n    return math.floor(n_filters / 2)"]


def test_check_outside_a_notebook_says_how_to_grade_from_a_terminal(capsys):
    check("exercise1")
    assert "python -m grader exercise1 --source YOUR_NOTEBOOK.ipynb" in capsys.readouterr().out


def test_check_of_an_unknown_exercise_lists_the_valid_ones(capsys):
    check("exercise4")
    assert "exercise1, exercise2, exercise3, all" in capsys.readouterr().out


def test_report_speaks_of_the_notebook_not_the_temporary_file(tmp_path):
    path = tmp_path / "kernel_history.ipynb"
    report = (f"Grading {path} with seed 5 (to replay the random configurations: --seed 5)\n"
              f"  at {path.name}, the cell run as [3], line 2: return x.foo")
    shown = in_notebook_terms(report, path, "exercise1")
    assert "Grading this notebook's functions with seed 5" in shown
    assert 'check("exercise1", seed=5)' in shown
    assert "at this notebook, the cell run as [3], line 2: return x.foo" in shown
    assert str(path) not in shown
