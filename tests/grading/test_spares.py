"""The grading transport without fork (spares.py, processes.py, winjob.py): spare job processes that
talk over their standard streams, and ending a job's whole tree, detached processes included."""
import ctypes
import os
import subprocess
import sys
import time

import psutil
import pytest

from conftest import STRAY_MARKER, _strays
from grader.grading import winjob
from grader.grading.processes import MARKER_VARIABLE, end_tree
from grader.grading.spares import SparePool, start_spare

pytestmark = pytest.mark.portable

STRAY = [sys.executable, "-c", "import time; time.sleep(600)", STRAY_MARKER]
DETACH = f"import subprocess; subprocess.Popen({STRAY!r}, start_new_session=True)"


def test_ending_a_tree_ends_a_detached_grandchild_by_its_marker():
    """A child that started a grandchild in a session of its own and exited: the grandchild is no longer
    in the tree (its parent is gone), but it inherited the job's marker, and that ends it."""
    started = time.time()
    env = dict(os.environ, **{MARKER_VARIABLE: "test-marker-1"})
    leader = subprocess.Popen([sys.executable, "-c", f"import subprocess, sys, time; "
                               f"subprocess.run([sys.executable, '-c', {DETACH!r}]); time.sleep(600)"],
                              env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while not _ours("test-marker-1") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ours("test-marker-1"), "the detached grandchild did not start"
    assert end_tree(leader.pid, "test-marker-1", started) >= 1  # the leader may go with its group, uncounted
    assert leader.wait(timeout=10) < 0
    assert _ours("test-marker-1") == []


def _ours(marker):
    """The strays (conftest.STRAY_MARKER) of this test: those whose environment holds `marker`."""
    found = []
    for pid in _strays():
        try:
            if psutil.Process(pid).environ().get(MARKER_VARIABLE) == marker:
                found.append(pid)
        except psutil.Error:
            continue
    return found


def test_a_spare_whose_parent_goes_away_exits_by_itself():
    spare = start_spare([sys.executable, "-c", "import os, sys; sys.exit(0 if os.read(0, 1) == b'' else 3)"],
                        dict(os.environ))
    os.close(spare.command_fd)  # what the parent's death does to the spare's stdin
    assert spare.process.wait(timeout=30) == 0
    spare.discard()


def test_a_closed_pool_leaves_no_spare_running():
    pool = SparePool([sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ), size=2)
    pool.reserve(3)
    pids = [spare.pid for spare in pool._waiting]
    assert len(pids) == 3 and all(psutil.pid_exists(pid) for pid in pids)
    taken = pool.take()
    taken.discard()
    pool.refill()
    assert len(pool._waiting) == 2  # a job done: the pool is topped up to its size
    pool.close()
    time.sleep(0.2)
    assert [pid for pid in pids + [spare.pid for spare in pool._waiting]
            if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE] == []
    with pytest.raises(RuntimeError):
        pool.take()


def test_a_spare_that_died_waiting_is_never_handed_out():
    pool = SparePool([sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ), size=1)
    first = pool._waiting[0]
    first.process.kill()
    first.process.wait()
    taken = pool.take()
    assert taken is not first and taken.process.poll() is None
    taken.discard()
    pool.close()


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_void_p) != 8, reason="the layout checked is 64-bit Windows'")
def test_the_job_object_limits_have_windows_layout():
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on 64-bit Windows; a wrong field shifts the memory limit."""
    assert ctypes.sizeof(winjob.ExtendedLimits) == 144
    assert winjob.ExtendedLimits.ProcessMemoryLimit.offset == 112
    assert winjob.available() == (os.name == "nt")


def test_a_spare_that_cannot_start_the_grader_says_why(monkeypatch):
    from grader.grading.session import REPO_ROOT
    from grader.grading.supervisor import GraderFailure, Job, OutputCapture, WarmServer

    monkeypatch.setenv("UNET_GRADER_COLD", "1")
    with WarmServer(REPO_ROOT, "no_such_module:TABLE") as server:
        assert not server.warm
        with pytest.raises(GraderFailure, match="did not start.*ModuleNotFoundError.*no_such_module"):
            Job(server, 4096, OutputCapture(), trusted=True)
