"""Take away, on this Linux machine, what native Windows or macOS lacks: the portable test modes.

`UNET_GRADER_EMULATE=windows`: no `os.fork` (nor `forkpty`), `subprocess.Popen` refusing
`pass_fds` and `preexec_fn` as Windows' does, no `socket.send_fds`/`recv_fds`, no SIGALRM
timer (`signal.setitimer`, `signal.alarm`), no `resource`, `fcntl` or `termios` for the
grader's code, no `prctl` in the C library, and no `/proc` for the grader's code (psutil,
which reads the process table each platform's own way, keeps it).
`UNET_GRADER_EMULATE=nofork`: only `os.fork` is gone (macOS after TensorFlow's import).

Installed in the test process by conftest.py and, through this folder's sitecustomize.py on
PYTHONPATH, in every Python process the tests start (the grader's jobs and spares included).
"""
import ctypes
import os
import signal
import socket
import subprocess
import sys

MODE_VARIABLE = "UNET_GRADER_EMULATE"
MODES = ("windows", "nofork")
FOLDER = os.path.dirname(os.path.abspath(__file__))
OURS = ("grader", "segmentation")  # the code whose use of what Windows lacks is taken away
MISSING_MODULES = ("resource", "fcntl", "termios")


def install(mode):
    """Take away what `mode` ("windows" or "nofork") lacks, in this process; idempotent."""
    if mode not in MODES or getattr(sys, "_unet_grader_emulated", None) == mode:
        return
    sys._unet_grader_emulated = mode
    for name in ("fork", "forkpty"):
        if hasattr(os, name):
            delattr(os, name)
    if mode == "windows":
        _windows()


def child_environment(mode, env):
    """`env` for a process that must start in `mode` too: this folder first on PYTHONPATH."""
    paths = [FOLDER] + [path for path in env.get("PYTHONPATH", "").split(os.pathsep) if path and path != FOLDER]
    return {**env, MODE_VARIABLE: mode, "PYTHONPATH": os.pathsep.join(paths)}


def _called_from_ours(depth=2):
    """Whether the nearest caller outside this module and importlib is the grader's own code."""
    frame = sys._getframe(depth)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != __name__ and not name.startswith(("importlib", "_frozen_importlib")):
            return name.split(".")[0] in OURS
        frame = frame.f_back
    return False


class _NoWindowsModules:
    """A meta path finder: the grader's code cannot import what Windows does not have."""

    def find_spec(self, name, path=None, target=None):
        if name in MISSING_MODULES and _called_from_ours():
            raise ModuleNotFoundError(f"No module named {name!r} (emulated Windows)", name=name)
        return None


def _windows():
    original_init = subprocess.Popen.__init__

    def popen_init(self, *args, **kwargs):
        if kwargs.get("pass_fds"):
            raise AssertionError("pass_fds not supported on Windows.")
        if kwargs.get("preexec_fn") is not None:
            raise ValueError("preexec_fn is not supported on Windows platforms")
        original_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = popen_init
    for name in ("send_fds", "recv_fds"):
        if hasattr(socket, name):
            delattr(socket, name)
    for name in ("setitimer", "getitimer", "SIGALRM", "ITIMER_REAL", "alarm"):  # Windows has no SIGALRM timer
        if hasattr(signal, name):
            delattr(signal, name)
    for name in MISSING_MODULES:
        module = sys.modules.get(name)
        if module is not None:  # already imported by the interpreter's own start-up: hide it from our code
            sys.modules.pop(name)
    sys.meta_path.insert(0, _NoWindowsModules())

    class CDLL(ctypes.CDLL):
        def __getattr__(self, name):
            if name == "prctl":
                raise AttributeError("prctl (emulated Windows has none)")
            return super().__getattr__(name)

    ctypes.CDLL = CDLL
    sys.addaudithook(_no_proc)  # an audit hook, not a wrapper: no frame of ours between the caller and open()


def _no_proc(event, args):
    """The grader's code finds no /proc (an audit hook on open, os.listdir and os.scandir)."""
    if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if (path == "/proc" or path.startswith("/proc/")) and _called_from_ours():
            raise FileNotFoundError(2, "No such file or directory (emulated Windows)", path)
