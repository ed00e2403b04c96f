"""`python -m grader watch`: the same report as `python -m grader EXERCISE`, again at every save.

The source file's state (size, modification time, inode) is read ten times a second (a
stat costs microseconds); a change that has settled (the same state on two reads in a
row, so that an editor's write in steps is graded once it is complete) grades the file
again in a warm Grader, clears the terminal
and shows the report and how long it took. One seed is used for the whole session, so
that two reports differ only because the code did. A file that does not parse is
reported like any other mistake, and watched on.
"""
import os
import sys
import time

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


def watch(grader, source, watched, names, seed, out=sys.stdout, poll_s=POLL_S, sleep=time.sleep):
    """Grade `source` now and at every settled change of the file `watched`, until Ctrl-C.

    Arguments:
        grader: an open grading.session.Grader.
        source: the records.Source to grade.
        watched: the file whose saves trigger a grading.
        names: the exercises to grade.
        seed: the session's seed.
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
