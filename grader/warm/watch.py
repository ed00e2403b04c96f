"""`python -m grader watch`: the same report as `python -m grader EXERCISE`, again at every save.

The source file's state (size, modification time, inode) is read ten times a second (a
stat costs microseconds); a change that has settled (the same state on two reads in a
row, so that an editor's write in steps is graded once it is complete) grades the file
again in a warm Grader, clears the terminal
and shows the report and how long it took. One seed is used for the whole session, so
that two reports differ only because the code did. A file that does not parse is
reported like any other mistake, and watched on.

With a picture file, the report is shown first and the picture of the model (see
grader/reports/picture.py) is drawn into that one file right after, at every grading,
replaced whole (an image viewer never shows half of it), and the report says where it is.
"""
import os
import sys
import time

from segmentation.files import partial_path
from segmentation.terminal import can_redraw

POLL_S = 0.1
CLEAR = "\x1b[2J\x1b[H"


def file_state(path):
    """(size, modification time in ns, inode) of `path`, or None while it does not exist (mid-save)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def draw_picture(report, path):
    """Draw `report`'s picture into `path`, replacing it whole; a line saying where (or why not)."""
    from grader.reports import picture

    started = time.monotonic()
    temporary = partial_path(path)
    try:
        if not picture.write(report, temporary):
            return f"No picture this time: nothing was built to draw. (It stays at {path}.)\n"
        os.replace(temporary, path)
    except OSError as error:
        return f"Cannot write the picture {path}: {error.strerror}. Choose another --picture path.\n"
    return (f"Picture of your model beside the reference, the first difference marked: {path} "
            f"(drawn in {time.monotonic() - started:.1f} s)\n")


def watch(grader, source, watched, names, seed, out=sys.stdout, poll_s=POLL_S, sleep=time.sleep, picture=None):
    """Grade `source` now and at every settled change of the file `watched`, until Ctrl-C.

    Arguments:
        grader: an open grading.session.Grader.
        source: the records.Source to grade.
        watched: the file whose saves trigger a grading.
        names: the exercises to grade.
        seed: the session's seed.
        picture: the picture file to keep up to date, or None for none.
    """
    from grader.reports import text

    on_terminal = can_redraw(out)
    shown = None
    seen = file_state(watched)
    while True:
        if seen != shown and seen is not None:
            started = time.monotonic()
            report = grader.grade(source, names, seed)
            took = time.monotonic() - started
            out.write(CLEAR if on_terminal else "\n" + "=" * 100 + "\n")
            out.write(text.render(report))
            out.write(f"\nGraded in {took:.1f} s at {time.strftime('%H:%M:%S')}. Watching {watched} for "
                      f"changes: save it to grade again; Ctrl-C to stop.\n")
            out.flush()
            if picture:
                out.write(draw_picture(report, picture))
                out.flush()
            shown = seen
        sleep(poll_s)
        now = file_state(watched)
        if now != seen:  # changed: wait until it stops changing
            seen = now
            while True:
                sleep(poll_s / 2)
                settled = file_state(watched)
                if settled == seen:
                    break
                seen = settled
