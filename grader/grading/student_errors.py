"""Turn what goes wrong in the student's code into plain data, located in the student's own file.

Runs in the child. The data names the student's last frame (file, line, code, function),
never the grader's or Keras's, and the exception's own last line; `messages.py` in the
parent turns it into words. Whatever the exception is (any BaseException, one whose
`__str__` raises or never ends, one whose class lies about itself), reading it takes a
bounded time and gives bounded text (bounded.py), and `exception_data` never raises.
"""
import traceback

from grader.grading import bounded


class StudentFault(Exception):
    """The student's code did something the grader cannot grade; `data` says what, as plain data."""

    def __init__(self, data):
        super().__init__(data.get("text", ""))
        self.data = data


_RAISED_BY_GRADER = []


def grader_fault(data):
    """A StudentFault the grader raises through the student's code itself (see sources/loaded.py).

    It is recognised by identity (`raised_by_grader`): a StudentFault the student's code
    makes and raises on its own is graded as any other exception of theirs.
    """
    fault = StudentFault(data)
    _RAISED_BY_GRADER.append(fault)
    return fault


def raised_by_grader(fault):
    """Whether `fault` was made by `grader_fault`."""
    return any(fault is known for known in _RAISED_BY_GRADER)


def exception_data(error, source, function=None):
    """Plain data for an exception raised while the student's code ran.

    Arguments:
        error: the exception (any BaseException: SystemExit, KeyboardInterrupt, the student's own).
        source: the loaded source (sources.LoadedSource), which knows the student's files.
        function: the graded function being called, when there is one.

    The data: {"kind", "type", "text", "function"} and, when the exception's text cannot be
    read, "unreadable" (why, in words); "where", "code", "in_function" when the traceback
    passes through the student's files.
    """
    cls = type(error)
    kind = "exception"
    for base, name in ((SystemExit, "exit"), (KeyboardInterrupt, "interrupt"), (MemoryError, "memory"),
                       (NotImplementedError, "not_implemented")):
        if issubclass(cls, base):
            kind = name
            break
    data = {"kind": kind, "type": bounded.type_name(error), "text": "", "function": function}
    if kind == "exit":
        data["text"] = _exit_code_text(error)
    else:
        text, why = bounded.text(error)
        data["text"] = text.strip() if text is not None else ""
        if why:
            data["unreadable"] = why
    try:
        data.update(student_frame(error, source))
    except BaseException:  # noqa: B036 -- a traceback the grader cannot read: the error is named without a place
        pass
    return data


def syntax_data(error, source):
    """Plain data for a SyntaxError (or IndentationError) in the student's file.

    A SyntaxError may also be raised by the student's code itself, with any values in its
    fields: only plain strings and numbers are taken from it.
    """
    filename, line, offset = _plain_str(error.filename), _plain_int(error.lineno), _plain_int(error.offset)
    message = _plain_str(error.msg) or "invalid syntax"
    return {"kind": "syntax", "type": bounded.type_name(error), "text": bounded.exact(message),
            "where": source.where(filename, line or 0),
            "code": bounded.exact(_plain_str(error.text).rstrip("\n"), bounded.MAX_CODE),
            "offset": offset, "function": None}


def student_frame(error, source):
    """{"where", "code", "in_function"} for the last traceback frame in the student's files, or {}."""
    tb = BaseException.__dict__["__traceback__"].__get__(error)
    try:
        extracted = bounded.within(bounded.READ_S, traceback.extract_tb, tb)
    except BaseException:  # noqa: B036 -- a source line that cannot be read in time (a hostile loader)
        return {}
    frames = [frame for frame in extracted if source.is_student_file(frame.filename)]
    if not frames:
        return {}
    frame = frames[-1]
    return {"where": source.where(frame.filename, frame.lineno),
            "code": bounded.exact((_plain_str(frame.line)).strip(), bounded.MAX_CODE),
            "in_function": bounded.exact(_plain_str(frame.name), bounded.MAX_NAME)}


def _exit_code_text(error):
    """SystemExit's code as Python would print it in sys.exit(...): 'None', "'done'", '3', or words."""
    code = SystemExit.__dict__["code"].__get__(error)
    text, why = bounded.text(code, repr)
    return text if text is not None else f"<a {bounded.type_name(code)} whose {why}>"


def _plain_str(value):
    return bounded.exact(value, 10_000) if issubclass(type(value), str) else ""


def _plain_int(value):
    return int.__index__(value) if issubclass(type(value), int) else None
