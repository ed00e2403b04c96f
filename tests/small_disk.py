"""Small file systems made for a test: a size-limited tmpfs to fill up, remounted read-only on demand.

Mounting needs root (or CAP_SYS_ADMIN) on Linux; elsewhere the test is skipped with the reason.
Note that root ignores chmod, so a read-only folder is made by remounting the tmpfs read-only.
"""
import contextlib
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_filesystem(folder, size="2m"):
    """Mount a tmpfs of `size` at `folder` (created) inside the block; skip the test where it cannot be."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not sys.platform.startswith("linux"):
        pytest.skip("a size-limited tmpfs needs Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'mount failed'}); "
                    f"run as root to test a full disk")
    try:
        yield folder
    finally:
        for _ in range(50):
            if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)


def fill(folder, leave_bytes=0):
    """Fill the file system of `folder` with the file FOLDER/filler until `leave_bytes` are free; its path."""
    filler = Path(folder) / "filler"
    with open(filler, "ab") as handle:
        while True:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            if free <= leave_bytes:
                break
            try:
                handle.write(b"\0" * max(min(free - leave_bytes, 1 << 20), 1))
                handle.flush()
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return filler


def remount(folder, mode):
    """Remount the tmpfs at `folder` "ro" or "rw" (a file open for writing can delay "ro": retried)."""
    for _ in range(100):
        if subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], capture_output=True).returncode == 0:
            return
        time.sleep(0.02)
    raise AssertionError(f"could not remount {folder} {mode}")
