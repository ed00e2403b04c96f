"""The notebook's check() keeps a warm grading service for the kernel: the second check is fast, and
its feedback is the command line's on the same notebook."""
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.notebook.module_text import function_source, module_file
from grading_helpers import REPO_ROOT, grade

nbclient = pytest.importorskip("nbclient")
pytestmark = [pytest.mark.slow, pytest.mark.portable]


def _text(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", []) if output.output_type == "stream")


def test_the_second_check_is_fast_and_says_what_the_command_line_says(tmp_path):
    reference = module_file("solutions.unet")
    imports = "from tensorflow.keras.layers import Conv2D, Conv2DTranspose, Dropout, Input, MaxPooling2D, concatenate"
    wrong = function_source(reference, "conv_block").replace('padding="same"', 'padding="valid"', 1)
    cells = [new_code_cell(imports), new_code_cell("from grader.notebook.inline import check"),
             new_code_cell(wrong), new_code_cell("import time\nstarted = time.time()\ncheck('exercise1')\n"
                                                 "print(f'first check: {time.time() - started:.2f} s')"),
             new_code_cell("started = time.time()\ncheck('exercise1')\nprint(f'second check: {time.time() - started:.2f} s')")]
    notebook = new_notebook(cells=cells)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO_ROOT)}})
    client.execute()
    first, second = _text(notebook.cells[3]), _text(notebook.cells[4])
    first_s = float(re.search(r"first check: ([\d.]+) s", first).group(1))
    second_s = float(re.search(r"second check: ([\d.]+) s", second).group(1))
    assert second_s < first_s and second_s < 10, (first_s, second_s)
    pictures = [output for output in notebook.cells[4].outputs if "image/png" in output.get("data", {})]
    assert len(pictures) == 1  # the model beside the reference, under the feedback
    seed = re.search(r'check\("exercise1", seed=(\d+)\)', second).group(1)

    path = tmp_path / "work.ipynb"
    nbformat.write(notebook, str(path))
    alone = grade("exercise1", "--source", path, "--seed", seed)
    checks = [line for line in alone.stdout.splitlines() if line.startswith("  ") or line.startswith("Score")]
    inline = [line for line in second.splitlines() if line.startswith("  ") or line.startswith("Score")]
    assert inline == checks and any("padding" in line for line in checks)
