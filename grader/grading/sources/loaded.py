"""A source loaded in the grading child: its graded functions, and which files are the student's."""
import os
import types
from pathlib import Path

from grader.grading.student_errors import exception_data, grader_fault


class LoadedSource:
    """A loaded source: its graded functions and a way to tell the student's files apart.

    Attributes:
        namespace: the module object that holds the functions.
        folder_or_file: the student's file, or the package folder all of whose files are theirs.
        notes: lines for the report about what was run and left out (see program.py).
        failed: graded function -> the exception of a statement it needs, when that statement
            raised while the source loaded (see program.run_cells).
    """

    def __init__(self, namespace, folder_or_file, notes=(), failed=None):
        self.namespace = namespace
        self.folder_or_file = os.path.realpath(folder_or_file)
        self.notes = list(notes)
        self.failed = dict(failed or {})
        self._stand_ins = {}

    def function(self, name):
        """The student's function `name`, or None when the source does not define it.

        A function that could not be defined because a statement it needs raised is a
        stand-in that raises a StudentFault with that exception's data (marked "loading"),
        so that grading it reports the statement, and the other functions are still graded.
        The module's own dictionary is read, so a module-level `__getattr__` never runs.
        """
        if name in self.failed:
            if name not in self._stand_ins:  # the exception is read once (see bounded.py)
                self._stand_ins[name] = _never_defined(name, exception_data(self.failed[name], self, name))
            return self._stand_ins[name]
        if self.namespace is None:
            return None
        value = types.ModuleType.__dict__["__dict__"].__get__(self.namespace).get(name)
        return value if callable(value) else None

    def is_student_file(self, filename):
        """Whether a traceback's `filename` is one of the student's files."""
        real = os.path.realpath(filename)
        return real == self.folder_or_file or real.startswith(self.folder_or_file + os.sep)

    def where(self, filename, line):
        """'exercises/unet.py, line 48': a place in the student's code, as they know the file."""
        return f"{shown(Path(filename))}, line {line}"


def _never_defined(name, data):
    """A stand-in for the graded function `name`, which raises StudentFault with `data` when called."""
    fault = grader_fault({**data, "loading": True, "in_function": name})

    def never_defined(*args, **kwargs):
        raise fault.with_traceback(None)

    never_defined.__name__ = never_defined.__qualname__ = name
    return never_defined


def shown(path):
    """`path` relative to the working folder when it is inside it, else as it is."""
    try:
        return str(Path(os.path.realpath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
