"""Read a student's file as text, however it was saved: UTF-8 with or without a BOM, a coding
cookie (`# -*- coding: latin-1 -*-`), Windows line endings. Files that cannot be source code (a
NUL byte, bytes that are no text, tens of megabytes) get a clear SourceTextError instead.
"""
import importlib.util
import os

MAX_PYTHON_BYTES = 5 * 1024 * 1024       # no hand-written module is this large
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024   # notebooks carry their outputs: 2-3 MB is normal, 100 MB is not


class SourceTextError(Exception):
    """The file cannot be read as source code; the message names it and says what to do."""


def check_size(path, display, limit):
    """Raise SourceTextError when the file at `path` is larger than `limit` bytes."""
    size = os.path.getsize(path)
    if size > limit:
        raise SourceTextError(f"{display} is {size / 1024 / 1024:.0f} MB, far more than a source file can be "
                              f"(at most {limit // 1024 // 1024} MB here): is it the right file? Grade the .py "
                              f"or .ipynb file that defines the functions.")


def read_python(path, display):
    """The text of the Python file at `path`, decoded as Python itself decodes it, with `\\n` line ends.

    Raises:
        SourceTextError: too large, a NUL byte, or bytes that do not decode in its encoding.
    """
    check_size(path, display, MAX_PYTHON_BYTES)
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise SourceTextError(f"{display} holds a NUL byte (line {line}), so it is not a text file: was it "
                              f"saved as something else (a .docx, a zip, UTF-16)? Save it again as plain "
                              f"UTF-8 text from your editor.")
    try:
        return importlib.util.decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as error:
        raise SourceTextError(f"{display} is not readable text in the encoding Python expects "
                              f"({_first_bad_byte(data) or error}). Save it again as UTF-8 from your editor (or "
                              f"declare its encoding on the first line, e.g. `# -*- coding: latin-1 -*-`).") from None


def _first_bad_byte(data):
    """'byte 0xe9 on line 3 is not UTF-8' for the first byte that does not decode as UTF-8, or None."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return f"byte 0x{data[error.start]:02x} on line {line} is not UTF-8"
    return None
