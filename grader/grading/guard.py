"""Keep the answers out of the student's reach (runs in the job child, before the student's code).

The answers are the reference solutions (their package, its files) and, in a student
bundle, the stored expectations (grader/expectations.json). `install` adds a Python
audit hook (PEP 578) that stops student code which imports the reference package or
opens one of those files: the operation fails with AnswersOutOfReach, and the attempt is
recorded, so that the job reports an integrity failure for the exercise (0 points, with
a plain message) whatever the student's code does with the error.

The grader's own reads are not stopped: the hook looks at who asks. Walking out from
the innermost frame past the standard library's and the installed packages' frames, the
first frame decides: the grader's code may, anything else (the student's) may not. So
a traceback that shows a line of the reference (linecache, called by the grader) works,
while `inspect.getsource(reference_function)` called by the student does not.

An audit hook cannot be removed once added, and imports of modules already loaded
raise no event: the job drops the reference from sys.modules before installing it.
This is a guard against the obvious ways in, not a sandbox (see sandbox.py for that).
"""
import os
import sys
import sysconfig

LIBRARY_FOLDERS = tuple({os.path.realpath(folder) + os.sep for folder in
                         (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                          sysconfig.get_paths()["platlib"])})
GRADER_FOLDER = os.path.realpath(os.path.join(os.path.dirname(__file__), os.pardir)) + os.sep


class AnswersOutOfReach(PermissionError):
    """Raised in the student's code that tries to read the reference or the stored expectations."""


def install(packages, paths):
    """Guard the reference `packages` (top-level names) and the files and folders in `paths`.

    Returns the list that records each attempt ("import solutions", "open solutions/unet.py"),
    filled as they happen.
    """
    packages = frozenset(packages)
    guarded = tuple(os.path.realpath(path) for path in paths if path)
    attempts = []

    def hook(event, args):
        if event == "import":
            name = str(args[0])
            if name.split(".")[0] in packages and _asked_by_student():
                attempts.append(f"import {name}")
                raise AnswersOutOfReach(f"importing {name} (the reference solutions) is not allowed while grading")
        elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            real = os.path.realpath(path)
            if any(real == place or real.startswith(place + os.sep) for place in guarded) and _asked_by_student():
                attempts.append(f"open {path}")
                raise AnswersOutOfReach(f"reading {path} (the reference's answers) is not allowed while grading")

    sys.addaudithook(hook)
    return attempts


def _asked_by_student():
    """Whether the first frame outside the libraries, from the innermost out, is not the grader's."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith("<frozen") or _in_library(filename)):
            return not os.path.realpath(filename).startswith(GRADER_FOLDER)
        frame = frame.f_back
    return False


def _in_library(filename):
    real = os.path.realpath(filename)
    return real.startswith(LIBRARY_FOLDERS) and not real.startswith(GRADER_FOLDER)
