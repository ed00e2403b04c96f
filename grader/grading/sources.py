"""Where the graded functions come from: one small function per kind of source.

The parent resolves the command line into a plain-data source (`resolve`), without
running anything; the child loads it (`load`) after the reference is described.

    {"kind": "package", "name": "exercises", "display": "exercises/unet.py"}
    {"kind": "file", "path": "/abs/work.py", "display": "work.py"}
    {"kind": "notebook", "path": "/abs/work.ipynb", "display": "work.ipynb"}
"""
import importlib
import importlib.util
import os
import sys
from pathlib import Path

STUDENT_MODULE = "student_submission"


class SourceError(Exception):
    """The source named on the command line cannot be graded (a usage error)."""


def resolve(source_path, solutions, repo_root):
    """The plain-data source for `--source PATH` / `--solutions` / the default `exercises` package."""
    if source_path and solutions:
        raise SourceError("Give either --source or --solutions, not both.")
    if solutions and importlib.util.find_spec("solutions") is None:
        raise SourceError("--solutions needs the reference solutions, and there are no reference "
                          "solutions in this student bundle; grade your own work with --source or "
                          "without options.")
    if solutions:
        return {"kind": "package", "name": "solutions",
                "display": _shown(Path(repo_root, "solutions", "unet.py"))}
    if source_path:
        return resolve_file(source_path)
    return {"kind": "package", "name": "exercises", "display": _shown(Path(repo_root, "exercises", "unet.py"))}


def resolve_file(source_path):
    """The source for a `.py` file given with --source (checked to exist, not run)."""
    path = Path(source_path)
    if not path.exists():
        raise SourceError(f"{source_path} does not exist. Give --source the path of the .py file "
                          f"that defines conv_block, upsampling_block and unet_model.")
    if not path.is_file():
        raise SourceError(f"{source_path} is a folder, not a file. Give --source the .py file "
                          f"that defines the three functions.")
    if path.suffix == ".ipynb":
        return resolve_notebook(path, source_path)
    if path.suffix != ".py":
        raise SourceError(f"{source_path} is not a .py file; the grader grades Python files "
                          f"(or Jupyter notebooks, .ipynb) that define conv_block, upsampling_block "
                          f"and unet_model.")
    return {"kind": "file", "path": str(path.resolve()), "display": str(source_path)}


def resolve_notebook(path, source_path):
    """The source for a `.ipynb` notebook given with --source (read as JSON here, never run)."""
    from grader.notebook_source import NotebookSourceError, read_code_cells

    try:
        read_code_cells(path)
    except NotebookSourceError as error:
        raise SourceError(str(error)) from None
    return {"kind": "notebook", "path": str(path.resolve()), "display": str(source_path)}


class LoadedSource:
    """A loaded source: its graded functions and a way to tell the student's files apart.

    Attributes:
        namespace: the module object that holds the functions.
        folder_or_file: the student's file, or the package folder all of whose files are theirs.
    """

    def __init__(self, namespace, folder_or_file):
        self.namespace = namespace
        self.folder_or_file = os.path.realpath(folder_or_file)

    def function(self, name):
        """The student's function `name`, or None when the source does not define it."""
        value = getattr(self.namespace, name, None)
        return value if callable(value) else None

    def is_student_file(self, filename):
        """Whether a traceback's `filename` is one of the student's files."""
        real = os.path.realpath(filename)
        return real == self.folder_or_file or real.startswith(self.folder_or_file + os.sep)

    def where(self, filename, line):
        """'exercises/unet.py, line 48': a place in the student's code, as they know the file."""
        return f"{_shown(Path(filename))}, line {line}"


def load(source):
    """Import the student's source in this (child) process and return a LoadedSource.

    Exceptions from the student's module (SyntaxError, ImportError, SystemExit, ...) propagate.
    """
    return LOADERS[source["kind"]](source)


def load_package(source):
    """Import an installed package of the checkout (`exercises` or `solutions`)."""
    module = importlib.import_module(source["name"])
    return LoadedSource(module, Path(module.__file__).parent)


def load_python_file(source):
    """Execute a `.py` file as a fresh module named `student_submission`."""
    path = source["path"]
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.append(folder)  # its helper modules, after ours so it cannot shadow them
    spec = importlib.util.spec_from_file_location(STUDENT_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[STUDENT_MODULE] = module
    spec.loader.exec_module(module)
    return LoadedSource(module, path)


def load_notebook(source):
    """Run a notebook's set-up and graded cells, never its other cells (see grader/notebook_source.py)."""
    from grader.notebook_source import run_notebook

    return run_notebook(source["path"], STUDENT_MODULE)


LOADERS = {"package": load_package, "file": load_python_file, "notebook": load_notebook}


def _shown(path):
    """`path` relative to the working folder when it is inside it, else as it is."""
    try:
        return str(Path(os.path.realpath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
