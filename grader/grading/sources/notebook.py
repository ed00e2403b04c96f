"""A student's `.ipynb`: its code cells read as JSON in the parent, what they need run in the child.

The notebook is read as it comes: outputs and images kept in the file, any nbformat 4.x
minor version (older major versions are converted with nbformat), sources as a list of
lines or one string, execution counts missing, metadata from Colab or Coursera. Only the
graded functions and what they need run (see program.py and dependencies.py), never the
data, training or test cells. A graded function's definition is found by its cell's
metadata (`{"grader": {"function": "conv_block", "graded": true}}`), else by the course's
marker (`# GRADED FUNCTION: conv_block`), else by `def conv_block`. Every place is said
in the notebook's terms: "work.ipynb, cell 12 (the graded cell of conv_block), line 3".
"""
import json
from pathlib import Path

from grader.exercises import COURSE
from grader.grading.records import Source
from grader.grading.sources.cells import Cell
from grader.grading.sources.loaded import LoadedSource
from grader.grading.sources.program import run_cells
from grader.grading.sources.python_file import STUDENT_MODULE
from grader.grading.sources.text import MAX_NOTEBOOK_BYTES, SourceTextError, check_size

FRESH_NOTEBOOK_HINT = "`python -m grader notebook --out fresh.ipynb` writes a fresh notebook to copy it from"


class NotebookSourceError(SourceTextError):
    """The notebook cannot be graded at all; the message names the file (and cell) and the fix.

    A SourceTextError, so that a notebook that became unreadable after it was resolved (a
    half-written save under `watch`) is reported by the grading job like any unreadable file."""


def _unreadable(path, error):
    details = str(error).splitlines()[0][:200] if str(error).strip() else "no details"
    return NotebookSourceError(
        f"{path} is not a readable Jupyter notebook ({type(error).__name__}: {details}). "
        f"Save it again from Jupyter (File > Save), or grade a .py file instead.")


def read_cells(path):
    """The code cells of the notebook at `path`, as Cells.

    Raises:
        NotebookSourceError: the file is missing, too large, or is not a Jupyter notebook.
    """
    path = Path(path)
    try:
        check_size(path, path.name, MAX_NOTEBOOK_BYTES)
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise NotebookSourceError(f"The notebook {path} does not exist. Check the path given "
                                  f"to --source.") from None
    except SourceTextError as error:
        raise NotebookSourceError(str(error)) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _unreadable(path, error) from None
    try:
        if isinstance(data, dict) and data.get("nbformat", 4) < 4:
            import nbformat

            data = nbformat.convert(nbformat.from_dict(data), 4)
        cells = data["cells"]
        if not isinstance(cells, list):
            raise TypeError(f"'cells' is a {type(cells).__name__}, not a list")
        return [_cell(path, number, cell) for number, cell in enumerate(cells, start=1)
                if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise _unreadable(path, error) from None


def is_notebook(path):
    """Whether the file at `path`, whatever its name (`work.json`, `work.txt`, `work`), holds a Jupyter
    notebook: a JSON object with an nbformat number and its cells. Never raises; a file too large,
    unreadable, truncated or not a notebook is not one."""
    try:
        check_size(Path(path), Path(path).name, MAX_NOTEBOOK_BYTES)
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, SourceTextError, RecursionError):
        return False
    return (isinstance(data, dict) and isinstance(data.get("nbformat"), int)
            and isinstance(data.get("cells", data.get("worksheets")), list))


def _cell(path, number, cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    metadata = cell.get("metadata") or {}
    grader = metadata.get("grader", {}) if isinstance(metadata, dict) else {}
    return Cell(number, str(source).replace("\r\n", "\n"), filename=f"{path}, cell {number}",
                grader=grader if isinstance(grader, dict) else {}, notebook=path.name)


class NotebookLocation(LoadedSource):
    """A LoadedSource whose places are the notebook's cells."""

    def __init__(self, namespace, path, cells, notes=(), failed=None):
        super().__init__(namespace, str(path), notes, failed)
        self.cells = cells

    def is_student_file(self, filename):
        """Whether a traceback's `filename` is one of the notebook's cells."""
        return filename in self.cells or super().is_student_file(filename)

    def where(self, filename, line):
        """'work.ipynb, cell 12 (the graded cell of conv_block), line 3'."""
        cell = self.cells.get(filename)
        return cell.where(line, Path(self.folder_or_file).name) if cell else super().where(filename, line)


def resolve(path, source_path):
    """The Source of the notebook at `path` (read here as JSON, never run).

    Raises:
        NotebookSourceError: the file is not a readable notebook.
    """
    read_cells(path)
    return Source("notebook", display=str(source_path), path=str(Path(path).resolve()))


def location(source, table=COURSE):
    """Where-finder for errors raised while the notebook's code runs (no namespace yet)."""
    return NotebookLocation(None, source.path, {cell.filename: cell for cell in read_cells(source.path)})


def load(source, table=COURSE, wanted=None):
    """Run what the graded functions in `wanted` (default: all of the table's) need; a NotebookLocation."""
    cells = read_cells(source.path)
    notes = [] if Path(source.path).suffix == ".ipynb" else [
        f"{Path(source.path).name} is graded as the Jupyter notebook it holds, though its name does not end "
        f"in .ipynb; rename it to {Path(source.path).stem}.ipynb to open it in Jupyter"]
    program = run_cells(cells, STUDENT_MODULE, source.path, wanted or table.functions, table.functions,
                        display=Path(source.path).name, always_passed=table.always_passed,
                        free_defaults=table.free_defaults)
    return NotebookLocation(program.module, source.path, program.cells, notes + program.notes, program.failed)


def missing_cell_message(notebook_name, exercise):
    """What to say when no cell of the notebook defines the function `exercise` grades."""
    function = exercise.function
    return (f"{notebook_name} has no graded cell for {function} ({exercise.name}): no cell is marked "
            f"graded for it and none defines `def {function}(...)`. The cell was deleted or the "
            f"function renamed; put it back ({FRESH_NOTEBOOK_HINT}).")
