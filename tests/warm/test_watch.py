"""`python -m grader watch` driven as a student uses it: start it, save a wrong version, a broken one,
a right one, read each report, Ctrl-C, and nothing is left running."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from grader.grading.processes import descendants
from grading_helpers import CORPUS, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.portable]

RIGHT = (REPO_ROOT / "solutions" / "unet.py").read_text()
WRONG = (CORPUS / "wrong_conv_block_valid_padding.py").read_text()


class Watching:
    """A running `watch` whose reports can be read one at a time."""

    def __init__(self, source):
        self.process = subprocess.Popen([sys.executable, "-m", "grader", "watch", "exercise1", "--source",
                                         str(source), "--seed", "3"], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_report(self, limit_s=180):
        """The text of the next report, up to its 'Graded in' line."""
        deadline = time.monotonic() + limit_s
        text = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            assert line is not None, "".join(text)
            text.append(line)
            if line.startswith("Graded in"):
                return "".join(text)
        raise AssertionError("no report within the limit:\n" + "".join(text))


def _save(path, text):
    time.sleep(1.1)  # a new modification time, as an editor's save gives
    path.write_text(text)


def test_watch_grades_every_save_and_stops_cleanly_on_ctrl_c(tmp_path):
    source = tmp_path / "my_unet.py"
    source.write_text(RIGHT)
    watching = Watching(source)
    first = watching.next_report()
    assert "Score: 12/12 (100%)" in first and "Watching" in first
    helpers = descendants(watching.process.pid)
    assert helpers  # the warm server, kept between saves

    _save(source, WRONG)
    wrong = watching.next_report()
    assert "padding 'valid', expected 'same'" in " ".join(wrong.split()) and "Score: 0/12" in wrong

    _save(source, "def conv_block(inputs=None:\n")
    broken = watching.next_report()
    assert "Syntax error in" in broken

    _save(source, RIGHT)
    again = watching.next_report()
    assert "Score: 12/12 (100%)" in again
    seconds = float(again.split("Graded in ")[1].split(" s")[0])
    assert seconds < 30

    watching.process.send_signal(signal.SIGINT)
    assert watching.process.wait(timeout=60) == 0
    assert "Stopped watching." in "".join(iter(watching.lines.get, None))
    time.sleep(0.5)
    assert [pid for pid in helpers if psutil.pid_exists(pid)] == []
