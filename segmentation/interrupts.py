"""Ctrl-C during `fit`: the first press asks training to stop after the batch it is on.

A KeyboardInterrupt raised at an arbitrary point of `model.fit` can leave
TensorFlow's input threads mid-work; the process then sometimes aborts on its way
out ("free(): invalid next size") after the checkpoint was kept. So while training
runs, the first Ctrl-C only sets `StopRequest.requested`; the progress callback sees
it at the end of the batch and ends `fit` the normal way. A second Ctrl-C raises
KeyboardInterrupt at once, for someone who will not wait for the batch.
"""
import signal
import threading
from contextlib import contextmanager


class StopRequest:
    """Whether Ctrl-C was pressed while `listening()` was active."""

    def __init__(self):
        self.requested = False

    @contextmanager
    def listening(self):
        """Inside the block, the first SIGINT sets `requested`, a second raises KeyboardInterrupt.

        Outside the main thread signals cannot be caught; the block then runs with
        Python's usual Ctrl-C behaviour.
        """
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    def _on_sigint(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
