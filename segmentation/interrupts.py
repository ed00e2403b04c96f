"""Stopping a long run on request: Ctrl-C (SIGINT), SIGTERM and SIGHUP alike.

SIGTERM is what a laptop's shutdown, `timeout`, a CI runner's cancel, a SLURM
pre-emption and `docker stop` send; SIGHUP is a closed terminal. All three are
treated as Ctrl-C: training stops after the batch it is on and keeps the last
finished epoch's checkpoint. Only the exit code differs: 128 + the signal's number
(143 for SIGTERM, 129 for SIGHUP), as a shell reports a process ended by it.

A KeyboardInterrupt raised at an arbitrary point of `model.fit` can leave
TensorFlow's input threads mid-work; the process then sometimes aborts on its way
out ("free(): invalid next size") after the checkpoint was kept. So while training
runs, the first stop signal only sets `StopRequest.requested`; the progress callback
sees it at the end of the batch and ends `fit` the normal way. A second one raises at
once, for someone who will not wait for the batch.

Outside `fit`, `signals_as_interrupts` turns SIGTERM and SIGHUP into `StopSignal`, a
KeyboardInterrupt, so every `except KeyboardInterrupt` that tidies up after Ctrl-C
tidies up after them too; `deferred` holds all three back while a file is written.
"""
import signal
import threading
from contextlib import contextmanager

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))  # Windows has no SIGHUP


class StopSignal(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C; `signum` says which, `exit_code` is 128 + it."""

    def __init__(self, signum):
        super().__init__(signal_name(signum))
        self.signum = signum
        self.exit_code = 128 + int(signum)


def signal_name(signum):
    """'SIGTERM' for signal.SIGTERM, and so on."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def interrupt_for(signum):
    """The exception that stands for `signum`: KeyboardInterrupt for SIGINT, StopSignal otherwise."""
    if signum in (None, signal.SIGINT):
        return KeyboardInterrupt()
    return StopSignal(signum)


def signum_of(interrupt):
    """The signal a KeyboardInterrupt stands for (SIGINT unless it is a StopSignal)."""
    return getattr(interrupt, "signum", signal.SIGINT)


def _in_main_thread():
    return threading.current_thread() is threading.main_thread()


@contextmanager
def _handling(handler, signals=STOP_SIGNALS):
    """Install `handler` for `signals` inside the block (main thread only), then restore."""
    if not _in_main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in signals}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def signals_as_interrupts():
    """Inside the block SIGTERM and SIGHUP raise StopSignal, as Ctrl-C raises KeyboardInterrupt."""
    def raise_stop(signum, frame):
        raise StopSignal(signum)

    with _handling(raise_stop, [signum for signum in STOP_SIGNALS if signum != signal.SIGINT]):
        yield


@contextmanager
def deferred():
    """Hold back stop signals inside the block; after it, raise the first one that came.

    Outside the main thread signals cannot be caught, and the block runs unprotected.
    """
    received = []
    with _handling(lambda signum, frame: received.append(signum)):
        yield
    if received:
        raise interrupt_for(received[0])


class StopRequest:
    """Whether a stop signal came while `listening()` was active, and which (`signum`)."""

    def __init__(self):
        self.requested = False
        self.signum = None

    @contextmanager
    def listening(self):
        """Inside the block, the first stop signal sets `requested`, a second one raises.

        Outside the main thread signals cannot be caught; the block then runs with
        Python's usual Ctrl-C behaviour.
        """
        with _handling(self._on_signal):
            yield self

    def interrupt(self):
        """The exception standing for the requested stop (see `interrupt_for`)."""
        return interrupt_for(self.signum)

    def _on_signal(self, signum, frame):
        if self.requested:
            raise interrupt_for(signum)
        self.requested = True
        self.signum = signum
