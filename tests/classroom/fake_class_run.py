"""`python -m grader class ...` with instant, hand-made gradings, to be killed at a chosen point.

    python fake_class_run.py [--kill-at NAME:N:WHEN] [--each-s S] -- CLASS-ARGUMENTS...

Every student is "graded" in no time with a Report from class_fakes (the padding
mistake when their file mentions "padding", all passed otherwise); the rest of the
class run (the store, the feedback, the gradebook, the summary, the lock) is the real
one. `--kill-at gradebook.csv:1:after` sends SIGKILL to this process right after the
first `os.replace` into a file named gradebook.csv, `before` right before it: the
moments a power cut could fall on. `--each-s` makes each grading take that long.
"""
import argparse
import os
import re
import signal
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import class_fakes  # noqa: E402
from grader.classroom import output, run  # noqa: E402
from grader.classroom.workplace import Graded  # noqa: E402


def fake_grade(grader, folder, display, content, names, seed):
    """A Graded as the real grader would give it, at once (or after --each-s)."""
    time.sleep(EACH_S)
    graded = (class_fakes.padding_report(source=display) if b"padding" in content
              else class_fakes.report(source=display))
    return Graded(graded, 1.0)


class FakeSlots:
    """What run._Slots offers, without starting a grading server."""

    def __init__(self, settings, table, boxed, seed):
        self.slot = types.SimpleNamespace(grader=None, folder=None)

    def take(self):
        return self.slot

    def give_back(self, slot):
        pass

    def close(self):
        pass


def kill_at(rule):
    """Make output.os.replace SIGKILL this process at the N-th replace into NAME (before or after it)."""
    name, count, when = rule.rsplit(":", 2)
    count = int(count)
    seen = []
    real_replace = os.replace

    def replace(source, target):
        if re.fullmatch(name, Path(target).name):
            seen.append(target)
            if len(seen) == count and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, target)
        if len(seen) == count and when == "after" and re.fullmatch(name, Path(target).name):
            os.kill(os.getpid(), signal.SIGKILL)

    output.os = types.SimpleNamespace(**{**vars(os), "replace": replace})


parser = argparse.ArgumentParser()
parser.add_argument("--kill-at")
parser.add_argument("--each-s", type=float, default=0.0)
parser.add_argument("rest", nargs=argparse.REMAINDER)
options = parser.parse_args()
EACH_S = options.each_s
run.grade_in_folder = fake_grade
run._Slots = FakeSlots
if options.kill_at:
    kill_at(options.kill_at)
print(f"pid {os.getpid()}", flush=True)

from grader.cli import main  # noqa: E402

sys.exit(main([argument for argument in options.rest if argument != "--"]))
