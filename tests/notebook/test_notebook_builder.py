"""The course notebook: made from the exercise and solution modules, valid, marked for grading."""
import ast

import nbformat
import pytest

from grader.notebook.builder import QUICK_BUDGET, build_notebook
from grader.exercises import COURSE
from grader.notebook.module_text import function_source, module_file
from grading_helpers import run_grader


def _graded(notebook):
    return {cell.metadata["grader"]["exercise"]: cell for cell in notebook.cells
            if cell.metadata.get("grader", {}).get("graded")}


@pytest.mark.parametrize("solutions, module", [(False, "exercises.unet"), (True, "solutions.unet")])
def test_graded_cells_hold_the_modules_functions_verbatim(solutions, module):
    notebook = build_notebook(solutions=solutions)
    nbformat.validate(notebook)
    graded = _graded(notebook)
    assert list(graded) == COURSE.names
    for exercise, function in zip(COURSE.names, COURSE.functions):
        cell = graded[exercise]
        assert cell.source == function_source(module_file(module), function)
        assert cell.metadata["grader"] == {"exercise": exercise, "function": function, "graded": True}
        assert cell.metadata["deletable"] is False


def test_each_graded_cell_is_followed_by_its_inline_check():
    cells = build_notebook().cells
    for index, cell in enumerate(cells):
        if cell.metadata.get("grader", {}).get("graded"):
            exercise = cell.metadata["grader"]["exercise"]
            assert cells[index + 1].source == f'check("{exercise}")'


def test_notebook_tells_the_story_in_the_courses_order():
    text = "\n".join(cell.source for cell in build_notebook().cells)
    order = ["# U-Net", "load_dataset(", "plt.subplots", "def conv_block", "def upsampling_block",
             "def unet_model", "model.summary()", "model.fit(", 'history.history["val_accuracy"]',
             "model.predict("]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_every_code_cell_is_python_and_setup_defines_what_the_stubs_raise():
    notebook = build_notebook()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            ast.parse(cell.source)
    setup = [cell for cell in notebook.cells if cell.metadata.get("grader", {}).get("role") == "setup"]
    assert len(setup) == 1
    namespace = {}
    exec(compile(setup[0].source, "setup", "exec"), namespace)
    error = namespace["_not_implemented"]("conv_block", "next_layer, skip_connection")
    assert "conv_block is not implemented yet" in str(error)
    assert "the graded cell of this notebook" in str(error)


def test_quick_budget_goes_into_the_settings_cell():
    settings = next(cell for cell in build_notebook(budget=QUICK_BUDGET).cells
                    if cell.metadata.get("grader", {}).get("role") == "settings")
    namespace = {}
    exec(settings.source, namespace)
    assert (namespace["EPOCHS"], namespace["N_FILTERS"], namespace["MAX_IMAGES"]) == (1, 4, 8)
    assert namespace["DATA_DIR"] is None


def test_notebook_command_writes_a_valid_file_and_keeps_existing_work(tmp_path, repo_root):
    out = tmp_path / "course" / "unet.ipynb"
    result = run_grader("notebook", "--out", str(out), "--solutions", cwd=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Wrote {out}" in result.stdout
    notebook = nbformat.read(out, as_version=4)
    nbformat.validate(notebook)
    assert "Conv2DTranspose(n_filters, 3, strides=2" in _graded(notebook)["exercise2"].source

    out.write_text("a student's work")
    again = run_grader("notebook", "--out", str(out), cwd=repo_root)
    assert again.returncode == 2
    assert "exists already" in again.stderr and "--force" in again.stderr and again.stdout == ""
    assert out.read_text() == "a student's work"
    assert "Traceback" not in again.stdout + again.stderr
