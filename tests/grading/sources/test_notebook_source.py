"""Reading a student's notebook: cells as they come, only what the graded functions need is kept,
errors name the cell (pure: nothing of the student's runs, no TensorFlow)."""
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.exercises import COURSE
from grader.grading.sources.notebook import NotebookSourceError, missing_cell_message, read_cells
from grader.grading.sources.program import plan
from grader.notebook.builder import build_notebook


def _write(tmp_path, cells, name="work.ipynb"):
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def _graded(function, source):
    return new_code_cell(source, metadata={"grader": {"function": function, "graded": True}})


def _kept(path, wanted=COURSE.functions):
    statements, chosen = plan(read_cells(path), wanted, COURSE.functions, star_names=lambda module: None)
    return chosen


def test_course_notebook_keeps_the_functions_and_their_imports_never_training(tmp_path):
    path = tmp_path / "unet.ipynb"
    nbformat.write(build_notebook(solutions=True), str(path))
    chosen = _kept(path)
    defined = {statement.defines for statement in chosen.kept if statement.defines}
    assert defined == set(COURSE.functions)  # the stubs' helper is not used by the reference
    text = "\n".join(statement.text for statement in chosen.kept)
    for never in ["model.fit(", "load_dataset(", "check(", "plt.", "import_tensorflow"]:
        assert never not in text
    assert "from tensorflow.keras.layers import Conv2D" in text


def test_without_metadata_the_last_definition_and_only_the_imports_it_uses_are_kept(tmp_path):
    cells = [
        new_code_cell("import numpy as np\nfrom tensorflow.keras.layers import Conv2D\nx = np.zeros(3)"),
        new_code_cell("def conv_block(inputs=None, n_filters=32):\n    return Conv2D(n_filters, 3)(inputs)"),
        new_code_cell("model.fit(data, epochs=40)"),
        new_code_cell("def conv_block(inputs=None, n_filters=32):\n    return np.ones(n_filters)"),
    ]
    chosen = _kept(_write(tmp_path, cells), ["conv_block"])
    assert [statement.text for statement in chosen.kept] == [
        "import numpy as np", "def conv_block(inputs=None, n_filters=32):\n    return np.ones(n_filters)"]
    assert chosen.definitions["conv_block"].cell.number == 4


def test_the_graded_cell_wins_over_a_later_definition_and_the_course_marker_over_a_plain_one(tmp_path):
    cells = [
        new_code_cell("# UNQ_C1\n# GRADED FUNCTION: conv_block\ndef conv_block():\n    return 'marked'"),
        new_code_cell("def conv_block():\n    return 'scratch'"),
        _graded("upsampling_block", "def upsampling_block():\n    return 'graded'"),
        new_code_cell("def upsampling_block():\n    return 'later'"),
    ]
    chosen = _kept(_write(tmp_path, cells), ["conv_block", "upsampling_block"])
    assert chosen.definitions["conv_block"].cell.number == 1
    assert chosen.definitions["upsampling_block"].cell.number == 3
    assert chosen.definitions["conv_block"].cell.label() == "cell 1 (`# GRADED FUNCTION: conv_block`)"


def test_deleted_graded_cell_is_named_with_the_way_back(tmp_path):
    notebook = build_notebook()
    notebook.cells = [cell for cell in notebook.cells
                      if cell.metadata.get("grader", {}).get("function") != "upsampling_block"]
    path = tmp_path / "work.ipynb"
    nbformat.write(notebook, str(path))
    assert "upsampling_block" not in _kept(path).definitions
    message = missing_cell_message("work.ipynb", COURSE.get("exercise2"))
    assert "work.ipynb has no graded cell for upsampling_block (exercise2)" in message
    assert "python -m grader notebook --out fresh.ipynb" in message


def test_syntax_error_is_blamed_on_its_own_cell_and_line(tmp_path):
    cells = [new_markdown_cell("# title"),
             new_code_cell("import math", metadata={"grader": {"role": "setup"}}),
             _graded("conv_block", "def conv_block(inputs=None):\n    x = (1,\n    return x"),
             _graded("upsampling_block", "def upsampling_block():\n    return 2")]
    path = _write(tmp_path, cells)
    with pytest.raises(SyntaxError) as caught:
        _kept(path)
    cell = next(cell for cell in read_cells(path) if cell.filename == caught.value.filename)
    assert cell.where(caught.value.lineno, "work.ipynb") == "work.ipynb, cell 3 (the graded cell of conv_block), line 2"
    assert caught.value.text.strip() == "x = (1,"


def test_syntax_error_in_a_cell_nothing_needs_does_not_matter(tmp_path):
    cells = [_graded("conv_block", "def conv_block():\n    return 1"), new_code_cell("this is not python (")]
    chosen = _kept(_write(tmp_path, cells), ["conv_block"])
    assert [statement.defines for statement in chosen.kept] == ["conv_block"]


def test_a_syntax_error_in_the_cell_of_a_needed_helper_is_reported(tmp_path):
    cells = [new_code_cell("def helper(x:\n    return x"),
             _graded("conv_block", "def conv_block():\n    return helper(1)")]
    with pytest.raises(SyntaxError):
        _kept(_write(tmp_path, cells), ["conv_block"])


@pytest.mark.parametrize("content, expected", [
    (None, "does not exist"),
    ("{ not json", "is not a readable Jupyter notebook"),
    ('{"cells": 3}', "is not a readable Jupyter notebook"),
    ('[1, 2]', "is not a readable Jupyter notebook"),
])
def test_a_file_that_is_not_a_notebook_is_named(tmp_path, content, expected):
    path = tmp_path / "work.ipynb"
    if content is not None:
        path.write_text(content)
    with pytest.raises(NotebookSourceError, match=expected) as caught:
        read_cells(path)
    assert "work.ipynb" in str(caught.value)


def test_notebooks_as_they_come_are_read(tmp_path):
    """nbformat 4.0, sources as lists, no execution counts, Colab metadata, outputs with images, a BOM."""
    notebook = {
        "nbformat": 4, "nbformat_minor": 0,
        "metadata": {"colab": {"provenance": [], "collapsed_sections": []}, "accelerator": "GPU"},
        "cells": [
            {"cell_type": "markdown", "metadata": {"id": "x1"}, "source": ["# Title\n"]},
            {"cell_type": "code", "metadata": {"id": "x2", "colab": {"base_uri": "https://localhost:8080/"}},
             "execution_count": None, "outputs": [
                 {"output_type": "display_data", "metadata": {},
                  "data": {"image/png": "iVBORw0KGgo" * 50_000, "text/plain": ["<Figure>"]}}],
             "source": ["import math\n", "\n", "def conv_block(n=2):\n", "    return math.sqrt(n)\n"]},
            {"cell_type": "raw", "metadata": {}, "source": "raw text"},
        ],
    }
    path = tmp_path / "colab.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(notebook).encode())
    cells = read_cells(path)
    assert [cell.number for cell in cells] == [2]
    assert cells[0].text.startswith("import math\n\ndef conv_block")
    chosen = _kept(path, ["conv_block"])
    assert [statement.text for statement in chosen.kept][0] == "import math"


def test_an_old_nbformat_3_notebook_is_converted(tmp_path):
    notebook = {"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                "worksheets": [{"cells": [{"cell_type": "code", "input": ["def conv_block():\n", "    return 3"],
                                           "language": "python", "outputs": [], "metadata": {}}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(notebook))
    assert read_cells(path)[0].text == "def conv_block():\n    return 3"
