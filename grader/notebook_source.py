"""Turn a student's `.ipynb` into the Python module the grader grades.

Only what the graded functions need is kept, never the data or training cells:

1. the graded cells, found by their metadata
   (`{"grader": {"function": "conv_block", "graded": true, ...}}`); a function with no
   cell marked for it is looked for in any code cell that defines it (`def conv_block`);
2. the set-up cells (metadata `{"grader": {"role": "setup"}}`), which hold the imports;
   a notebook with no set-up cell gets the top-level import statements of all its cells.

IPython commands (`%magic`, `!shell`) are left out. Every kept cell is checked for
syntax on its own, so that an error names the cell; a graded function that no cell
defines is reported by name. The grader then loads the module like any `.py` source.
"""
import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader.python_source import GRADED_FUNCTIONS

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
        raise NotebookSourceError(
            f"{path} is not a readable Jupyter notebook ({type(error).__name__}: "
            f"{str(error).splitlines()[0][:200] if str(error) else 'no details'}). Save it again "
            f"from Jupyter (File > Save), or grade a .py file instead.") from None
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


def graded_cells(cells):
    """function name -> the cell that holds it: the cell marked for it, else one that defines it."""
    found = {}
    for cell in cells:
        function = cell.grader.get("function")
        if cell.grader.get("graded") and function in GRADED_FUNCTIONS.values():
            found.setdefault(function, cell)
    for function in GRADED_FUNCTIONS.values():
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


def _check_syntax(path, cell):
    """Raise NotebookSourceError naming the cell when its code does not parse."""
    try:
        ast.parse(without_magics(cell.source), filename=f"{path.name}, {cell.label()}")
    except SyntaxError as error:
        line = error.lineno or 1
        code = (cell.source.splitlines() or [""])[min(line, len(cell.source.splitlines()) or 1) - 1]
        raise NotebookSourceError(
            f"Syntax error in {path.name}, {cell.label()}, line {line}: {error.msg}.\n"
            f"    {code.strip()}\n"
            f"Fix that line (run the cell in Jupyter to see the same error), then grade again."
        ) from None


def notebook_program(path):
    """The Python module made of the notebook's set-up and graded cells (a NotebookProgram).

    Raises:
        NotebookSourceError: the file is not a notebook, or a kept cell has a syntax error.
    """
    path = Path(path)
    cells = read_code_cells(path)
    graded = graded_cells(cells)
    setup = [cell for cell in cells if cell.grader.get("role") == "setup"]
    if not setup:
        setup = [kept for kept in map(_imports_only, cells) if kept is not None]
    kept = sorted({cell.number: cell for cell in setup + list(graded.values())}.values(),
                  key=lambda cell: cell.number)
    for cell in kept:
        _check_syntax(path, cell)
    missing = {
        function: (f"{path.name} has no graded cell for {function} ({exercise}): no cell is "
                   f"marked graded for it and none defines `def {function}(...)`. The cell was "
                   f"deleted or the function renamed; put it back ({FRESH_NOTEBOOK_HINT}).")
        for exercise, function in GRADED_FUNCTIONS.items() if function not in graded
    }
    parts, origins, line = [], [], 1
    for cell in kept:
        header = f"# ---- {path.name}, {cell.label()} ----"
        body = without_magics(cell.source)
        parts.append(f"{header}\n{body}\n")
        origins.append((line + 1, cell))
        line += 2 + body.count("\n") + 1  # header, body lines, blank separator
    return NotebookProgram(path=path, text="\n".join(parts), missing=missing, origins=origins)
