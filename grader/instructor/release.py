"""The instructor's release: a student bundle with no solution code in it.

`make_release(OUT_DIR)` runs these steps, in order, each a small function:

1. copy the packages students need (exercises, grader, segmentation), the data notes
   and the licence; never `solutions/`, the instructor's tools (grader/instructor/),
   tests or benchmarks;
2. write `pyproject.toml` without the solutions package, and the students' README;
3. write the course notebook with the exercise stubs in its graded cells;
4. store the reference expectations as data (`grader/expectations.json`), made now
   from the solutions, so that grading in the bundle needs no solution code;
5. write the GitHub Actions workflow that grades every push;
6. search every file of the bundle for the reference functions' code; any hit fails
   the release;
7. with `gradescope=True`, write the Gradescope autograder zip (the bundle, setup.sh and
   run_autograder: see gradescope.py) and search every file in it the same way.

The bundle is assembled in a hidden folder beside OUT_DIR, and the zip under a hidden
name beside it; both are moved into place only when every step has passed, so a failed
release never leaves a bundle or a zip that looks whole.
"""
import errno
import os
import re
import shutil
from pathlib import Path

from grader.instructor import gradescope as gradescope_zip
from grader.instructor.solution_leaks import find_solution_code, solution_statements
from grader.notebook.builder import NOTEBOOK_NAME, build_notebook, write_notebook
from grader.notebook.module_text import module_file

PACKAGES = ["exercises", "grader", "segmentation"]
ROOT_FILES = ["LICENSE"]
DATA_NOTES = "data/README.md"
SKIPPED_NAMES = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
RELEASE_FILES = Path(__file__).resolve().parent / "release_files"
INSTRUCTOR_TOOLS = Path(__file__).resolve().parent  # grader/instructor/: not for students
WORKFLOW_PATH = ".github/workflows/grade.yml"
EXPECTATIONS_PATH = "grader/expectations.json"


class ReleaseError(Exception):
    """The release could not be made; the message says which step failed and what to do."""


def checkout_root():
    """The folder holding the course package (the parent of `grader/`)."""
    return INSTRUCTOR_TOOLS.parent.parent


def _ignore(folder, names):
    """shutil.copytree's filter: caches, compiled files, half-written files and the instructor's tools stay behind."""
    return {name for name in names
            if name in SKIPPED_NAMES or Path(name).suffix in SKIPPED_SUFFIXES
            or ".partial" in name
            or (name == INSTRUCTOR_TOOLS.name and Path(folder).name == INSTRUCTOR_TOOLS.parent.name)}


def copy_packages(root, out):
    """Copy the student-facing packages and the root files into `out`."""
    for package in PACKAGES:
        shutil.copytree(root / package, out / package, ignore=_ignore)
    for name in ROOT_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, out / name)
    if (root / DATA_NOTES).is_file():
        (out / DATA_NOTES).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / DATA_NOTES, out / DATA_NOTES)


def student_pyproject(text):
    """The checkout's pyproject.toml text made fit for the bundle: no solutions package.

    The stored expectations are declared as package data, so a non-editable install
    carries them too.
    """
    text, found = re.subn(r'"solutions\*",\s*', "", text)
    if not found:
        raise ReleaseError("pyproject.toml does not list \"solutions*\" in "
                           "[tool.setuptools.packages.find] include, so the release cannot "
                           "leave the solutions package out of it. Restore that list.")
    if "[tool.setuptools.package-data]" not in text:
        text = text.rstrip("\n") + (
            '\n\n[tool.setuptools.package-data]\n'
            'grader = ["expectations.json"]\n')
    return text


def write_pyproject_and_readme(root, out):
    """Write the bundle's pyproject.toml and the students' README.md."""
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    (out / "pyproject.toml").write_text(student_pyproject(pyproject), encoding="utf-8")
    shutil.copy2(RELEASE_FILES / "README.md", out / "README.md")


def write_student_notebook(out):
    """Write the course notebook, graded cells holding the stubs, to `out`."""
    write_notebook(build_notebook(solutions=False), out / NOTEBOOK_NAME)


def write_workflow(out):
    """Write the GitHub Actions workflow that grades every push."""
    target = out / WORKFLOW_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(RELEASE_FILES / "grade.yml", target)


def check_no_solution_code(out):
    """Raise ReleaseError naming every file of `out` that holds reference solution code."""
    _refuse_leaks(find_solution_code(out, solution_statements()), "The bundle",
                  "the files named (they are copied from the checkout)")


def check_no_solution_code_in_zip(archive, shown_name):
    """Raise ReleaseError naming every file of the zip `archive` that holds reference solution code."""
    _refuse_leaks(gradescope_zip.find_solution_code_in_zip(archive, solution_statements()),
                  f"The autograder zip {shown_name}", "the files named")


def _refuse_leaks(leaks, what, where):
    """Raise ReleaseError when `leaks` ([(path, statement)]) is not empty: `what` would contain them."""
    if leaks:
        listed = "; ".join(f"{path}: {statement}" for path, statement in leaks[:10])
        raise ReleaseError(f"{what} would contain solution code ({len(leaks)} finding(s): {listed}). "
                           f"Remove that code from {where} and release again; nothing was written.")


def _refuse_existing(out, archive):
    """Raise ReleaseError when the release would mix with, or replace, files already there."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; the release would mix "
                           f"with what is there. Choose a new folder, or delete that one first.")
    if archive is not None and archive.exists():
        raise ReleaseError(f"{archive} exists already; the release would replace it. Delete it, "
                           f"or choose another OUT_DIR (the zip is named after it).")


def _temporary_folder(out):
    """A fresh hidden folder beside `out` to assemble the bundle in."""
    temporary = out.parent / f".{out.name}.partial"
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir(parents=True)
    return temporary


def _write_failure(error, out):
    """The message for an OSError met while the release was assembled beside `out`.

    shutil.copytree gathers its failures into one shutil.Error of (source, target, text)
    triples, without an errno: the first failure's "[Errno N]" stands for them.
    """
    number, filename = error.errno, getattr(error, "filename", None)
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        _, filename, text = error.args[0][0]
        found = re.search(r"\[Errno (\d+)\]", str(text))
        number = int(found.group(1)) if found else None
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        cause = "the disk is full"
    elif number == errno.EROFS:
        cause = "the file system is read-only"
    elif number in (errno.EACCES, errno.EPERM):
        cause = "permission denied"
    else:
        cause = (error.strerror or str(error)).lower()
    return (f"Cannot write the release into {out.parent}: {cause} ({filename or out}). "
            f"Nothing was left there: neither {out.name} nor its partial copy. Free some space (or choose a "
            f"folder you can write to), then run the release again.")


def make_release(out_dir, write_expectations, log=print, gradescope=False):
    """Write the student bundle to `out_dir`, which must not exist or be empty.

    Arguments:
        out_dir: where the bundle goes.
        write_expectations: function(bundle_folder) storing the reference expectations
            (at EXPECTATIONS_PATH) from the solutions.
        log: called with one line per step done.
        gradescope: also write the Gradescope autograder zip, `<out_dir>-autograder.zip`
            beside the bundle (which must not exist).

    Returns:
        The bundle's path (the zip's is gradescope.zip_path of it).

    Raises:
        ReleaseError: `out_dir` holds files already, the zip exists already, the
            solutions are missing, or a step failed; neither the bundle nor the zip is
            left then.
    """
    out = Path(out_dir).resolve()
    archive = gradescope_zip.zip_path(out) if gradescope else None
    _refuse_existing(out, archive)
    module_file("solutions.unet")  # MissingModuleError (said plainly) when run inside a bundle
    root = checkout_root()
    try:
        temporary = _temporary_folder(out)
    except OSError as error:
        raise ReleaseError(_write_failure(error, out)) from error
    temporary_archive = archive.with_name(f".{archive.name}.partial") if archive else None
    try:
        steps = [
            ("copied exercises/, grader/, segmentation/, data notes and licence",
             lambda: copy_packages(root, temporary)),
            ("wrote pyproject.toml (no solutions package) and the students' README.md",
             lambda: write_pyproject_and_readme(root, temporary)),
            (f"wrote {NOTEBOOK_NAME} with the exercise stubs in its graded cells",
             lambda: write_student_notebook(temporary)),
            (f"stored the reference expectations in {EXPECTATIONS_PATH}",
             lambda: write_expectations(temporary)),
            (f"wrote the classroom workflow {WORKFLOW_PATH}", lambda: write_workflow(temporary)),
            ("searched every file for the reference functions' code: none found",
             lambda: check_no_solution_code(temporary)),
        ]
        if archive:
            steps += [
                (f"wrote the Gradescope autograder {archive.name} (the bundle, setup.sh, run_autograder)",
                 lambda: gradescope_zip.write_autograder_zip(temporary, temporary_archive)),
                (f"searched every file in {archive.name} for the reference functions' code: none found",
                 lambda: check_no_solution_code_in_zip(temporary_archive, archive.name)),
            ]
        for done, step in steps:
            try:
                step()
            except OSError as error:  # a full disk or a read-only folder: say which, leave nothing
                raise ReleaseError(_write_failure(error, out)) from error
            log(f"  {done}")
        if out.exists():
            out.rmdir()
        os.replace(temporary, out)
        if archive:
            try:
                os.replace(temporary_archive, archive)
            except OSError:
                shutil.rmtree(out, ignore_errors=True)  # no bundle without its zip
                raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
        if temporary_archive and temporary_archive.exists():
            temporary_archive.unlink()
    return out
