"""Exit codes, and where every command's words go: results to stdout, problems to stderr.

    0  success: every check passed, the data is usable, the run finished
    1  the user's work or data is at fault: a check failed, the code raised, the data is unusable
    2  a usage error (the request cannot be done as asked), or a failure of the tool itself
  130  interrupted with Ctrl-C

Commands return one of these codes, or raise: an InputError (exit 1) or a UsageError
(exit 2) carries a message written for the user, which `cli.main` prints to stderr; any
other exception is a fault of the tool, said as such in one line, never as a traceback
(UNET_GRADER_DEBUG=1 shows the details).
"""
import os
import sys
import traceback

from segmentation.errors import InputError, UsageError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INTERRUPTED", "InputError", "UsageError",
           "ToolFailure", "problem", "usage_line", "failure_line", "exit_code_for", "tolerant_streams",
           "CHILD_ENCODING"]

CHILD_ENCODING = {"PYTHONIOENCODING": "utf-8"}  # a grader process we read speaks UTF-8, whatever the console


def tolerant_streams(streams=None):
    """Make stdout and stderr show what their encoding cannot (a redirected cp1252 or cp850 console on
    Windows) as '?', instead of failing with UnicodeEncodeError: our words and the student's alike."""
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


class ToolFailure(Exception):
    """The tool itself failed, not the user's work (exit 2); the message says what failed."""


def problem(text):
    """Print a problem (an error, a warning, a refusal) for the user: to stderr."""
    print(text, file=sys.stderr, flush=True)


def usage_line(error):
    """How a usage error is said: 'python -m grader: ...'."""
    return f"python -m grader: {error}"


def failure_line(summary):
    """How a failure of the grader itself is said, from the first line of `summary`."""
    first = summary.strip().splitlines()[0] if summary.strip() else "unknown error"
    return f"The grader itself failed, not your code: {first}"


def exit_code_for(error):
    """Print what `error` means for the user and return the exit code it stands for."""
    if isinstance(error, InputError):
        problem(str(error))
        return EXIT_FAILED
    if isinstance(error, UsageError):
        problem(usage_line(error))
        return EXIT_USAGE
    if isinstance(error, ToolFailure):
        summary = str(error)
        details = str(error)
    else:
        summary = f"{type(error).__name__}: {error}"
        details = "".join(traceback.format_exception(error))
    problem(failure_line(summary))
    if os.environ.get("UNET_GRADER_DEBUG"):
        problem(details)
    else:
        problem("Set UNET_GRADER_DEBUG=1 to see the details, and report them to the course staff.")
    return EXIT_USAGE
