"""Cells: the pieces of a student's source, each with its place and the words that name it.

A notebook's code cells are cells; so are the cells of a script exported from a notebook
(`jupyter nbconvert --to script` writes `# In[3]:` before each, jupytext `# %%`); a plain
`.py` file is one cell. A cell knows how messages name it ("cell 7 (`# GRADED FUNCTION:
conv_block`)"), which graded function its metadata or the course's marker says it holds,
and the file name and line offset its code is compiled with, so that a line in a traceback
is a line the student can find.
"""
import re
from dataclasses import dataclass, field

GRADED_MARKER = re.compile(r"^\s*#\s*GRADED FUNCTION:\s*(\w+)", re.M)
SCRIPT_CELL_MARKER = re.compile(r"^# (?:In\[[ 0-9]*\]:|%%(?!\s*\[markdown\]|\s*\[md\]))")
SCRIPT_MARKDOWN_MARKER = re.compile(r"^# %%\s*\[(?:markdown|md)\]")


@dataclass
class Cell:
    """One piece of code of a student's source.

    Attributes:
        number: its position among the notebook's cells (counting from 1), None for a plain file.
        text: its code, as the student wrote it.
        filename: the name its code is compiled with (the file, or "work.ipynb, cell 7").
        line_offset: added to a line of `text` to give the line in `filename`.
        grader: the `grader` entry of its notebook metadata ({} when absent).
        notebook: the notebook's file name when the cell is a notebook's, else None.
    """

    number: int
    text: str
    filename: str
    line_offset: int = 0
    grader: dict = field(default_factory=dict)
    notebook: str = None

    @property
    def marked_function(self):
        """The function the course's marker names (`# GRADED FUNCTION: conv_block`), or None."""
        match = GRADED_MARKER.search(self.text)
        return match.group(1) if match else None

    def holds(self, function):
        """Whether the cell's metadata marks it as the graded cell of `function`."""
        return bool(self.grader.get("graded")) and self.grader.get("function") == function

    def label(self):
        """How messages name the cell: "cell 12 (the graded cell of conv_block)"; '' for a plain file."""
        if self.number is None:
            return ""
        if self.grader.get("run_as") is not None:  # a cell of a kernel's history (the inline check)
            return f"the cell run as [{self.grader['run_as']}]"
        if self.grader.get("graded"):
            return f"cell {self.number} (the graded cell of {self.grader.get('function', '?')})"
        if self.grader.get("role") == "setup":
            return f"cell {self.number} (the set-up cell)"
        if self.marked_function:
            return f"cell {self.number} (`# GRADED FUNCTION: {self.marked_function}`)"
        return f"cell {self.number}"

    def where(self, compiled_line, display):
        """'work.ipynb, cell 12 (the graded cell of conv_block), line 3', or 'work.py, line 48'.

        `compiled_line` is a line as a traceback gives it (the cell's line plus its line offset).
        """
        if self.notebook is not None:
            return f"{self.notebook}, {self.label()}, line {compiled_line - self.line_offset}"
        return f"{display}, line {compiled_line}"


def script_cells(text, filename):
    """The cells of a `.py` file: one per `# In[n]:` / `# %%` marker, or the whole file as one.

    Cell lines are compiled at their own lines of the file (line_offset), so tracebacks
    and messages give the file's line numbers.
    """
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if SCRIPT_CELL_MARKER.match(line)
              or SCRIPT_MARKDOWN_MARKER.match(line)]
    if not starts:
        return [Cell(None, text, filename)]
    cells = []
    bounds = [0] + starts + [len(lines)]
    for begin, end in zip(bounds, bounds[1:]):
        if begin in starts and SCRIPT_MARKDOWN_MARKER.match(lines[begin]):
            continue  # a markdown cell: comments only
        body = "\n".join(lines[begin:end])
        if body.strip():
            cells.append(Cell(None, body, filename, line_offset=begin))
    return cells
