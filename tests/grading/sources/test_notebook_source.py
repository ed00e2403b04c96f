"""Reading a student's notebook: only the set-up and graded cells are kept, errors name the cell."""
import ast

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.notebook.builder import build_notebook
from grader.grading.sources.notebook import (
    NotebookSourceError,
    check_syntax,
    notebook_program,
    without_magics,
)


def _write(tmp_path, cells, name="work.ipynb"):
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def _graded(function, source):
    return new_code_cell(source, metadata={"grader": {"function": function, "graded": True}})


def test_course_notebook_keeps_setup_and_graded_cells_never_training(tmp_path):
    path = tmp_path / "unet.ipynb"
    nbformat.write(build_notebook(solutions=True), str(path))
    program = notebook_program(path)
    assert program.missing == {}
    tree = ast.parse(program.text)
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert defined == {"_not_implemented", "conv_block", "upsampling_block", "unet_model"}
    for never in ["model.fit(", "load_dataset(", "check(", "plt."]:
        assert never not in program.text


def test_without_metadata_the_defining_cells_and_all_imports_are_kept(tmp_path):
    cells = [
        new_code_cell("import numpy as np\nfrom tensorflow.keras.layers import Conv2D\nx = np.zeros(3)"),
        new_code_cell("def conv_block(inputs=None, n_filters=32):\n    return Conv2D(n_filters, 3)(inputs)"),
        new_code_cell("model.fit(data, epochs=40)"),
        new_code_cell("def conv_block(inputs=None, n_filters=32):\n    return 'second version'"),
    ]
    program = notebook_program(_write(tmp_path, cells))
    assert "import numpy as np" in program.text and "from tensorflow.keras.layers import Conv2D" in program.text
    assert "x = np.zeros(3)" not in program.text and "model.fit" not in program.text
    assert "second version" in program.text and "Conv2D(n_filters, 3)(inputs)" not in program.text
    assert set(program.missing) == {"upsampling_block", "unet_model"}


def test_deleted_graded_cell_is_named_with_the_way_back(tmp_path):
    notebook = build_notebook()
    notebook.cells = [cell for cell in notebook.cells
                      if cell.metadata.get("grader", {}).get("function") != "upsampling_block"]
    path = tmp_path / "work.ipynb"
    nbformat.write(notebook, str(path))
    program = notebook_program(path)
    assert list(program.missing) == ["upsampling_block"]
    message = program.missing["upsampling_block"]
    assert "work.ipynb has no graded cell for upsampling_block (exercise2)" in message
    assert "python -m grader notebook --out fresh.ipynb" in message


def test_syntax_error_is_blamed_on_its_own_cell_and_line(tmp_path):
    cells = [new_markdown_cell("# title"),
             new_code_cell("import math", metadata={"grader": {"role": "setup"}}),
             _graded("conv_block", "def conv_block(inputs=None):\n    x = (1,\n    return x"),
             _graded("upsampling_block", "def upsampling_block():\n    return 2")]
    program = notebook_program(_write(tmp_path, cells))
    with pytest.raises(SyntaxError) as caught:
        check_syntax(program)
    assert caught.value.filename == str(tmp_path / "work.ipynb")
    assert program.where(caught.value.lineno) == "work.ipynb, cell 3 (the graded cell of conv_block), line 2"


def test_syntax_error_in_a_training_cell_does_not_matter(tmp_path):
    cells = [_graded("conv_block", "def conv_block():\n    return 1"), new_code_cell("this is not python (")]
    program = notebook_program(_write(tmp_path, cells))
    check_syntax(program)
    assert "def conv_block" in program.text and "not python" not in program.text


@pytest.mark.parametrize("content, expected", [
    (None, "does not exist"),
    ("{ not json", "is not a readable Jupyter notebook"),
    ('{"cells": 3}', "is not a readable Jupyter notebook"),
])
def test_a_file_that_is_not_a_notebook_is_named(tmp_path, content, expected):
    path = tmp_path / "work.ipynb"
    if content is not None:
        path.write_text(content)
    with pytest.raises(NotebookSourceError, match=expected) as caught:
        notebook_program(path)
    assert "work.ipynb" in str(caught.value)


def test_ipython_commands_are_left_out_but_keep_their_lines():
    source = "%matplotlib inline\n!pip install x\nfor i in range(2):\n    %time f(i)\ny = 1"
    converted = without_magics(source)
    assert converted.count("\n") == source.count("\n")
    ast.parse(converted)
    assert "y = 1" in converted


cell_lines = st.lists(st.sampled_from(["a = 1", "b = a + 1", "# note", "", "%time a"]), max_size=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(cell_lines, min_size=1, max_size=4))
def test_every_program_line_is_traced_to_its_cell_and_line(tmp_path_factory, bodies):
    cells = [new_code_cell("import os", metadata={"grader": {"role": "setup"}})]
    functions = ["conv_block", "upsampling_block", "unet_model"]
    for function, body in zip(functions, bodies):
        lines = [f"def {function}():"] + [f"    {line}" for line in body] + ["    return 0"]
        cells.append(_graded(function, "\n".join(lines)))
    path = _write(tmp_path_factory.mktemp("nb"), cells)
    program = notebook_program(path)
    text_lines = program.text.splitlines()
    for first, cell in program.origins:
        for offset, line in enumerate(without_magics(cell.source).splitlines()):
            assert text_lines[first - 1 + offset] == line
            assert program.where(first + offset) == f"work.ipynb, {cell.label()}, line {offset + 1}"
