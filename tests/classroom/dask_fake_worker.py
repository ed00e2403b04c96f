"""A Dask worker preload (`preload=[this file]`): the worker grades with instant, hand-made Reports.

A submission whose text holds "kill-worker N" kills the worker process grading it (SIGKILL)
on its first N attempts, counted in files under $FAKE_ATTEMPTS_DIR, so a test can kill a
worker in the middle of a student's grading and see the student retried elsewhere.
"""
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import class_fakes  # noqa: E402
from grader.classroom import cluster  # noqa: E402
from grader.classroom.workplace import Graded  # noqa: E402


def fake_grade(grader, folder, display, content, names, seed):
    attempts = Path(os.environ["FAKE_ATTEMPTS_DIR"])
    text = content.decode()
    time.sleep(float(os.environ.get("FAKE_EACH_S", "0")))
    if "kill-worker" in text:
        allowed = int(text.split("kill-worker")[1].split()[0])
        (attempts / f"{display}.{os.getpid()}.{time.monotonic_ns()}").write_text("")
        if len(list(attempts.glob(f"{display}.*"))) <= allowed:
            os.kill(os.getpid(), signal.SIGKILL)
    report = class_fakes.padding_report(source=display) if "padding" in text else class_fakes.report(source=display)
    return Graded(report, 1.0)


cluster.grade_in_folder = fake_grade
cluster._worker_grader = lambda *settings: (None, Path(tempfile.gettempdir()))
