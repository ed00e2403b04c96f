"""Linux process controls the grader uses to leave nothing of a student's running.

- `become_subreaper()`: orphans among our descendants (a process the student's code
  double-forked, or started with os.setsid()) are re-parented to us instead of to init,
  so we can still end them (prctl PR_SET_CHILD_SUBREAPER).
- `die_with_parent()`: this process gets SIGKILL when its parent dies (PR_SET_PDEATHSIG).
- `end_descendants()`: SIGKILL every process below us, over and over until none is left
  (killing a parent makes its children ours, as orphans, a moment later).

Each does nothing, and says so by returning False, where the platform has no prctl.
"""
import ctypes
import ctypes.util
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36

_libc = []


def _prctl(option, value):
    """Call prctl(2); False when it is not available or fails."""
    if not sys.platform.startswith("linux"):
        return False
    if not _libc:
        _libc.append(ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True))
    return _libc[0].prctl(option, value, 0, 0, 0) == 0


def become_subreaper():
    """Adopt our orphaned descendants (see the module docstring); False where it cannot be done."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent():
    """Get SIGKILL when the parent dies; False where it cannot be done."""
    return _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def not_dumpable():
    """Keep other processes of the same user from reading this one's memory and files (/proc/PID/...)."""
    return _prctl(PR_SET_DUMPABLE, 0)


def descendants(pid=None):
    """Every process below `pid` (default: this process): children, their children, ... (one read of /proc)."""
    below = {}
    for child, parent in _parents().items():
        below.setdefault(parent, []).append(child)
    pending, found = [os.getpid() if pid is None else pid], []
    while pending:
        kids = below.get(pending.pop(), [])
        found += kids
        pending += kids
    return found


def _parents():
    """{pid: parent pid} of every process /proc shows (empty where there is no /proc)."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return {}
    parents = {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                parents[int(entry)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except OSError:
            continue
    return parents


def end_descendants(spare=(), rounds=50, pause_s=0.02):
    """SIGKILL and reap every process below this one except the pids in `spare`; return how many were ended.

    Repeats until a round finds none: a process killed in one round may leave children
    that become ours (we are a subreaper) in the next.
    """
    ended = set()
    for _ in range(rounds):
        targets = [pid for pid in descendants() if pid not in spare]
        if not targets:
            break
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
                ended.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(pause_s)
        reap(ended)
    return len(ended)


def reap(pids):
    """Collect those of `pids` that are finished children of this process (orphans adopted included)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
