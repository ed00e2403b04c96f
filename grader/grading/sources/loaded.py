"""A source loaded in the grading child: its graded functions, and which files are the student's."""
import os
from pathlib import Path


class LoadedSource:
    """A loaded source: its graded functions and a way to tell the student's files apart.

    Attributes:
        namespace: the module object that holds the functions.
        folder_or_file: the student's file, or the package folder all of whose files are theirs.
        notes: lines for the report about what was run and left out (see program.py).
    """

    def __init__(self, namespace, folder_or_file, notes=()):
        self.namespace = namespace
        self.folder_or_file = os.path.realpath(folder_or_file)
        self.notes = list(notes)

    def function(self, name):
        """The student's function `name`, or None when the source does not define it."""
        value = getattr(self.namespace, name, None)
        return value if callable(value) else None

    def is_student_file(self, filename):
        """Whether a traceback's `filename` is one of the student's files."""
        real = os.path.realpath(filename)
        return real == self.folder_or_file or real.startswith(self.folder_or_file + os.sep)

    def where(self, filename, line):
        """'exercises/unet.py, line 48': a place in the student's code, as they know the file."""
        return f"{shown(Path(filename))}, line {line}"


def shown(path):
    """`path` relative to the working folder when it is inside it, else as it is."""
    try:
        return str(Path(os.path.realpath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
