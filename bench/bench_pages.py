"""Are the browser reports fast and small? report.html for a class of 200, and what a picture adds.

In one run:

    class page   report.html for 200 students (the gradebook's rows of a mix of right and
                 wrong reports, with links to their pages): seconds to write it, its size.
                 Targets: under 5 s and under 3 MB.
    bare         python -c "import tensorflow"                          (three times; the median counts)
    one-shot     python -m grader exercise3 --source WRONG_UNET --seed 1, without and with
                 --picture, in turn (three times each; the medians): what asking for the
                 picture adds. Target: at most 0.25x a bare TensorFlow import.
    picture      python -c "<import matplotlib and draw that picture>" in a fresh process, less
                 a bare `python -c pass`: the same cost measured alone (less noisy).
    warm         in a process that has drawn one, drawing it again with the student's model
                 changed (what a `watch` save pays: their side is redrawn, the reference's is
                 kept). Target: at most 0.05x a bare TensorFlow import. Also: a save that
                 changed nothing drawn.

    .venv/bin/python bench/bench_pages.py [--students 200] [--runs 3]

Exit code 0 when every target is met, 1 when one is not.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests" / "classroom"), str(REPO_ROOT / "tests")]

WRONG_UNET = REPO_ROOT / "tests" / "grading" / "corpus" / "wrong_unet_hard_coded_filters.py"
PAGE_SECONDS, PAGE_BYTES, COLD_SHARE, WARM_SHARE = 5.0, 3_000_000, 0.25, 0.05
DRAW = ("import sys; sys.path[:0] = {paths!r}\n"
        "from picture_fixtures import report\n"
        "from grader.reports import picture\n"
        "picture.png(report('wrong_unet_hard_coded_filters.py'))\n")


def class_page(students):
    """(seconds, bytes) of writing report.html for `students` students."""
    from class_fakes import EXERCISES, padding_report, report, submission
    from grader.classroom.gradebook import row_from_report
    from grader.classroom.page import write_class_page

    rows, stems = [], {}
    for number in range(students):
        sid = f"student{number:03d}"
        graded = report() if number % 3 == 0 else padding_report(source=f"{sid}.py")
        rows.append(row_from_report(submission(sid), graded, 3.0))
        stems[sid] = sid
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = write_class_page(folder, rows, EXERCISES, {"seed": 7, "students": students}, stems)
        return time.perf_counter() - started, path.stat().st_size


def timed(code, times=3):
    """The median wall time of `python -c code` in a fresh process."""
    return timed_command([sys.executable, "-c", code], times)


def timed_command(command, times=3, check=True):
    """The median wall time of running `command` in a fresh process."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True)
        if check and result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-2000:]}")
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def one_shot(runs):
    """(seconds without, seconds with --picture) of grading a wrong U-Net, runs alternating."""
    grading = [sys.executable, "-m", "grader", "exercise3", "--source", str(WRONG_UNET), "--seed", "1"]
    without, with_picture = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            without.append(timed_command(grading, 1))
            with_picture.append(timed_command(grading + ["--picture", str(Path(folder) / "p.png")], 1))
    return statistics.median(without), statistics.median(with_picture)


def _student_changed(graded, number):
    """`graded` with the student's first block's filters changed to 33 + number (a model not drawn before)."""
    import copy
    from dataclasses import replace

    exercise = graded.exercises[0]
    student = copy.deepcopy(exercise.models.student)
    student["layers"][1]["settings"]["filters"] = 33 + number
    student["layers"][1]["shape"][-1] = 33 + number
    return replace(graded, exercises=(replace(exercise, models=replace(exercise.models, student=student)),))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="gradings without and with --picture (each)")
    args = parser.parse_args()
    seconds, size = class_page(args.students)
    print(f"class page: {args.students} students, report.html written in {seconds:.2f} s "
          f"(target < {PAGE_SECONDS:g} s), {size / 1e6:.2f} MB (target < {PAGE_BYTES / 1e6:g} MB)")
    bare = timed("import tensorflow")
    start = timed("pass")
    paths = [str(REPO_ROOT), str(REPO_ROOT / "tests")]
    cold = timed(DRAW.format(paths=paths)) - start
    without, with_picture = one_shot(args.runs)
    added = with_picture - without
    from picture_fixtures import report
    from grader.reports import picture
    picture.png(report("wrong_unet_hard_coded_filters.py"))
    warm_runs, changed_runs = [], []
    for number in range(3):
        started = time.perf_counter()
        picture.png(report("wrong_unet_hard_coded_filters.py"))
        warm_runs.append(time.perf_counter() - started)
        changed = _student_changed(report("wrong_unet_hard_coded_filters.py"), number)
        started = time.perf_counter()
        picture.png(changed)
        changed_runs.append(time.perf_counter() - started)
    warm, changed = statistics.median(warm_runs), statistics.median(changed_runs)
    print(f"bare TensorFlow import: {bare:.2f} s")
    print(f"one-shot grading of a wrong U-Net: {without:.2f} s, with --picture {with_picture:.2f} s: adds "
          f"{added:.2f} s = {added / bare:.2f}x (target <= {COLD_SHARE:g}x)")
    print(f"picture alone, fresh process (import matplotlib + draw the U-Net pair, less Python's start): "
          f"{cold:.2f} s = {cold / bare:.2f}x")
    print(f"picture, warm, a save that changed the student's model (their side redrawn, the reference's "
          f"kept): {changed:.2f} s = {changed / bare:.3f}x (target <= {WARM_SHARE:g}x)")
    print(f"picture, warm, a save that changed nothing drawn: {warm:.2f} s = {warm / bare:.3f}x")
    met = seconds < PAGE_SECONDS and size < PAGE_BYTES and added / bare <= COLD_SHARE and changed / bare <= WARM_SHARE
    print("all targets met" if met else "a target is NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
