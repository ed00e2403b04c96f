"""Exit codes and messages for the runner's commands (train, evaluate, predict, demo).

The library raises one exception class per kind of problem, each with a message
written for the user; `exit_code_of` prints that message (never a traceback)
and maps the kind to the exit code: 1 when the user's data or model is at
fault, 2 for a usage problem or an output that cannot be written.
"""
import sys

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2


def exit_code_of(work):
    """Call `work()` and return its exit code; known problems print their message instead."""
    from grader.student_check import StudentCodeError
    from segmentation.checkpoints import CheckpointError
    from segmentation.dataset import DataError
    from segmentation.files import OutputError
    from segmentation.modeling import ModelError
    from segmentation.training import RunFolderError

    try:
        return work()
    except (DataError, ModelError, StudentCodeError) as error:
        print(error, file=sys.stderr)
        return EXIT_USER
    except (CheckpointError, RunFolderError, OutputError) as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
