"""Reading what hostile objects say about themselves: bounded in time and length, never raising (pure: no TensorFlow)."""
import signal
import threading
import time

import pytest

from grader.grading import bounded

pytestmark = pytest.mark.portable  # in the Windows mode, without a SIGALRM timer: the watchdog bounds it


class Raising(Exception):
    def __str__(self):
        raise RuntimeError("no text")


class Endless(Exception):
    def __str__(self):
        while True:
            pass


class Stubborn(Exception):
    def __str__(self):  # swallows the first alarms, as a careless `except BaseException` would
        for _ in range(3):
            try:
                while True:
                    pass
            except BaseException:  # noqa: B036
                pass
        return "gave up"


class Sly(str):
    def strip(self, *args):
        raise ValueError("strip")

    def __getitem__(self, index):
        raise ValueError("getitem")


class Lying(type):
    @property
    def __name__(cls):
        raise ValueError("name")


class Liar(Exception, metaclass=Lying):
    pass


def test_text_of_an_exception_whose_str_raises_says_so():
    assert bounded.text(Raising()) == (None, "str() raised RuntimeError")


def test_text_that_never_ends_is_given_up_within_the_bound():
    started = time.monotonic()
    assert bounded.text(Endless(), seconds=0.2) == (None, "str() did not finish within 0.2 s")
    assert time.monotonic() - started < 2


def test_an_alarm_swallowed_by_the_students_code_comes_again():
    assert bounded.text(Stubborn(), seconds=0.1) == ("gave up", None)


def test_long_text_is_cut_and_a_str_subclass_becomes_a_plain_str():
    text, why = bounded.text(ValueError("x" * 10_000))
    assert why is None and len(text) == bounded.MAX_CHARS + 4 and text.endswith(" ...")
    shown, _ = bounded.text(Sly("sly text"), read=lambda value: value)
    assert type(shown) is str and shown == "sly text"


def test_type_name_reads_past_a_metaclass():
    assert bounded.type_name(Liar()) == "Liar"
    assert bounded.type_name(type("N" * 1000, (), {})()) == "N" * bounded.MAX_NAME + " ..."


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timer here (Windows)")
def test_the_previous_alarm_handler_and_timer_are_put_back():
    fired = []

    def mine(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        assert bounded.within(1.0, lambda: 42) == 42
        assert signal.getsignal(signal.SIGALRM) is mine and signal.getitimer(signal.ITIMER_REAL)[0] > 0
        time.sleep(0.7)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_outside_the_main_thread_only_the_length_is_bounded():
    results = []
    worker = threading.Thread(target=lambda: results.append(bounded.text(ValueError("y" * 5000))))
    worker.start()
    worker.join()
    assert results[0][0].endswith(" ...")


def test_without_an_alarm_timer_a_watchdog_bounds_it_the_same(monkeypatch):
    """As on Windows, which has no signal.setitimer: the same answers, and nothing raised after it returned."""
    if hasattr(signal, "setitimer"):
        monkeypatch.delattr(signal, "setitimer")
    started = time.monotonic()
    assert bounded.text(Endless(), seconds=0.2) == (None, "str() did not finish within 0.2 s")
    assert time.monotonic() - started < 2
    assert bounded.text(Stubborn(), seconds=0.1) == ("gave up", None)
    assert bounded.text(Raising()) == (None, "str() raised RuntimeError")
    assert bounded.within(0.05, lambda: 42) == 42
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:  # Python bytecode running past the bound: no Overran arrives late
        sum(range(100))
