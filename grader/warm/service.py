"""The notebook's grading service: a warm Grader kept for the lifetime of the kernel.

The first `check()` of a kernel starts `python -m grader.warm.service` with pipes to it;
later checks send it one request each and get the report back, so only the first pays
TensorFlow's start-up. The service is a parent like the command line's: it never runs
student code (its warm server's jobs do, isolated as always) and never imports TensorFlow.
It ends when its stdin closes, which happens when the kernel ends, however it ends.

    request  {"source": NOTEBOOK, "exercise": NAME or "all", "seed": N, "timeout": S, "picture": BOOL}
    reply    {"stdout": the text report, "stderr": problems, "seconds": S,
              "picture": the picture's PNG in base64 (grader/reports/picture.py) or null}

Matplotlib is imported by the first request that asks for a picture and stays warm after it.
"""
import base64
import atexit
import json
import os
import subprocess
import sys
import threading
import time

from grader.console import CHILD_ENCODING

DEFAULT_TIMEOUT_S = 120
MEMORY_MB = 4096


class CheckService:
    """The kernel's end of the service (see the module docstring)."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "grader.warm.service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding="utf-8",
                                        errors="replace", start_new_session=True,
                                        env={**os.environ, **CHILD_ENCODING})
        self._lock = threading.Lock()
        atexit.register(self.close)

    def alive(self):
        """Whether the service is still running."""
        return self.process.poll() is None

    def grade(self, source, exercise, seed, timeout, picture=False):
        """The service's reply to one request (a dict); None when the service is gone."""
        request = {"source": str(source), "exercise": exercise, "seed": seed, "timeout": timeout,
                   "picture": picture}
        with self._lock:
            try:
                self.process.stdin.write(json.dumps(request) + "\n")
                self.process.stdin.flush()
                line = self.process.stdout.readline()
            except (OSError, ValueError):
                return None
        return json.loads(line) if line else None

    def close(self):
        """End the service (and its warm server)."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()


def serve(requests, replies, table=None):
    """Answer requests (JSON lines from `requests`) on `replies` until the end of `requests`."""
    from grader.console import failure_line, usage_line
    from grader.exercises import COURSE
    from grader.grading import processes, sources
    from grader.grading.session import Grader, Limits
    from grader.grading.supervisor import GraderFailure
    from grader.reports import text

    table = table or COURSE
    processes.become_subreaper()
    grader = None
    try:
        for line in requests:
            request = json.loads(line)
            started = time.monotonic()
            stdout, stderr, drawn = "", "", None
            try:
                if grader is None:
                    grader = Grader(DEFAULT_TIMEOUT_S, MEMORY_MB, table, keep_spares=1)
                names = table.names if request["exercise"] == "all" else [request["exercise"]]
                source = sources.resolve_file(request["source"], table)
                limits = Limits(request.get("timeout") or DEFAULT_TIMEOUT_S, MEMORY_MB)
                report = grader.grade(source, names, request["seed"], limits=limits)
                stdout = text.render(report)
                if request.get("picture"):
                    drawn = _picture(report)
            except sources.SourceError as error:
                stderr = usage_line(error)
            except GraderFailure as failure:
                stderr = failure_line(str(failure))
                if grader is not None:
                    grader.close()
                grader = None
            replies.write(json.dumps({"stdout": stdout, "stderr": stderr, "picture": drawn,
                                      "seconds": round(time.monotonic() - started, 3)}) + "\n")
            replies.flush()
    finally:
        if grader is not None:
            grader.close()
        processes.end_descendants()


def _picture(report):
    """The report's picture as base64 PNG, or None when there is nothing to draw."""
    from grader.reports import picture

    data = picture.png(report)
    return None if data is None else base64.b64encode(data).decode("ascii")


if __name__ == "__main__":
    replies, sys.stdout = sys.stdout, sys.stderr  # nothing printed may reach the reply pipe
    serve(sys.stdin, replies)
