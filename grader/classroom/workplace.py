"""Grading one student in a folder of their own: the same for a local class run and a Dask worker.

The submission is copied (or written, from the bytes a cluster task carries) into a fresh
folder under the grader's working folder, at its path as named in SUBMISSIONS, and
graded with the folder as the jobs' working folder; the folder is removed afterwards. So
the student's code sees only its own submission around it, and every place in the
feedback is named as the student knows it ("alice/unet.ipynb, cell 7, line 3").
"""
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from grader.grading.sources import SourceError, resolve_file
from grader.grading.supervisor import GraderFailure


@dataclass(frozen=True)
class Graded:
    """One student's grading: the Report and its seconds, or (no Report) why there is none."""

    report: object = None
    seconds: float = None
    reason: str = None


def grade_in_folder(grader, folder, display, content, names, seed):
    """Grade the submission `display` with bytes `content` in a new folder under `folder`; a Graded."""
    work = Path(tempfile.mkdtemp(dir=folder))
    try:
        copy = work / display
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(content)
        work.chmod(0o755)  # a sandboxed job runs as a user of its own
        started = time.monotonic()
        try:
            source = replace(resolve_file(copy, grader.table), display=display)
        except SourceError as error:  # a notebook that is not one: the student's problem, not the grader's
            return Graded(reason=str(error).replace(str(copy), display))
        try:
            report = grader.grade(source, names, seed, cwd=str(work))
        except GraderFailure as failure:
            first = str(failure).splitlines()[0] if str(failure).strip() else "no details"
            return Graded(reason=f"the grader itself failed: {first}")
        return Graded(report, time.monotonic() - started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sandbox_for(slot, folder, table):
    """The sandbox.Sandbox of a slot whose submissions go under `folder`, or None where there is none."""
    from grader.grading import sandbox, stored
    from grader.grading.session import REPO_ROOT
    from grader.notebook.module_text import module_file

    if not sandbox.probe().usable:
        return None
    return sandbox.Sandbox(slot, REPO_ROOT, Path(folder),
                           reference_file=None if stored.available() else module_file(table.reference),
                           expectations_file=stored.FILE if stored.available() else None)
