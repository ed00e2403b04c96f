"""Import TensorFlow without its C++ start-up noise reaching the user.

TensorFlow 2.16+ prints absl/oneDNN/CUDA lines straight to the stderr file
descriptor while it loads, before `TF_CPP_MIN_LOG_LEVEL` takes effect, so the
only reliable silencer is to point file descriptor 2 at /dev/null for the import
and for the first device discovery. Python-level errors are not hidden: if the
import raises, stderr is restored before the exception travels on.
"""
import contextlib
import logging
import os
import sys


@contextlib.contextmanager
def _stderr_fd_silenced():
    """Send everything written to file descriptor 2 to /dev/null inside the block.

    Always descriptor 2, where TensorFlow's C++ code writes: in a Jupyter kernel
    `sys.stderr.fileno()` names a copy of the terminal's stderr instead, while
    descriptor 2 is the pipe the kernel shows under the cell.
    """
    fd = 2
    try:
        sys.stderr.flush()
        saved = os.dup(fd)
    except (AttributeError, OSError, ValueError):  # no descriptor 2 at all
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Return the `tensorflow` module, imported (once) with its log noise suppressed."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _stderr_fd_silenced():
        import tensorflow as tf

        tf.config.list_physical_devices()  # device discovery logs too; do it now
    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    return tf
