"""The class run's progress: a bar redrawn in place on a terminal, a few plain lines in a log."""
import io

import pytest

from grader.classroom.progress import ClassProgress, duration_text, rate_text


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def a_terminal_that_redraws(monkeypatch):
    """TERM as a terminal that redraws has it (TERM=dumb cannot: see segmentation/terminal.py)."""
    monkeypatch.setenv("TERM", "xterm")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_log_gets_a_line_per_tenth_or_interval_and_one_at_the_end():
    log, clock = io.StringIO(), Clock()
    with ClassProgress(100, stream=log, clock=clock, log_interval_s=60) as progress:
        for _ in range(100):
            clock.now += 1.5  # 40 students a minute: a tenth every 15 s, so the 60 s interval never comes
            progress.advance()
    lines = log.getvalue().splitlines()
    assert lines[0] == "0/100 graded (0%), estimating the time left"
    assert lines[1] == "10/100 graded (10%), 40 per minute, about 2 min 15 s left"
    assert lines[-2] == "100/100 graded"
    assert lines[-1] == "100/100 graded in 2 min 30 s (40 per minute)"
    assert len(lines) == 12 and "\r" not in log.getvalue()


def test_a_slow_class_in_a_log_still_says_something_every_interval():
    log, clock = io.StringIO(), Clock()
    progress = ClassProgress(1000, stream=log, clock=clock, log_interval_s=10)
    progress.start()
    for _ in range(9):
        clock.now += 4
        progress.advance()
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 + 3  # the start, then after 12 s, 24 s and 36 s: never two lines within 10 s
    assert lines[1].startswith("3/1000 graded (0%), 15 per minute, about 1 h 06 min left")


def test_a_terminal_gets_one_line_redrawn_in_place():
    terminal, clock = Terminal(), Clock()
    progress = ClassProgress(4, stream=terminal, clock=clock)
    progress.start()
    clock.now += 30
    progress.advance()
    shown = terminal.getvalue()
    assert shown.startswith("\r[>" + "." * 29 + "]  0/4 graded  estimating the time left")
    assert "\r[=======>" + "." * 22 + "]  1/4 graded  2.0 per minute  about 1 min 30 s left" in shown
    assert "\n" not in shown
    progress.note("bob: the grader itself failed; bob gets 0 points with the reason")
    clock.now += 90
    progress.advance(3)
    progress.finish()
    shown = terminal.getvalue()
    # the note goes over a blanked bar, on its own line, and the bar comes back under it
    assert " \rbob: the grader itself failed; bob gets 0 points with the reason\n\r[=======>" in shown
    assert shown.endswith("4/4 graded in 2 min 0 s (2.0 per minute)\n")
    assert shown.count("\n") == 2


def test_a_shorter_line_blanks_what_the_longer_one_left():
    terminal, clock = Terminal(), Clock()
    progress = ClassProgress(10, stream=terminal, clock=clock)
    progress.start()
    clock.now += 1
    progress.advance()
    before = terminal.getvalue()
    clock.now += 100
    progress.advance(9)
    redrawn = terminal.getvalue()[len(before):]
    longest = max(len(part) for part in before.split("\r"))
    assert len(redrawn.split("\r")[-1]) >= longest


def test_students_done_earlier_count_as_done_but_not_in_the_rate():
    log, clock = io.StringIO(), Clock()
    progress = ClassProgress(10, stream=log, clock=clock, already_done=6)
    progress.start()
    clock.now += 60
    progress.advance(2)
    progress.finish()
    lines = log.getvalue().splitlines()
    assert lines[0] == "6/10 graded (60%), estimating the time left"
    assert lines[1] == "8/10 graded (80%), 2.0 per minute, about 1 min 0 s left"
    assert lines[-1] == "stopped: 8/10 graded, 6 earlier in 1 min 0 s (2.0 per minute)"


def test_ctrl_c_still_ends_the_bar_with_a_line():
    terminal, clock = Terminal(), Clock()
    try:
        with ClassProgress(3, stream=terminal, clock=clock) as progress:
            progress.advance()
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert terminal.getvalue().endswith("stopped: 1/3 graded in 0 s\n")


def test_durations_and_rates_read_naturally():
    assert [duration_text(s) for s in (0.4, 45, 200, 3900)] == ["0 s", "45 s", "3 min 20 s", "1 h 05 min"]
    assert [rate_text(r) for r in (0.05, 0.5, 2.5)] == ["3.0 per minute", "30 per minute", "2.5 per second"]


def test_a_note_before_the_start_does_not_fail():
    terminal = Terminal()
    ClassProgress(2, stream=terminal, clock=Clock()).note("unpacking class.zip ...")
    assert "\runpacking class.zip ...\n\r[>" in terminal.getvalue()


def test_a_dumb_terminal_gets_plain_lines_as_a_log_does(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    terminal, clock = Terminal(), Clock()
    with ClassProgress(10, stream=terminal, clock=clock, log_interval_s=60) as progress:
        for _ in range(10):
            clock.now += 1.5
            progress.advance()
    assert "\r" not in terminal.getvalue() and terminal.getvalue().splitlines()[-1].startswith("10/10 graded")
