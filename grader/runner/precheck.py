"""Before training the student's U-Net, make sure the grader finds its structure right.

Training a wrongly wired U-Net for 40 epochs teaches nothing, so `train` first runs
`python -m grader all --format json` (in a child process, as a student would) and
stops if any structure check fails, pointing to `python -m grader all` for the
details. The coupling is only that command line and its JSON report:
{"score", "max_score", "exercises": [{"function", "checks": [{"name", "status": "passed"|"failed"|"error", "message"}]}]}.
"""
import json
import os
import subprocess
import sys

from grader.console import CHILD_ENCODING
from segmentation.errors import InputError

GRADER_SEED = 0  # fixed, so the check gives the same answer every time
MAX_FINDINGS_SHOWN = 3


class StudentCodeError(InputError):
    """The student's functions fail the grader's structure checks; the message says which."""


def grade_report(source=None):
    """Run `python -m grader all --format json` on the student's code; return (exit code, report or None)."""
    from grader.grading import stored

    # a student bundle only knows the seeds whose expectations it stores
    seed = stored.pool()[0] if stored.available() else GRADER_SEED
    command = [sys.executable, "-m", "grader", "all", "--format", "json", "--seed", str(seed)]
    if source is not None:
        command += ["--source", str(source)]
    completed = subprocess.run(command, capture_output=True, encoding="utf-8", errors="replace",
                               env={**os.environ, **CHILD_ENCODING})
    try:
        return completed.returncode, json.loads(completed.stdout)
    except ValueError:
        return completed.returncode, None


def structure_failures(report):
    """[(function, check name, message)] of every structure check that did not pass."""
    return [(exercise.get("function", exercise.get("name")), check["name"], check.get("message", ""))
            for exercise in report.get("exercises", [])
            for check in exercise.get("checks", [])
            if check["name"].startswith("structure") and check.get("status") != "passed"]


def check_student_code(source=None, log=print, grade=None):
    """Raise StudentCodeError if the student's code fails a structure check; log what else is off.

    Arguments:
        source: the --source file, or None for the exercises/ package.
        log: where notes go.
        grade: the grading function, `grade_report` unless given.
    """
    grade = grade or grade_report
    where = source or "exercises/unet.py"
    log(f"Checking {where} with the grader first (python -m grader all) ...")
    exit_code, report = grade(source)
    if report is None:
        log(f"Note: the grader could not check {where} (exit code {exit_code}); training anyway. "
            f"Run `python -m grader all` to see why.")
        return
    failures = structure_failures(report)
    if failures:
        distinct = list(dict.fromkeys((function, message) for function, _, message in failures))
        shown = "\n".join(f"  - {function}: {message}" for function, message in distinct[:MAX_FINDINGS_SHOWN])
        if len(distinct) > MAX_FINDINGS_SHOWN:
            shown += f"\n  ... and {len(distinct) - MAX_FINDINGS_SHOWN} more"
        raise StudentCodeError(
            f"Your U-Net is not ready to train: {len(failures)} of the grader's structure checks "
            f"fail for {where}:\n{shown}\nRun `python -m grader all` for the full report, fix "
            f"the functions, then train again (or train the reference with --model solutions).")
    if report.get("score") != report.get("max_score"):
        log(f"Note: your U-Net passes the structure checks but scores {report.get('score')}/"
            f"{report.get('max_score')} in `python -m grader all`; training it anyway.")
    else:
        log(f"The grader passes all {report.get('max_score')} points of {where}.")
