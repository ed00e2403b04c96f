"""One class run at a time per output folder: OUT/.class-run.lock names the process that holds it.

Two runs writing into one folder would mix their students' files and gradebooks, so a
run takes the lock before it grades anyone and the second one refuses at once, naming
the first (its process id, host and start time). The lock is a file created with
`os.open(O_CREAT | O_EXCL)`, which is atomic on every platform and file system we write
to (no fcntl or msvcrt locking, which network folders and Windows handle differently),
holding {"pid", "host", "started"}. A lock whose process is gone (a run killed with
SIGKILL, a machine that crashed) is stale: the next run removes it and says so.
Whether a process is alive is asked of the system: `os.kill(pid, 0)` on POSIX,
OpenProcess/GetExitCodeProcess on Windows (where os.kill would end the process).
"""
import contextlib
import datetime
import json
import os
import socket
import sys
import time
from pathlib import Path

from segmentation.errors import UsageError

LOCK_NAME = ".class-run.lock"
STILL_BEING_WRITTEN_S = 2.0  # an empty lock this young belongs to a run that is writing it now


class OutputFolderBusy(UsageError):
    """Another class run is writing into the same output folder; the message names it."""


def process_alive(pid):
    """Whether a process with id `pid` exists on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True


def _windows_process_alive(pid):
    import ctypes

    still_active, query_limited_information = 259, 0x1000
    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


@contextlib.contextmanager
def output_lock(out_dir, log=print):
    """Hold the lock of `out_dir` inside the block; remove it after.

    Raises:
        OutputFolderBusy: a live process holds it (the message says which and what to do).
        OSError: the lock cannot be created (the caller checked the folder is writable first).
    """
    path = Path(out_dir) / LOCK_NAME
    _take(path, log)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            if _read(path).get("pid") == os.getpid():
                path.unlink()


def _take(path, log):
    """Create the lock file for this process; clear a stale one first (once)."""
    for attempt in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder is not None:
                raise OutputFolderBusy(_busy_message(path, holder)) from None
            if attempt == 0:
                log(f"Note: {path} was left by a class run that is no longer running; it is removed.")
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                       "started": datetime.datetime.now().isoformat(timespec="seconds")}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        return
    raise OutputFolderBusy(f"Could not take the lock {path}: another class run keeps taking it. Make sure "
                           f"only one class run writes into {path.parent}, then run the command again.")


def _holder(path):
    """The lock's record when a live process (or one we cannot see, on another host) holds it; None if stale."""
    deadline = time.monotonic() + STILL_BEING_WRITTEN_S
    while True:
        record = _read(path)
        if record or not path.exists():
            break
        try:
            young = time.time() - path.stat().st_mtime < STILL_BEING_WRITTEN_S
        except OSError:
            return None
        if not young or time.monotonic() > deadline:
            return None  # empty and old: its writer was killed between creating and writing it
        time.sleep(0.05)
    if not record:
        return None
    if record.get("host") not in (None, socket.gethostname()):
        return record  # another machine's process: we cannot tell, so we do not take it
    pid = record.get("pid")
    return record if isinstance(pid, int) and process_alive(pid) else None


def _read(path):
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _busy_message(path, holder):
    where = f" on {holder['host']}" if holder.get("host") and holder["host"] != socket.gethostname() else ""
    since = f", started {holder['started']}" if holder.get("started") else ""
    other_host = (f" If that run is gone (the machine {holder['host']} was switched off), delete {path}."
                  if where else "")
    return (f"Another class run is writing into {path.parent}: process {holder.get('pid')}{where}{since} holds "
            f"{path.name}. Wait for it to finish (then use --resume to add to it), stop it, or choose another "
            f"--out folder.{other_host}")
