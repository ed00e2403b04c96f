"""The Gradescope autograder: `python -m grader release OUT_DIR --gradescope` writes OUT_DIR-autograder.zip.

Gradescope's autograder specification (gradescope-autograders.readthedocs.io/en/latest/specs/)
asks for a zip with `setup.sh` and an executable `run_autograder` at its root; Gradescope
unzips it into /autograder/source, runs setup.sh once while building the image, copies
run_autograder to /autograder/run_autograder and runs it for every submission, whose files
it puts in /autograder/submission; the run must leave /autograder/results/results.json.

The zip holds, at its root:

    setup.sh, run_autograder    from release_files/gradescope/ (read them for what they do)
    the student bundle          exactly as the release made it: exercises/, grader/ (with the
                                stored expectations), segmentation/, pyproject.toml, unet.ipynb, ...

so it has no solution code either, and the release searches its contents again after
writing it. It is written beside the bundle, never inside it (students must not get it).
"""
import stat
import tempfile
import zipfile
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "release_files" / "gradescope"
SETUP = "setup.sh"
RUN = "run_autograder"
EXECUTABLE = 0o755
READABLE = 0o644


def zip_path(out):
    """Where the autograder zip of the bundle at `out` goes: `<out>-autograder.zip`, beside it."""
    out = Path(out)
    return out.with_name(f"{out.name}-autograder.zip")


def _entry(name, mode):
    """A zip entry named `name` for a regular file with permissions `mode` (kept by `unzip`)."""
    entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    entry.external_attr = (stat.S_IFREG | mode) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def write_autograder_zip(bundle, target):
    """Write the autograder zip of the finished bundle folder `bundle` to `target`.

    The entries are sorted and dated alike, so the same bundle gives the same zip.
    """
    bundle = Path(bundle)
    with zipfile.ZipFile(target, "w") as archive:
        for script in (SETUP, RUN):
            archive.writestr(_entry(script, EXECUTABLE), (SCRIPTS / script).read_bytes())
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                name = path.relative_to(bundle).as_posix()
                mode = EXECUTABLE if path.stat().st_mode & stat.S_IXUSR else READABLE
                archive.writestr(_entry(name, mode), path.read_bytes())


def find_solution_code_in_zip(archive_path, statements):
    """[(name in the zip, statement), ...] for reference code found in the zip's files (see solution_leaks)."""
    from grader.instructor.solution_leaks import find_solution_code

    with tempfile.TemporaryDirectory(prefix="unet-autograder-check-") as folder:
        with zipfile.ZipFile(archive_path) as archive:
            archive.extractall(folder)
        return find_solution_code(folder, statements)
