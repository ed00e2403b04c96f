"""Turn a student's `.ipynb` into the Python module the grader grades.

Only what the graded functions need is kept, never the data or training cells:

1. the graded cells, found by their metadata
   (`{"grader": {"function": "conv_block", "graded": true, ...}}`); a function with no
   cell marked for it is looked for in any code cell that defines it (`def conv_block`);
2. the set-up cells (metadata `{"grader": {"role": "setup"}}`), which hold the imports;
   a notebook with no set-up cell gets the top-level import statements of all its cells.

IPython commands (`%magic`, `!shell`) are left out. Every kept cell is checked for
syntax on its own, so that an error names the cell; a graded function that no cell
defines is reported by name. The grader's child runs the module (`run_notebook`) with
the notebook's path as its file name, and `NotebookLocation` turns a line of it back
into "work.ipynb, cell 12 (the graded cell of conv_block), line 3" for every message.
"""
import ast
import json
import linecache
import re
import types
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.exercises import COURSE
from grader.grading.records import Source
from grader.grading.sources.loaded import LoadedSource
from grader.grading.sources.python_file import STUDENT_MODULE

FRESH_NOTEBOOK_HINT = "`python -m grader notebook --out fresh.ipynb` writes a fresh notebook to copy it from"
_MAGIC = re.compile(r"^(\s*)(%|!)")


class NotebookSourceError(Exception):
    """The notebook cannot be graded at all; the message names the file (and cell) and the fix."""


@dataclass
class Cell:
    """One code cell of the notebook.

    Attributes:
        number: its position among all the notebook's cells, counting from 1.
        source: its text.
        grader: the `grader` entry of its metadata ({} when absent).
    """

    number: int
    source: str
    grader: dict = field(default_factory=dict)

    def label(self):
        """How the cell is named in messages: "cell 12 (the graded cell of conv_block)"."""
        if self.grader.get("graded"):
            return f"cell {self.number} (the graded cell of {self.grader.get('function', '?')})"
        if self.grader.get("role") == "setup":
            return f"cell {self.number} (the set-up cell)"
        return f"cell {self.number}"


@dataclass
class NotebookProgram:
    """The Python text made from a notebook, and where each part came from.

    Attributes:
        path: the notebook file.
        text: the module's source.
        missing: function name -> message, for each graded function no cell defines.
        origins: (first line in `text`, Cell) for each kept cell, in order.
    """

    path: Path
    text: str
    missing: dict
    origins: list

    def where(self, line):
        """'work.ipynb, cell 12 (the graded cell of conv_block), line 3' for a line of `text`."""
        for first, cell in reversed(self.origins):
            if line >= first:
                return f"{self.path.name}, {cell.label()}, line {line - first + 1}"
        return f"{self.path.name}, line {line}"


def read_code_cells(path):
    """The code cells of the notebook at `path`.

    Raises:
        NotebookSourceError: the file is missing or is not a Jupyter notebook.
    """
    path = Path(path)
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookSourceError(f"The notebook {path} does not exist. Check the path given "
                                  f"to --source.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError,
            ValueError, KeyError, AttributeError, TypeError) as error:
        details = str(error).splitlines()[0][:200] if str(error).strip() else "no details"
        raise NotebookSourceError(
            f"{path} is not a readable Jupyter notebook ({type(error).__name__}: {details}). "
            f"Save it again from Jupyter (File > Save), or grade a .py file instead.") from None
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        metadata = cell.get("metadata", {}).get("grader", {})
        cells.append(Cell(number, source, metadata if isinstance(metadata, dict) else {}))
    return cells


def without_magics(source):
    """`source` with IPython-only lines (`%magic`, `%%cell magic`, `!shell`) made into `pass`."""
    lines = []
    for line in source.splitlines():
        match = _MAGIC.match(line)
        lines.append(f"{match.group(1)}pass  # IPython command left out: {line.strip()}"
                     if match else line)
    return "\n".join(lines)


def defined_functions(source):
    """Names of the functions a cell defines at top level (empty when it does not parse)."""
    try:
        tree = ast.parse(without_magics(source))
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def graded_cells(cells, functions):
    """function name -> the cell that holds it: the cell marked for it, else one that defines it."""
    found = {}
    for cell in cells:
        function = cell.grader.get("function")
        if cell.grader.get("graded") and function in functions:
            found.setdefault(function, cell)
    for function in functions:
        if function not in found:
            defining = [cell for cell in cells if function in defined_functions(cell.source)]
            if defining:
                found[function] = defining[-1]  # the last definition wins, as when run in order
    return found


def _imports_only(cell):
    """A copy of `cell` keeping only its top-level import statements (or None if it has none)."""
    try:
        tree = ast.parse(without_magics(cell.source))
    except SyntaxError:
        return None
    lines = cell.source.splitlines()
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if not imports:
        return None
    text = "\n".join("\n".join(lines[node.lineno - 1:node.end_lineno]) for node in imports)
    return Cell(cell.number, text, {"role": "imports"})


def notebook_program(path, table=COURSE):
    """The Python module made of the notebook's set-up and graded cells (a NotebookProgram).

    Raises:
        NotebookSourceError: the file is missing or is not a notebook.
    """
    path = Path(path)
    cells = read_code_cells(path)
    graded = graded_cells(cells, table.functions)
    setup = [cell for cell in cells if cell.grader.get("role") == "setup"]
    if not setup:
        setup = [kept for kept in map(_imports_only, cells) if kept is not None]
    kept = sorted({cell.number: cell for cell in setup + list(graded.values())}.values(),
                  key=lambda cell: cell.number)
    missing = {function: missing_cell_message(path.name, table.grading(function))
               for function in table.functions if function not in graded}
    parts, origins, line = [], [], 1
    for cell in kept:
        header = f"# ---- {path.name}, {cell.label()} ----"
        body = without_magics(cell.source)
        parts.append(f"{header}\n{body}\n")
        origins.append((line + 1, cell))
        line += 2 + body.count("\n") + 1  # header, body lines, blank separator
    return NotebookProgram(path=path, text="\n".join(parts), missing=missing, origins=origins)


def missing_cell_message(notebook_name, exercise):
    """What to say when no cell of the notebook defines the function `exercise` grades."""
    function = exercise.function
    return (f"{notebook_name} has no graded cell for {function} ({exercise.name}): no cell is marked "
            f"graded for it and none defines `def {function}(...)`. The cell was deleted or the "
            f"function renamed; put it back ({FRESH_NOTEBOOK_HINT}).")


def check_syntax(program):
    """Raise SyntaxError, located in `program.text`, for the first kept cell that does not parse.

    Each cell is parsed on its own, so an unclosed bracket is blamed on its own cell and
    not on the next one.
    """
    for first, cell in program.origins:
        code = without_magics(cell.source)
        try:
            ast.parse(code, filename="<cell>")  # not the .ipynb's name: Python would quote its JSON
        except SyntaxError as error:
            lines = code.splitlines() or [""]
            error.text = lines[min(max(error.lineno or 1, 1), len(lines)) - 1]
            error.filename = str(program.path)
            error.lineno = first + (error.lineno or 1) - 1
            if getattr(error, "end_lineno", None):
                error.end_lineno = first + error.end_lineno - 1
            raise


class NotebookLocation(LoadedSource):
    """A LoadedSource whose places are cells of the notebook, not lines of the made module."""

    def __init__(self, namespace, program):
        super().__init__(namespace, str(program.path))
        self.program = program

    def where(self, filename, line):
        """'work.ipynb, cell 12 (the graded cell of conv_block), line 3'."""
        return self.program.where(line)


def resolve(path, source_path):
    """The Source of the notebook at `path` (read as JSON here, never run).

    Raises:
        NotebookSourceError: the file is not a readable notebook.
    """
    read_code_cells(path)
    return Source("notebook", display=str(source_path), path=str(Path(path).resolve()))


def location(source, table):
    """Where-finder for errors raised while the notebook's module loads (no namespace yet)."""
    return NotebookLocation(None, notebook_program(source.path, table))


def load(source, table):
    """Run the notebook's set-up and graded cells as the student's module; return its NotebookLocation."""
    return run_notebook(source.path, STUDENT_MODULE, table)


def run_notebook(path, module_name, table):
    """Run the notebook's set-up and graded cells as the module `module_name`; return its source object.

    The code is compiled with the notebook's path as file name and registered with
    linecache, so tracebacks show the cells' own lines.

    Raises:
        SyntaxError: a kept cell does not parse (located in the made module).
        whatever the cells raise while running (ImportError, SystemExit, ...).
    """
    import sys

    program = notebook_program(path, table)
    check_syntax(program)
    filename = str(program.path)
    folder = str(program.path.parent)
    if folder not in sys.path:
        sys.path.append(folder)  # the student's helper modules, after ours so they cannot shadow them
    linecache.cache[filename] = (len(program.text), None, program.text.splitlines(True), filename)
    module = types.ModuleType(module_name)
    module.__file__ = filename
    sys.modules[module_name] = module
    exec(compile(program.text, filename, "exec"), module.__dict__)
    return NotebookLocation(module, program)
