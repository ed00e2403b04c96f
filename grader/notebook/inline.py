"""`check("exercise1")`: grade an exercise from inside the course notebook.

The check takes the cells the kernel has run, in the order they ran (IPython keeps their
text), writes them as a notebook of their own, and grades it with `python -m grader
EXERCISE --source NOTEBOOK` in a child process, exactly as from a terminal: the same
intake (only the graded functions and what they need run, see
grader/grading/sources/), the student's code in the grader's isolated child, never in
the kernel, and the same feedback, with places named by the cells as they ran ("this
notebook, the cell run as [7], line 3").
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from grader.exercises import COURSE

OVERALL_TIMEOUT_S = 900
HISTORY_NOTEBOOK = "kernel_history.ipynb"


def _kernel():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def history_notebook(inputs):
    """The cells run so far (`inputs`: IPython's raw input history, In[0] empty) as a notebook.

    Each cell is marked with the number it ran as, which is how messages name it.
    """
    cells = [new_code_cell(text, metadata={"grader": {"run_as": number}}, execution_count=number)
             for number, text in enumerate(inputs) if number and text.strip()]
    return new_notebook(cells=cells)


def _raw_history(shell):
    """What the student typed in each cell run, magics included."""
    history = getattr(shell, "history_manager", None)
    raw = getattr(history, "input_hist_raw", None)
    return list(raw) if raw else list(shell.user_ns.get("In", []))


def in_notebook_terms(text, notebook_path, exercise):
    """The grader's report with the temporary notebook put in the running notebook's terms."""
    text = text.replace(f"{notebook_path.name}, ", "this notebook, ")
    text = text.replace(str(notebook_path), "this notebook's functions")
    return re.sub(r"--seed (\d+)", rf'check("{exercise}", seed=\1)', text)


def check(exercise, seed=None, timeout=None):
    """Grade `exercise` (an exercise's name, such as "exercise1", or "all") with this notebook's functions.

    Prints the grader's report under the cell. `seed` replays the random configurations
    of an earlier run (the report prints it); `timeout` (seconds) is the grader's
    per-exercise time limit.
    """
    valid = [*COURSE.names, "all"]
    if exercise not in valid:
        print(f"check({exercise!r}): there is no such exercise; use one of {', '.join(valid)}.")
        return
    shell = _kernel()
    if shell is None:
        print("check() grades the functions of a running notebook. From a terminal, run "
              f"`python -m grader {exercise} --source YOUR_NOTEBOOK.ipynb` instead.")
        return
    needed = COURSE.functions if exercise == "all" else [COURSE.get(exercise).function]
    absent = [name for name in needed if not callable(shell.user_ns.get(name))]
    if absent:
        print(f"Run the graded cell of {' and '.join(absent)} first (the cell above, "
              f"with Shift+Enter): this notebook has no function {absent[0]} yet.")
        return
    with tempfile.TemporaryDirectory(prefix="unet-check-") as folder:
        path = Path(folder) / HISTORY_NOTEBOOK
        nbformat.write(history_notebook(_raw_history(shell)), str(path))
        command = [sys.executable, "-m", "grader", exercise, "--source", str(path)]
        if seed is not None:
            command += ["--seed", str(seed)]
        if timeout is not None:
            command += ["--timeout", str(timeout)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=OVERALL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"The grader did not finish within {OVERALL_TIMEOUT_S} s; run "
                  f"`python -m grader {exercise} --source YOUR_NOTEBOOK.ipynb` in a terminal.")
            return
    for stream in (result.stdout, result.stderr):
        if stream.strip():
            print(in_notebook_terms(stream.rstrip(), path, exercise))
