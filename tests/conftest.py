"""Shared test set-up: paths to the repository and to the shared real frames, the `slow` marker.

TensorFlow is not imported here: the tests of pure modules (reports, configurations,
notebook reading, ...) never pay for it; the test modules that need it import it
themselves, quietly (segmentation.quiet_tf).
"""
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO_ROOT = Path(__file__).resolve().parent.parent

# The portable modes (`make test` runs the tests marked `portable` in each): UNET_GRADER_EMULATE=windows
# or nofork takes away here, and in every process the tests start, what that platform lacks.
EMULATED = os.environ.get("UNET_GRADER_EMULATE")
if EMULATED:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "platform_modes"))
    import emulate

    emulate.install(EMULATED)
    os.environ.update(emulate.child_environment(EMULATED, os.environ))
SHARED_LYFT = REPO_ROOT.parent / "shared" / "lyft"


@pytest.fixture
def repo_root():
    """The checkout's root folder."""
    return REPO_ROOT


@pytest.fixture
def lyft_dir():
    """The 10 real Lyft-layout frames beside the checkout; the test is skipped without them."""
    if not (SHARED_LYFT / "CameraRGB").is_dir():
        pytest.skip(f"real frames not found at {SHARED_LYFT}")
    return SHARED_LYFT


@pytest.fixture(scope="session")
def warm_grader():
    """One warm Grader for every test that grades (see grading_helpers.grade_in): TensorFlow starts once per
    test process, and the reference is described once per exercise and seed."""
    from grading_helpers import open_warm_grader

    with open_warm_grader() as grader:
        yield grader


def pytest_collection_modifyitems(config, items):
    """The file of a test marked `starts_first` (the demo, the longest test), then the other files that hold a
    slow test, then the rest, each group in its order: side by side (`make test` hands pytest-xdist whole files
    in this order, --no-loadscope-reorder) the longest files start at once instead of ending the run late,
    while the many short ones fill the gaps."""
    first = {item.path for item in items if item.get_closest_marker("starts_first")}
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path not in first, item.path not in slow))


# In the command line of every process a test's student code starts: the run's (the suite and the portable modes
# run at the same time) and the test process's own (pytest-xdist workers run side by side), so that each looks for its own.
STRAY_RUN = "unet-grader-test-stray-" + os.environ.setdefault("UNET_GRADER_TEST_RUN", str(os.getpid())) + "-"
STRAY_MARKER = STRAY_RUN + os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_sessionfinish(session, exitstatus):
    """After the whole suite, no process started by a test's student code may still be alive (asked once, by
    the run that started the others when the tests run side by side: a worker that is done early would see
    the strays another worker's test has not ended yet)."""
    import time

    if hasattr(session.config, "workerinput") or session.config.option.collectonly:  # a pytest-xdist worker, or
        return  # a run that collects only (as a test does): it started nothing, and others may still be running

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        strays = _strays(every_worker=True)
        if not strays:
            return
        time.sleep(0.2)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    print(f"\nProcesses started by student code in the tests are still running: {strays}")


def _strays(every_worker=False):
    """The pids of running processes whose command line holds this test process's STRAY_MARKER (with
    `every_worker`, that of any test process of this run); zombies are ended already."""
    import psutil

    def ours(argument):
        return argument.startswith(STRAY_RUN) if every_worker else argument == STRAY_MARKER

    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        if (any(ours(argument) for argument in process.info["cmdline"] or []) and process.pid != os.getpid()
                and process.info["status"] != psutil.STATUS_ZOMBIE):
            found.append(process.pid)
    return found
