"""`check("exercise1")`: grade an exercise from inside the course notebook.

The check takes the cells the kernel has run, in the order they ran (IPython keeps their
text), writes them as a notebook of their own, and grades it as `python -m grader
EXERCISE --source NOTEBOOK --seed N` would: the same intake (only the graded functions and
what they need run, see grader/grading/sources/), the student's code in the grader's
isolated jobs, never in the kernel, and the same report, with places named by the cells
as they ran ("this notebook, the cell run as [7], line 3").

The grading runs in a service kept for the kernel's lifetime (grader/warm/service.py),
so only the first check pays TensorFlow's start-up; one seed serves the whole session
(printed in every report, `check(..., seed=N)` picks another). Should the service not
start, each check runs the command line instead, and says so once. Under the feedback the
check shows the picture of the student's model beside the reference's, the first
difference marked (grader/reports/picture.py; `check(..., picture=False)` leaves it out).
"""
import base64
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.console import CHILD_ENCODING
from grader.exercises import COURSE

OVERALL_TIMEOUT_S = 900
HISTORY_NOTEBOOK = "kernel_history.ipynb"
_session = {}  # the kernel's grading service, its seed, whether the cold path was announced


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
    from nbformat.v4 import new_code_cell, new_notebook  # see check()

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


def check(exercise, seed=None, timeout=None, picture=True):
    """Grade `exercise` (an exercise's name, such as "exercise1", or "all") with this notebook's functions.

    Prints the grader's report under the cell, and the picture of the model under it
    (unless `picture` is False). `seed` replays the random configurations of an earlier run
    (the report prints it); `timeout` (seconds) is the grader's per-exercise time limit.
    """
    import nbformat  # here, not at the top: the notebook's set-up cell imports this module

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
        stdout, stderr, drawn = _grade(path, exercise, seed, timeout, picture)
    for stream in (stdout, stderr):
        if stream.strip():
            print(in_notebook_terms(stream.rstrip(), path, exercise))
    if drawn:
        from IPython.display import Image, display

        display(Image(data=drawn, format="png"))


def _grade(path, exercise, seed, timeout, picture=False):
    """(report, problems, the picture's PNG or None) of grading the notebook at `path`: by the kernel's
    service, else by the command line."""
    from grader.warm.service import CheckService

    if "seed" not in _session:
        from grader.grading.configs import new_seed

        _session["seed"] = new_seed()
    seed = _session["seed"] if seed is None else seed
    service = _session.get("service")
    if service is None or not service.alive():
        try:
            service = _session["service"] = CheckService()
        except OSError:
            service = None
    reply = service.grade(path, exercise, seed, timeout, picture) if service else None
    if reply is not None:
        drawn = reply.get("picture")
        return reply["stdout"], reply["stderr"], base64.b64decode(drawn) if drawn else None
    if not _session.get("cold_said"):
        _session["cold_said"] = True
        print("(The notebook's grading service could not start; each check starts the grader afresh, "
              "which takes a few seconds.)")
    command = [sys.executable, "-m", "grader", exercise, "--source", str(path), "--seed", str(seed)]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    drawn_at = path.with_name("picture.png")
    if picture:
        command += ["--picture", str(drawn_at)]
    try:
        result = subprocess.run(command, capture_output=True, encoding="utf-8", errors="replace",
                                timeout=OVERALL_TIMEOUT_S, env={**os.environ, **CHILD_ENCODING})
    except subprocess.TimeoutExpired:
        return "", (f"The grader did not finish within {OVERALL_TIMEOUT_S} s; run "
                    f"`python -m grader {exercise} --source YOUR_NOTEBOOK.ipynb` in a terminal."), None
    drawn = drawn_at.read_bytes() if picture and drawn_at.exists() else None
    stdout = "\n".join(line for line in result.stdout.split("\n") if str(drawn_at) not in line)  # shown inline
    return stdout, result.stderr, drawn
