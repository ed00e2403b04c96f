"""Find reference solution code in a folder: the guard of every student bundle.

A statement of a reference function's body (`conv = Conv2D(...)(inputs)`, ...) found
in any file of the folder is a leak. Text is compared with all whitespace removed, so
re-indenting or re-wrapping a line does not hide it; notebooks are searched cell by
cell (their JSON escapes quotes, which would hide code from a plain text search).
"""
import json
from pathlib import Path

from grader.exercises import COURSE
from grader.notebook.module_text import function_body_statements, module_file

MIN_STATEMENT_CHARS = 16  # shorter statements ("return conv") are too common to mean a leak


def _squeeze(text):
    """`text` with every whitespace character removed."""
    return "".join(text.split())


def solution_statements(solutions_file=None, exercises_file=None, table=COURSE):
    """The reference functions' body statements worth searching for, whitespace removed.

    Statements the exercise stubs show on purpose (their docstrings spell out, for
    example, `inputs = Input(input_size)`) are not solution code and are left out, and
    so are `return` statements: what a function returns is its documented contract
    (the docstrings and the stubs' errors spell it out, the grader's hints repeat it).
    """
    path = solutions_file or module_file(table.reference)
    handed_out = _squeeze(Path(exercises_file or module_file(table.stubs)).read_text(encoding="utf-8"))
    statements = []
    for function in table.functions:
        statements += [_squeeze(text) for text in function_body_statements(path, function)]
    return sorted({text for text in statements if len(text) >= MIN_STATEMENT_CHARS
                   and text not in handed_out and not text.startswith("return")})


def _searchable_text(path):
    """A file's text as code appears in it, or None for a binary file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            return "\n".join("".join(cell.get("source", "")) for cell in cells)
        except (ValueError, AttributeError):
            return text
    return text


def find_solution_code(folder, statements):
    """[(relative path, statement), ...] for every reference statement found under `folder`.

    Also reports any file or folder named `solutions` (statement "a solutions path").
    """
    folder = Path(folder)
    leaks = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.name.startswith("solutions") and path.suffix in ("", ".py"):
            leaks.append((relative, "a solutions path"))
        if not path.is_file():
            continue
        text = _searchable_text(path)
        if text is None:
            continue
        squeezed = _squeeze(text)
        leaks += [(relative, statement) for statement in statements if statement in squeezed]
    return leaks
