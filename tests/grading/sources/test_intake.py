"""Notebooks as students really have them: the course's own layout, extra imports, helpers in other
cells, magics, exported scripts. Only the graded functions and what they need run."""
import importlib.util
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from course_layout import (CONV_BLOCK, UNET_MODEL, course_cells, jupytext_script, nbconvert_script,
                           write_course_notebook)
from grader.exercises import COURSE
from grader.grading import sources
from grader.reports import json_report, text
from grading_helpers import grade_in, grade_reports, not_passed

NOT_HERE = ["pandas", "imageio", "test_utils", "outputs"]


def unwrapped(output):
    return " ".join(output.split())


@pytest.fixture(scope="module")
def course_notebook(tmp_path_factory):
    assert [name for name in NOT_HERE if importlib.util.find_spec(name)] == [], \
        "this test needs an environment without the course's extra packages"
    return write_course_notebook(tmp_path_factory.mktemp("course") / "W3A2_Image_segmentation_Unet_v2.ipynb")


def test_the_courses_own_notebook_scores_full_marks_with_the_left_out_imports_said(course_notebook, warm_grader):
    result = grade_in(warm_grader, "all", "--source", course_notebook, "--seed", "5")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "Score: 36/36 (100%): all checks passed."
    shown = unwrapped(result.stdout)
    for statement, cell in [("import pandas as pd", 4), ("import imageio", 4), ("from test_utils import summary", 2),
                            ("from test_utils import comparator", 2), ("import outputs", 15)]:
        assert (f"Note: left out `{statement}` (cell {cell}): not used by the graded functions, "
                f"and not installed here") in shown
    assert "Traceback" not in result.stdout + result.stderr and result.stderr == ""


def test_softmax_on_the_last_layer_fails_exercise3_only(tmp_path, warm_grader):
    softmax = UNET_MODEL.replace("conv10 = Conv2D(n_classes, 1, padding='same')(conv9)",
                                 "conv10 = Conv2D(n_classes, 1, padding='same', activation='softmax')(conv9)")
    path = write_course_notebook(tmp_path / "softmax.ipynb", unet_model=softmax)
    result = grade_in(warm_grader, "all", "--source", path, "--seed", "5", "--format", "json")
    assert result.returncode == 1
    scores = {exercise["name"]: (exercise["score"], exercise["max_score"]) for exercise in result.json()["exercises"]}
    assert scores["exercise1"] == (12, 12) and scores["exercise2"] == (10, 10) and scores["exercise3"][0] < 14
    assert "The model outputs logits: give the last Conv2D no activation" in not_passed(result.json())


def _variant(tmp_path, name, change):
    cells = course_cells()
    change(cells)
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    return path


def _graded_index(cells, function):
    return next(index for index, cell in enumerate(cells) if f"def {function}(" in cell.source)


def _helper_in_its_own_cell(cells):
    index = _graded_index(cells, "conv_block")
    cells.insert(index, new_code_cell("def double_conv(x, n_filters):\n"
                                      "    for _ in range(2):\n"
                                      "        x = Conv2D(n_filters, KERNEL, activation='relu', padding='same',\n"
                                      "                   kernel_initializer='he_normal')(x)\n"
                                      "    return x"))
    cells.insert(2, new_code_cell("KERNEL = 3  # a constant in a cell of its own"))
    graded = cells[index + 2]
    graded.source = graded.source.replace(graded.source[graded.source.index("    conv = Conv2D"):
                                                        graded.source.index("    # if dropout_prob")],
                                          "    conv = double_conv(inputs, n_filters)\n")


def _star_import(cells):
    cells[1].source = "import tensorflow as tf\nfrom tensorflow.keras.layers import *\nfrom test_utils import *"


def _cell_magic_and_shell_lines(cells):
    index = _graded_index(cells, "upsampling_block")
    cells[index].source = "%%time\n" + cells[index].source
    cells.insert(1, new_code_cell("!pip install imageio\n%load_ext autoreload\n%autoreload 2"))


def _redefined_and_shared_lines(cells):
    cells.insert(_graded_index(cells, "conv_block"), new_code_cell(
        "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n    return 'a first try'"))
    cells.append(new_code_cell("import time; t = time.time(); check('exercise1')"))


def _rebound_name_and_data_default(cells):
    """A set-up statement uses `path = ''`, which a later cell rebinds (`for path in zip(...)`); conv_block's
    default is the data set (`inputs=processed_image_ds`), which cannot be computed without the data."""
    data = next(index for index, cell in enumerate(cells) if "path = ''" in cell.source)
    cells[data].source += "\nKERNEL = 3 + len(path)"
    index = _graded_index(cells, "conv_block")
    cells[index].source = cells[index].source.replace("def conv_block(inputs=None,", "def conv_block(inputs=processed_image_ds,")
    cells[index].source = cells[index].source.replace("                  3,   # Kernel size", "                  KERNEL,")
    cells.insert(index + 2, new_code_cell("for path in zip(image_list, mask_list):\n    print(path)"))


VARIANTS = {"helper_and_constant_in_other_cells": _helper_in_its_own_cell, "star_imports": _star_import,
            "cell_magic_and_shell_lines": _cell_magic_and_shell_lines,
            "redefined_and_shared_lines": _redefined_and_shared_lines,
            "rebound_name_and_data_default": _rebound_name_and_data_default}


@pytest.fixture(scope="module")
def variants(tmp_path_factory, warm_grader):
    """{name: (JSON report, text report)} for every variant and both exported scripts, in one grading batch."""
    folder = tmp_path_factory.mktemp("variants")
    paths = {name: _variant(folder, name, change) for name, change in VARIANTS.items()}
    cells = course_cells()
    for name, exporter in (("nbconvert", nbconvert_script), ("jupytext", jupytext_script)):
        paths[f"exported_{name}"] = folder / f"exported_{name}.py"
        paths[f"exported_{name}"].write_text(exporter(cells))
    jobs = [(sources.resolve_file(path), COURSE.names) for path in paths.values()]
    reports = grade_reports(warm_grader, jobs, 5, timeout_s=120)
    return {name: (json_report.data(report), text.render(report)) for name, report in zip(paths, reports)}


@pytest.mark.parametrize("name", [*VARIANTS, "exported_nbconvert", "exported_jupytext"])
def test_each_variant_scores_full_marks(variants, name):
    report, _ = variants[name]
    assert report["score"] == report["max_score"] == 36, not_passed(report)


def test_a_redefined_function_says_which_definition_was_graded(variants):
    _, shown = variants["redefined_and_shared_lines"]
    assert re.search(r"Note: conv_block is defined 2 times \(cell 8, cell 9 \(`# GRADED FUNCTION: conv_block`\)\); "
                     r"graded the one in cell 9 \(`# GRADED FUNCTION: conv_block`\)", unwrapped(shown))


def test_a_default_that_needs_the_data_set_is_not_computed_and_said(variants):
    report, shown = variants["rebound_name_and_data_default"]
    assert report["score"] == 36
    assert ("Note: not computed: conv_block's default `inputs=processed_image_ds` in cell 8 (`# GRADED FUNCTION: "
            "conv_block`), which may need data that is not here; the grader always passes inputs, so the default "
            "never decides the grade") \
        in unwrapped(shown)


def test_a_graded_function_that_needs_a_missing_package_is_named_with_the_fix(tmp_path, warm_grader):
    needs_imageio = CONV_BLOCK.replace("    skip_connection = conv\n",
                                       "    skip_connection = conv\n    assert imageio is not None\n")
    path = write_course_notebook(tmp_path / "needs_imageio.ipynb", conv_block=needs_imageio)
    result = grade_in(warm_grader, "exercise1", "--source", path, "--seed", "5")
    assert result.returncode == 1
    shown = unwrapped(result.stdout)
    assert ("needs_imageio.ipynb, cell 4, line 5: `import imageio` failed: the package imageio is not installed "
            "here, and conv_block uses it, so it cannot be graded.") in shown
    assert "Hint: `pip install imageio`, or remove the import if you don't use it." in shown
    assert "Traceback" not in result.stdout + result.stderr


def test_a_notebook_of_3_mb_with_outputs_grades_like_its_functions(tmp_path, warm_grader):
    cells = course_cells()
    picture = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo" * 300_000}}
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(picture)]
            cell.execution_count = None
    path = tmp_path / "with_outputs.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    assert path.stat().st_size > 3_000_000
    result = grade_in(warm_grader, "exercise2", "--source", path, "--seed", "5", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["score"] == 10


def test_a_notebook_half_written_after_it_was_found_is_said_as_unreadable(tmp_path, warm_grader):
    """As under `watch`, which finds the notebook once and grades every save of it."""
    path = write_course_notebook(tmp_path / "work.ipynb")
    found = sources.resolve_file(path)
    path.write_text('{"cells": [')
    (report,) = grade_reports(warm_grader, [(found, ["exercise1"])], 5, timeout_s=60)
    shown = unwrapped(text.render(report))
    assert f"{path} is not a readable Jupyter notebook (JSONDecodeError:" in shown
    assert "Save it again from Jupyter (File > Save)" in shown
    assert "grading process broke" not in shown and "changed the state of Python" not in shown


def test_a_helper_module_beside_the_notebook_is_found_as_beside_a_py(tmp_path, warm_grader):
    (tmp_path / "my_layers.py").write_text("INITIALIZER = 'he_normal'\n")
    conv_block = CONV_BLOCK.replace("kernel_initializer='he_normal'", "kernel_initializer=INITIALIZER")
    path = write_course_notebook(tmp_path / "work.ipynb", conv_block="from my_layers import INITIALIZER\n" + conv_block)
    (report,) = grade_reports(warm_grader, [(sources.resolve_file(path), ["exercise1"])], 5, timeout_s=60)
    assert report.score == report.max_score == 12, text.render(report)
