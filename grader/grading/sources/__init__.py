"""Where the graded functions come from: one module per kind of source.

The parent resolves the command line into a Source record (`resolve`), without running
anything; the grading child loads it (`load`) after the reference is described:

    Source("package", "exercises/unet.py", name="exercises")     package.py
    Source("file", "work.py", path="/abs/work.py")                python_file.py
    Source("notebook", "work.ipynb", path="/abs/work.ipynb")      notebook.py

Whatever the kind, only the graded functions and what they need run (program.py,
dependencies.py): the source is read as cells (cells.py; a plain .py file is one cell),
IPython syntax is translated (ipython.py), files are decoded as Python does (text.py).
A loaded source (loaded.LoadedSource) hands out the graded functions, tells the student's
files apart from everything else, so that errors are located in their code, and carries
notes for the report (imports left out, which of two definitions was graded).
"""
import importlib.util
from pathlib import Path

from grader.exercises import COURSE
from grader.grading.sources import notebook, package, python_file

LOADERS = {"package": package, "file": python_file, "notebook": notebook}


class SourceError(Exception):
    """The source named on the command line cannot be graded (a usage error)."""


def _listed(functions):
    """'conv_block, upsampling_block and unet_model'."""
    return functions[0] if len(functions) == 1 else f"{', '.join(functions[:-1])} and {functions[-1]}"


def resolve(source_path, solutions, repo_root, table=COURSE):
    """The Source for `--source PATH` / `--solutions` / the default student package of `table`."""
    if source_path and solutions:
        raise SourceError("Give either --source or --solutions, not both.")
    if solutions and (table.reference.endswith(".py") or importlib.util.find_spec(table.reference_package) is None):
        raise SourceError("--solutions needs the reference solutions, and there are no reference "
                          "solutions in this student bundle; grade your own work with --source or "
                          "without options.")
    if solutions:
        return package.resolve(table.reference, repo_root)
    if source_path:
        return resolve_file(source_path, table)
    return package.resolve(table.stubs, repo_root)


def resolve_file(source_path, table=COURSE):
    """The Source for a `.py` or `.ipynb` file given with --source (checked to exist, not run)."""
    functions = _listed(table.functions)
    path = Path(source_path)
    if not path.exists():
        raise SourceError(f"{source_path} does not exist. Give --source the path of the .py file "
                          f"that defines {functions}.")
    if not path.is_file():
        raise SourceError(f"{source_path} is a folder, not a file. Give --source the .py file "
                          f"that defines {functions}.")
    if path.suffix == ".ipynb" or (path.suffix != ".py" and notebook.is_notebook(path)):  # recognised by content
        try:
            return notebook.resolve(path, source_path)
        except notebook.NotebookSourceError as error:
            raise SourceError(str(error)) from None
    if path.suffix != ".py":
        raise SourceError(f"{source_path} is not a .py file; the grader grades Python files "
                          f"(or Jupyter notebooks, .ipynb) that define {functions}.")
    return python_file.resolve(path, source_path)


def load(source, table=COURSE, wanted=None):
    """Run what the graded functions named in `wanted` (default: all) need from `source`, in this
    (grading child) process; return its LoadedSource.

    Exceptions from the student's code (SyntaxError, ImportError, SystemExit, ...) propagate,
    and so do program.MissingPackage and text.SourceTextError.
    """
    return LOADERS[source.kind].load(source, table, wanted)


def location(source, table=COURSE):
    """A LoadedSource without a namespace, to locate errors raised while `source` loads."""
    return LOADERS[source.kind].location(source, table)
