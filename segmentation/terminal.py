"""Whether a stream is a terminal that can redraw a line in place (progress bars, watch's screen).

A terminal redraws with a carriage return; a file, a pipe, a CI log or a dumb terminal
(TERM=dumb: Emacs' shell, some IDE consoles) cannot, so progress is written there as
plain lines instead. Windows' console redraws like any terminal.
"""
import os


def can_redraw(stream):
    """Whether `stream` is a terminal that can redraw its current line."""
    try:
        interactive = bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False
    return interactive and os.environ.get("TERM", "") != "dumb"
