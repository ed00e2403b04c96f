"""SIGTERM and SIGHUP are stop requests like Ctrl-C: real signals to this process, no TensorFlow."""
import os
import signal

import pytest

from segmentation.interrupts import StopRequest, StopSignal, deferred, signals_as_interrupts


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["SIGTERM", "SIGHUP"])
def test_outside_training_sigterm_and_sighup_raise_a_keyboard_interrupt_with_their_exit_code(signum, code):
    before = signal.getsignal(signum)
    with pytest.raises(KeyboardInterrupt) as caught:
        with signals_as_interrupts():
            os.kill(os.getpid(), signum)
    assert isinstance(caught.value, StopSignal) and caught.value.exit_code == code
    assert signal.getsignal(signum) is before


def test_a_write_finishes_before_sigterm_is_raised():
    done = []
    with pytest.raises(StopSignal) as caught:
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            done.append(True)
    assert done == [True] and caught.value.signum == signal.SIGTERM


def test_during_training_the_first_signal_asks_and_the_second_stops_at_once():
    stop = StopRequest()
    with stop.listening():
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.requested and stop.signum == signal.SIGTERM
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert isinstance(stop.interrupt(), StopSignal)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
