"""IPython syntax in a student's code, translated the way IPython does it and made harmless.

Notebook cells (and scripts exported from them) may hold `%matplotlib inline`, `!pip
install ...`, `files = !ls`, `np.zeros?` or a cell magic such as `%%time` on the first
line. `to_python` turns a cell into plain Python with IPython's own input transformers
(`get_ipython().run_line_magic(...)`, `get_ipython().system(...)`), keeping every line
where it was, so that messages still name the student's lines:

- `%time STATEMENT` / `%timeit STATEMENT` become the statement itself (IPython runs it);
- a cell magic whose body is Python (`%%time`, `%%timeit`, `%%capture`, ...) loses only
  its first line; any other cell magic (`%%bash`, `%%html`, `%%writefile`) holds no
  Python, and its lines are left out (blank).

What remains of IPython is neutralised when the code runs in the grader: `get_ipython()`
answers every call with None (`IGNORED_IPYTHON`), and `display(...)` shows nothing.
"""
import re

PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit"}
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)")
_TIMING_LINE = re.compile(r"^(\s*)%(?:time|timeit)\s+((?:-[nrp]\s*\S+\s+|-[tcqo]\s+)*)(.+)$")
_IPYTHON_ONLY = re.compile(r"^\s*[%!]|=\s*!|\?\s*$")

_transformers = {}  # filled, never replaced: the grading child's integrity watch sees no change


def _transform(text):
    """IPython's own translation of a cell (line magics, shell lines, help) into Python."""
    if "manager" not in _transformers:
        from IPython.core.inputtransformer2 import TransformerManager

        _transformers["manager"] = TransformerManager()
    return _transformers["manager"].transform_cell(text)


def to_python(text):
    """`text` (a cell) as plain Python with the same number of lines (see the module docstring)."""
    lines = text.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        magic = _CELL_MAGIC.match(lines[first])
        if magic and magic.group(1) not in PYTHON_BODY_CELL_MAGICS:
            return "\n".join("" for _ in lines)
        if magic:
            lines[first] = ""
    lines = [_timed_statement(line) for line in lines]
    if not any(_IPYTHON_ONLY.search(line) for line in lines):
        return "\n".join(lines)  # plain Python: IPython need not even be imported
    translated = _transform("\n".join(lines) + "\n")
    if translated.count("\n") != len(lines):  # IPython joined lines: keep the student's numbering instead
        return "\n".join(lines)
    return translated[:-1] if translated.endswith("\n") else translated


def _timed_statement(line):
    """`%time x = f()` -> `x = f()` (what IPython runs), other lines as they are."""
    match = _TIMING_LINE.match(line)
    return f"{match.group(1)}{match.group(3)}" if match else line


class _IgnoredIPython:
    """What `get_ipython()` returns in the grader: every method does nothing and returns None."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None

    def __bool__(self):
        return False


IGNORED_IPYTHON = _IgnoredIPython()


def neutral_names():
    """The names a translated cell may use that the grader provides: `get_ipython`, `display`."""
    return {"get_ipython": lambda: IGNORED_IPYTHON, "display": lambda *args, **kwargs: None}
