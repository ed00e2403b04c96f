"""What the grading child prints when an exception is not caught: the student's frames only.

The child installs these hooks (`install()`) before any student code runs. An exception
that nobody catches (in a thread the student's code started, in a `__del__`, or one that
escapes to the top of the child) is printed to the child's stderr, which the report shows
apart as the student's output. Only the student's frames are printed, with a count of the
grader's and the libraries' frames left out, and the exception's text is read within the
bounds of bounded.py, so a hostile `__str__` cannot hang or flood the hook.

A frame is the student's unless its file belongs to the grader (`grader/`, `segmentation/`),
to Python itself or to an installed package, or is Python's own `<frozen ...>` code.
"""
import os
import sys
import sysconfig
import threading
import traceback

from grader.grading import bounded

MAX_FRAMES = 20
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def _not_students_folders():
    """The grader's folders and Python's (standard library, installed packages), each ending with a separator."""
    paths = sysconfig.get_paths()
    folders = {os.path.join(_ROOT, "grader"), os.path.join(_ROOT, "segmentation"), os.path.dirname(os.__file__)}
    folders |= {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    return tuple(os.path.realpath(folder) + os.sep for folder in folders)


_NOT_STUDENTS = _not_students_folders()


def install():
    """Install the hooks: sys.excepthook, threading.excepthook and sys.unraisablehook."""
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    sys.unraisablehook = unraisablehook


def is_students(filename):
    """Whether a frame's file is the student's (see the module docstring)."""
    if not filename or filename.startswith("<"):
        return False  # Python's own code: <frozen importlib._bootstrap>, <string>
    if not os.path.isabs(filename):
        return True  # a name the student's code was compiled with
    return not os.path.realpath(filename).startswith(_NOT_STUDENTS)


def students_lines(exc_type, exc_value, tb, title):
    """The lines to print for an uncaught exception: `title`, the student's frames, the exception, the count left out."""
    try:
        frames = bounded.within(bounded.READ_S, traceback.extract_tb, tb)
    except BaseException:  # noqa: B036 -- source lines that cannot be read in time: no frames then
        frames = []
    own = [frame for frame in frames if is_students(frame.filename)]
    left_out = len(frames) - len(own)
    lines = [title]
    for frame in own[-MAX_FRAMES:]:
        function = bounded.exact(frame.name, bounded.MAX_NAME)
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {function}')
        if frame.line:
            lines.append(f"    {bounded.exact(frame.line.strip(), bounded.MAX_CODE)}")
    shown_frames = len(own[-MAX_FRAMES:])
    left_out += len(own) - shown_frames
    name = bounded.type_name(exc_value) if exc_value is not None else getattr(exc_type, "__name__", "exception")
    text, why = bounded.text(exc_value) if exc_value is not None else ("", None)
    if why:
        lines.append(f"{name} (its message could not be read: {why})")
    else:
        lines.append(f"{name}: {text}" if text else name)
    if left_out:
        lines.append(f"({left_out} frame{'s' if left_out != 1 else ''} of the grader and of Python's libraries "
                     f"left out)")
    return lines


def excepthook(exc_type, exc_value, tb):
    """An exception that reached the top of the grading child."""
    _print(students_lines(exc_type, exc_value, tb, "An exception was not caught (your frames only):"))


def thread_excepthook(args):
    """An exception that ended a thread the student's code started (a thread's SystemExit is silent, as in Python)."""
    if args.exc_type is not None and issubclass(args.exc_type, SystemExit):
        return
    thread = args.thread
    named = thread is not None and type(thread.name) is str
    name = bounded.exact(thread.name, bounded.MAX_NAME) if named else "a thread"
    _print(students_lines(args.exc_type, args.exc_value, args.exc_traceback,
                          f"Exception in thread {name}, which your code started (your frames only):"))


def unraisablehook(unraisable):
    """An exception Python could not raise (in a `__del__`, a weak reference callback, ...)."""
    message = unraisable.err_msg if type(unraisable.err_msg) is str else "Exception ignored in"
    if unraisable.object is not None:
        shown, why = bounded.text(unraisable.object, repr, limit=200)
        message += f": {shown if shown is not None else f'a {bounded.type_name(unraisable.object)}'}"
    _print(students_lines(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback,
                          f"{bounded.exact(message, 300)} (your frames only):"))


def _guarded(hook):
    """`hook`, which prints one line and nothing more if reading the exception fails in an unforeseen way."""
    def guarded(*args):
        try:
            hook(*args)
        except BaseException:  # noqa: B036 -- a hook must never raise
            _print(["An exception was not caught in your code, and it could not be described."])

    guarded.__name__ = guarded.__qualname__ = hook.__name__
    guarded.__doc__ = hook.__doc__
    return guarded


excepthook = _guarded(excepthook)
thread_excepthook = _guarded(thread_excepthook)
unraisablehook = _guarded(unraisablehook)


def _print(lines):
    """Write to the child's stderr file descriptor itself: the student's code may have replaced sys.stderr."""
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="replace")
    try:
        while data:
            data = data[os.write(2, data):]
    except OSError:
        pass
