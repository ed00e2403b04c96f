"""Turn what goes wrong in the student's code into plain data, located in the student's own file.

Runs in the child. The data names the student's last frame (file, line, code, function),
never the grader's or Keras's, and the exception's own last line; `messages.py` in the
parent turns it into words.
"""
import traceback

MAX_TEXT = 600


class StudentFault(Exception):
    """The student's code did something the grader cannot grade; `data` says what, as plain data."""

    def __init__(self, data):
        super().__init__(data.get("text", ""))
        self.data = data


def exception_data(error, source, function=None):
    """Plain data for an exception raised while the student's code ran.

    Arguments:
        error: the exception (any BaseException, SystemExit included).
        source: the loaded source (sources.LoadedSource), which knows the student's files.
        function: the graded function being called, when there is one.
    """
    if isinstance(error, SystemExit):
        kind = "exit"
    elif isinstance(error, MemoryError):
        kind = "memory"
    elif isinstance(error, NotImplementedError):
        kind = "not_implemented"
    else:
        kind = "exception"
    data = {"kind": kind, "type": type(error).__name__, "text": _text(error), "function": function}
    if isinstance(error, SystemExit):
        data["text"] = repr(error.code)
    data.update(student_frame(error, source))
    return data


def syntax_data(error, source):
    """Plain data for a SyntaxError (or IndentationError) in the student's file."""
    location = source.where(error.filename or "", error.lineno or 0)
    return {"kind": "syntax", "type": type(error).__name__, "text": error.msg or "invalid syntax",
            "where": location, "code": (error.text or "").rstrip("\n"), "offset": error.offset,
            "function": None}


def student_frame(error, source):
    """{"where", "code", "in_function"} for the last traceback frame in the student's files, or {}."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if source.is_student_file(frame.filename)]
    if not frames:
        return {}
    frame = frames[-1]
    return {"where": source.where(frame.filename, frame.lineno), "code": (frame.line or "").strip(),
            "in_function": frame.name}


def _text(error):
    """The exception's message, shortened to its first lines."""
    text = str(error).strip()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT].rstrip() + " ..."
    return text
