"""Shared test set-up: paths to the repository and to the shared real frames, the `slow` marker.

TensorFlow is not imported here: the tests of pure modules (reports, configurations,
notebook reading, ...) never pay for it; the test modules that need it import it
themselves, quietly (segmentation.quiet_tf).
"""
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO_ROOT = Path(__file__).resolve().parent.parent
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


STRAY_MARKER = "unet-grader-test-stray"  # in the command line of every process a test's student code starts


def pytest_sessionfinish(session, exitstatus):
    """After the whole suite, no process started by a test's student code may still be alive."""
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        strays = _strays()
        if not strays:
            return
        time.sleep(0.2)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    print(f"\nProcesses started by student code in the tests are still running: {strays}")


def _strays():
    """The pids of running processes whose command line holds STRAY_MARKER."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if STRAY_MARKER.encode() in handle.read() and int(entry) != os.getpid():
                        found.append(int(entry))
            except OSError:
                continue
    return found
