"""The progress of a class run: how many students are graded, how fast, and how long is left.

On a terminal (the stream's isatty()) one line is redrawn in place:

    [===========>..................]  12/40 graded  3.1 per minute  about 9 min left

In a log (CI, a file) plain lines are written instead, only when another tenth of the
class is done or at least `log_interval_s` seconds have passed since the last line, and
always at the end:

    12/40 graded (30%), 3.1 per minute, about 9 min left
    40/40 graded in 12 min 54 s (3.1 per minute)

Students found already graded by an earlier run (resume) count as done from the start
but not in the rate. The clock is injectable (`clock`, seconds), so is the stream.
"""
import sys
import threading
import time

from segmentation.terminal import can_redraw

BAR_WIDTH = 30
DEFAULT_LOG_INTERVAL_S = 10.0


def duration_text(seconds):
    """'45 s', '3 min 20 s', '1 h 05 min'."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def rate_text(per_second):
    """'3.1 per minute' or '2.5 per second'."""
    if per_second >= 1:
        return f"{per_second:.1f} per second"
    per_minute = per_second * 60
    return f"{per_minute:.1f} per minute" if per_minute < 10 else f"{per_minute:.0f} per minute"


class ClassProgress:
    """Shows the progress of grading `total` students on `stream`.

    Arguments:
        total: how many students the run has.
        stream: where to write (default sys.stderr).
        clock: function() -> seconds (default time.monotonic).
        already_done: students done before this run started (found by resume).
        log_interval_s: in a log, the most seconds between two lines while work goes on.

    Use `start()`, `advance()` as each student finishes, `note(text)` for a line of its
    own, and `finish()` at the end (or use it as a context manager, which finishes even
    on Ctrl-C).
    """

    def __init__(self, total, stream=None, clock=time.monotonic, already_done=0,
                 log_interval_s=DEFAULT_LOG_INTERVAL_S):
        self.total = total
        self.stream = stream or sys.stderr
        self.clock = clock
        self.done = self.already_done = already_done
        self.log_interval_s = log_interval_s
        self.on_terminal = can_redraw(self.stream)
        self._lock = threading.Lock()
        self._started = None
        self._last_line_at = None
        self._last_tenth = None
        self._drawn_width = 0
        self._finished = False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.finish()
        return False

    def start(self):
        """Start the clock and show the state before anything is graded in this run."""
        with self._lock:
            self._started = self.clock()
            self._last_tenth = self._tenth()
            self._show(force=True)

    def advance(self, count=1):
        """Count `count` more students done, and show it when it is time."""
        with self._lock:
            if self._started is None:
                self._started = self.clock()
            self.done = min(self.total, self.done + count)
            self._show(force=False)

    def note(self, text):
        """Write `text` on a line of its own (a student whose grading failed, say), keeping the bar below it."""
        with self._lock:
            if self.on_terminal:
                self._clear()
                self.stream.write(text + "\n")
                self._draw()
            else:
                self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self):
        """Write the final line: how many were done, in how long, at what rate."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
            if self.on_terminal:
                self._clear()
            self.stream.write(self.final_line() + "\n")
            self.stream.flush()

    def final_line(self):
        """'40/40 graded in 12 min 54 s (3.1 per minute)', or 'stopped: 12/40 graded ...' when not all are."""
        elapsed = self._elapsed()
        rate = self._rate(elapsed)
        stopped = "" if self.done >= self.total else "stopped: "
        earlier = f", {self.already_done} earlier" if self.already_done else ""
        speed = f" ({rate_text(rate)})" if rate else ""
        return f"{stopped}{self.done}/{self.total} graded{earlier} in {duration_text(elapsed)}{speed}"

    def status_text(self):
        """'12/40 graded (30%), 3.1 per minute, about 9 min left' in a log; on a terminal without
        the percentage (the bar shows it) and with wider gaps."""
        rate = self._rate(self._elapsed())
        count = f"{self.done}/{self.total} graded"
        if self.done >= self.total:
            return count
        if not self.on_terminal:
            count += f" ({self._percent()}%)"
        rest = [rate_text(rate), f"about {duration_text((self.total - self.done) / rate)} left"] if rate else [
            "estimating the time left"]
        return ("  " if self.on_terminal else ", ").join([count, *rest])

    def _elapsed(self):
        """Seconds since `start()` (0 before it)."""
        return 0.0 if self._started is None else self.clock() - self._started

    def _rate(self, elapsed):
        """Students per second in this run, or None before one is done."""
        done_here = self.done - self.already_done
        return done_here / elapsed if done_here > 0 and elapsed > 0 else None

    def _percent(self):
        return int(100 * self.done / self.total) if self.total else 100

    def _tenth(self):
        return 10 * self.done // self.total if self.total else 10

    def _show(self, force):
        if self.on_terminal:
            self._draw()
            self.stream.flush()
            return
        now = self.clock()
        tenth = self._tenth()
        due = self._last_line_at is None or now - self._last_line_at >= self.log_interval_s
        if force or tenth > self._last_tenth or due:
            self.stream.write(self.status_text() + "\n")
            self.stream.flush()
            self._last_line_at, self._last_tenth = now, tenth

    def _draw(self):
        """Redraw the bar in place (terminal only)."""
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        bar = ("=" * filled + (">" if filled < BAR_WIDTH else "")).ljust(BAR_WIDTH, ".")[:BAR_WIDTH]
        line = f"[{bar}]  {self.status_text()}"
        self.stream.write("\r" + line.ljust(self._drawn_width))
        self._drawn_width = len(line)

    def _clear(self):
        """Blank the bar's line and put the cursor at its start."""
        self.stream.write("\r" + " " * self._drawn_width + "\r")
        self._drawn_width = 0
