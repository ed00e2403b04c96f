"""Process controls the grader uses to leave nothing of a student's running, on every platform.

- `become_subreaper()`: orphans among our descendants (a process the student's code
  double-forked, or started with os.setsid()) are re-parented to us instead of to init,
  so we can still end them (Linux: prctl PR_SET_CHILD_SUBREAPER).
- `die_with_parent()`: this process gets SIGKILL when its parent dies (Linux: PR_SET_PDEATHSIG).
- `descendants()`, `end_descendants()`: every process below us, and SIGKILL for them, over
  and over until none is left (killing a parent makes its children ours, as orphans, a
  moment later). psutil reads the process table the same way on Linux, macOS and Windows.
- `end_tree(pid, marker)`: end a job process, its whole tree, its process group, and every
  process that still carries the job's marker in its environment (a detached grandchild,
  re-parented to init, escapes the tree but keeps the environment it inherited).
- `resident_mb(pid)`: a process's resident memory, for the parent's memory watch.

The prctl ones do nothing, and say so by returning False, where the platform has no prctl.
"""
import ctypes
import ctypes.util
import os
import signal
import sys
import time

import psutil

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MARKER_VARIABLE = "UNET_GRADER_JOB"  # in the environment of every job process started without fork

_libc = []


def _prctl(option, value):
    """Call prctl(2); False when it is not available or fails."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        if not _libc:
            _libc.append(ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True))
        return _libc[0].prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # a C library without prctl
        return False


def become_subreaper():
    """Adopt our orphaned descendants (see the module docstring); False where it cannot be done."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent():
    """Get SIGKILL when the parent dies; False where it cannot be done."""
    return _prctl(PR_SET_PDEATHSIG, getattr(signal, "SIGKILL", 9))


def not_dumpable():
    """Keep other processes of the same user from reading this one's memory and files (/proc/PID/...)."""
    return _prctl(PR_SET_DUMPABLE, 0)


def descendants(pid=None):
    """The pids of every process below `pid` (default: this process): children, their children, ..."""
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


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
            if _kill(pid):
                ended.add(pid)
        time.sleep(pause_s)
        reap(ended)
    return len(ended)


def end_tree(pid, marker=None, since=None, rounds=50, pause_s=0.02):
    """End process `pid`, everything below it, its process group (POSIX) and every process whose
    environment holds MARKER_VARIABLE=`marker` created after `since` (a time.time()); how many were ended.

    Repeats until a round finds none, as a process being ended may still start another.
    """
    ended = set()
    for _ in range(rounds):
        targets = set(_tree(pid)) | set(_marked(marker, since))
        targets.discard(os.getpid())
        if hasattr(os, "killpg"):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        alive = [target for target in targets if _kill(target)]
        if not alive:
            break
        ended.update(alive)
        time.sleep(pause_s)
        reap(ended - {pid})  # `pid` itself is left to its Popen, which reads how it ended
    return len(ended)


def _tree(pid):
    """`pid` and every process below it, while it lives."""
    try:
        process = psutil.Process(pid)
        return [pid] + [child.pid for child in process.children(recursive=True)]
    except psutil.Error:
        return []


def _marked(marker, since):
    """The pids of processes created after `since` whose environment holds the job's marker."""
    if not marker:
        return []
    found = []
    for process in psutil.process_iter(["create_time"]):
        try:
            if since is not None and (process.info["create_time"] or 0) < since - 1:
                continue
            if process.environ().get(MARKER_VARIABLE) == marker:
                found.append(process.pid)
        except psutil.Error:
            continue
    return found


def _kill(pid):
    """SIGKILL (Windows: TerminateProcess) `pid`; whether it was there to be ended."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # already ended, only not yet collected
            return False
        process.kill()
        return True
    except psutil.Error:
        return False


def reap(pids):
    """Collect those of `pids` that are finished children of this process (orphans adopted included)."""
    if not hasattr(os, "WNOHANG"):
        return
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def resident_mb(pid):
    """The process's resident memory in MiB (0 when it cannot be read)."""
    try:
        return psutil.Process(pid).memory_info().rss // (1024 * 1024)
    except psutil.Error:
        return 0
