"""`check("exercise1")`: grade an exercise from inside the course notebook.

The check takes the graded functions as the notebook's kernel has them (IPython keeps
each cell's text, so `inspect.getsource` works on functions defined in cells), writes
them with the imports run in the notebook and the small helpers they use to a
temporary `.py` file, and grades that file with `python -m grader EXERCISE --source
FILE` in a child process, exactly as from a terminal: the student's code runs in the
grader's isolated child, never in the checker, and the feedback is the same text.
"""
import ast
import inspect
import re
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from grader.exercises import COURSE

LITERAL_TYPES = (str, int, float, bool, type(None), tuple)
OVERALL_TIMEOUT_S = 900


def _kernel():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _history_imports(inputs):
    """Every top-level import statement of the cells run so far, in order, each once."""
    seen, imports = set(), []
    for text in inputs:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines()
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                statement = "\n".join(lines[node.lineno - 1:node.end_lineno])
                if statement not in seen:
                    seen.add(statement)
                    imports.append(statement)
    return imports


def _names_used(source):
    """Every bare name a piece of source mentions."""
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def _is_notebook_function(value):
    """Whether `value` is a function defined in the notebook itself (not imported)."""
    return isinstance(value, types.FunctionType) and value.__module__ == "__main__"


def _is_literal(value):
    """Whether `value` can be written back as a Python literal."""
    try:
        return isinstance(value, LITERAL_TYPES) and ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError):
        return False


def kernel_module_source(namespace, inputs):
    """The text of a module holding the notebook's graded functions and what they use.

    Arguments:
        namespace: the kernel's user namespace (name -> value).
        inputs: the text of the cells run so far (IPython's `In`).

    Returns:
        (text, defined, places): the module's source; the graded function names it
        defines; and (first line, last line, function) for each function in it, to
        say where a line of the module is in the notebook.
    """
    functions = [name for name in COURSE.functions if _is_notebook_function(namespace.get(name))]
    done = set()
    pending = list(functions)
    definitions = []
    while pending:
        name = pending.pop(0)
        if name in done or name not in namespace:
            continue
        done.add(name)
        value = namespace[name]
        if _is_notebook_function(value):
            source = inspect.getsource(value)
            definitions.append((name, source.rstrip("\n")))
            pending += sorted(_names_used(source) - done)
        elif _is_literal(value) and not name.startswith("_"):
            definitions.append((name, f"{name} = {value!r}"))
    helpers = [item for item in definitions if item[0] not in functions]
    graded = [item for item in definitions if item[0] in functions]
    parts = [(None, statement) for statement in _history_imports(inputs)] + helpers + graded
    text, places, line = "", [], 1
    for name, part in parts:
        if name is not None and _is_notebook_function(namespace.get(name)):
            places.append((line, line + part.count("\n"), namespace[name]))
        text += part + "\n\n"
        line += part.count("\n") + 2
    return text, functions, places


def _in_notebook_terms(text, module, places, exercise):
    """The grader's report with the temporary file's name and lines put in the notebook's terms."""
    def located(match):
        line = int(match.group(1))
        for first, last, function in places:
            if first <= line <= last:
                cell_line = function.__code__.co_firstlineno + line - first
                return f"the cell defining {function.__name__}, line {cell_line}"
        return "this notebook's imports"

    text = re.sub(re.escape(str(module)) + r", line (\d+)", located, text)
    text = text.replace(str(module), "this notebook's functions")
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
    text, defined, places = kernel_module_source(shell.user_ns, shell.user_ns.get("In", []))
    needed = COURSE.functions if exercise == "all" else [COURSE.get(exercise).function]
    absent = [name for name in needed if name not in defined]
    if absent:
        print(f"Run the graded cell of {' and '.join(absent)} first (the cell above, "
              f"with Shift+Enter): this notebook has no function {absent[0]} yet.")
        return
    with tempfile.TemporaryDirectory(prefix="unet-check-") as folder:
        module = Path(folder) / "notebook_functions.py"
        module.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "grader", exercise, "--source", str(module)]
        if seed is not None:
            command += ["--seed", str(seed)]
        if timeout is not None:
            command += ["--timeout", str(timeout)]
        try:
            result = subprocess.run(command, capture_output=True, text=True,
                                    timeout=OVERALL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"The grader did not finish within {OVERALL_TIMEOUT_S} s; run "
                  f"`python -m grader {exercise} --source YOUR_NOTEBOOK.ipynb` in a terminal.")
            return
    for stream in (result.stdout, result.stderr):
        if stream.strip():
            print(_in_notebook_terms(stream.rstrip(), module, places, exercise))
