"""`python -m grader ... --source work.ipynb`: notebooks graded like .py files, faults named by cell."""
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grader.notebook.builder import build_notebook
from grading_helpers import grade_in


def _notebook(tmp_path, name, change=None):
    """The course notebook with the reference in its graded cells, changed by `change(cells)`."""
    notebook = build_notebook(solutions=True)
    if change:
        change(notebook.cells)
    path = tmp_path / name
    nbformat.write(notebook, str(path))
    return path


def _graded(cells, function):
    return next(cell for cell in cells if cell.metadata.get("grader", {}).get("function") == function)


def _checks(result):
    return [check for exercise in json.loads(result.stdout)["exercises"] for check in exercise["checks"]]


def test_training_cells_never_run_while_grading(tmp_path, warm_grader):
    marker = tmp_path / "training-ran"

    def add_side_effects(cells):
        cells.append(new_code_cell(f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)"))
        cells.insert(0, new_code_cell("%matplotlib inline\n!echo hello"))

    path = _notebook(tmp_path, "work.ipynb", add_side_effects)
    result = grade_in(warm_grader, "exercise1", "--source", str(path), "--seed", "5", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(check["status"] == "passed" for check in _checks(result))
    assert not marker.exists()


def test_syntax_error_names_the_cell_and_its_line(tmp_path, warm_grader):
    def break_conv_block(cells):
        cell = _graded(cells, "conv_block")
        cell.source = cell.source.replace("    skip_connection = conv", "    skip_connection = (conv,")

    path = _notebook(tmp_path, "work.ipynb", break_conv_block)
    line = next(number for number, text in enumerate(_graded(
        nbformat.read(path, as_version=4).cells, "conv_block").source.splitlines(), start=1)
        if "skip_connection = (conv," in text)
    result = grade_in(warm_grader, "exercise1", "--source", str(path), "--seed", "5")
    assert result.returncode == 1
    assert f"Syntax error in work.ipynb, cell 11 (the graded cell of conv_block), line {line}" in \
        " ".join(result.stdout.split())
    assert "skip_connection = (conv," in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_deleted_graded_cell_is_named_and_the_other_exercises_still_graded(tmp_path, warm_grader):
    def delete_upsampling_block(cells):
        cells.remove(_graded(cells, "upsampling_block"))

    path = _notebook(tmp_path, "work.ipynb", delete_upsampling_block)
    result = grade_in(warm_grader, "all", "--source", str(path), "--seed", "5", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    by_name = {exercise["name"]: exercise for exercise in report["exercises"]}
    assert by_name["exercise1"]["score"] == by_name["exercise1"]["max_score"]
    message = by_name["exercise2"]["checks"][0]["message"]
    assert "work.ipynb has no graded cell for upsampling_block (exercise2)" in message
    assert "python -m grader notebook --out fresh.ipynb" in message


def test_error_inside_a_graded_function_points_into_its_cell(tmp_path, warm_grader):
    def misspell(cells):
        cell = _graded(cells, "conv_block")
        cell.source = cell.source.replace("    skip_connection = conv", "    skip_connection = conv.shpe")

    path = _notebook(tmp_path, "work.ipynb", misspell)
    result = grade_in(warm_grader, "exercise1", "--source", str(path), "--seed", "5", "--format", "json")
    assert result.returncode == 1
    message = _checks(result)[0]["message"]
    assert "AttributeError" in message
    assert "work.ipynb, cell 11 (the graded cell of conv_block), line" in message
    assert "skip_connection = conv.shpe" in message


@pytest.mark.parametrize("content", ["{ not json", '{"cells": 7}'])
def test_a_file_that_is_not_a_notebook_is_a_usage_error(tmp_path, content, warm_grader):
    path = tmp_path / "work.ipynb"
    path.write_text(content)
    result = grade_in(warm_grader, "exercise1", "--source", str(path), "--seed", "5")
    assert result.returncode == 2
    assert "is not a readable Jupyter notebook" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_our_notebook_grades_solutions_written_with_tf_and_np_as_in_jupyter(tmp_path, warm_grader):
    def course_habits(cells):
        cell = _graded(cells, "unet_model")
        cell.source = cell.source.replace("return Model(inputs=inputs, outputs=conv10)",
                                          "assert np.ndim(input_size) == 1\n"
                                          "    return tf.keras.Model(inputs=inputs, outputs=conv10)")

    path = _notebook(tmp_path, "work.ipynb", course_habits)
    assert "tf.keras.Model(" in _graded(nbformat.read(path, as_version=4).cells, "unet_model").source
    result = grade_in(warm_grader, "exercise3", "--source", str(path), "--seed", "5", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(check["status"] == "passed" for check in _checks(result))
