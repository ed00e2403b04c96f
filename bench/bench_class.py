"""Is grading a class fast and lean? `python -m grader class` on 40+ submissions against a bare TensorFlow import.

In one run, timed from start to exit:

    bare   python -c "import tensorflow"                         (three times; the median counts)
    class  python -m grader class CLASS --out OUT --jobs 2      (40+ submissions: a mix of correct,
                                                                 wrong and broken ones from the test corpus)

The wall time per submission (the class's time over the number of submissions) is
compared with one bare import: target at most 0.3x. The peak memory of the whole run is
the largest sum of the resident memory of every process of the run, sampled every
0.2 s: target under 6 GB.

    .venv/bin/python bench/bench_class.py [--students 42] [--jobs 2]

Exit code 0 when both targets are met, 1 when one is not.
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "tests" / "grading" / "corpus"
TIME_TARGET = 0.3
MEMORY_TARGET_GB = 6.0
BROKEN = {"syntax_error.py": "def conv_block(:\n", "not_a_notebook.ipynb": "{ nope",
          "exits.py": "import os\n\n\ndef conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
                      "    os._exit(3)\n"}


def write_class(folder, students):
    """`students` submissions: the corpus's files (right and wrong), the reference and broken ones, in turn."""
    folder.mkdir()
    pool = [path.read_text() for path in sorted(CORPUS.glob("*.py"))]
    pool += [(REPO_ROOT / "solutions" / "unet.py").read_text()] * 4
    pool += list(BROKEN.values())
    suffixes = [".py"] * (len(pool) - len(BROKEN)) + [Path(name).suffix for name in BROKEN]
    for number in range(students):
        index = number % len(pool)
        (folder / f"student{number:03d}{suffixes[index]}").write_text(pool[index])


def timed(command, sample_memory=False, env=None):
    """(wall seconds, peak GB of the process tree) of running `command` (in environment `env`); it must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=env)
    peak = [0.0]
    if sample_memory:
        threading.Thread(target=sample_peak_memory, args=(process, peak), daemon=True).start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed (exit {process.returncode}):\n{stderr[-3000:]}")
    return wall, peak[0]


def sample_peak_memory(process, peak):
    """Until `process` ends, keep in peak[0] the largest sum (GB) of the resident memory of it and its descendants,
    and in peak[1] (when the list has room) the largest sum of their proportional memory (PSS: a page shared by n
    processes, as a forked job shares its warm server's, counts 1/n in each; Linux only, else the resident sum)."""
    sys.path.insert(0, str(REPO_ROOT))
    import psutil

    from grader.grading.processes import descendants, resident_mb

    def proportional_mb(pid):
        try:
            return psutil.Process(pid).memory_full_info().pss / (1024 * 1024)
        except (psutil.Error, AttributeError):
            return resident_mb(pid)

    while process.poll() is None:
        pids = [process.pid, *descendants(process.pid)]
        peak[0] = max(peak[0], sum(resident_mb(pid) for pid in pids) / 1024)
        if len(peak) > 1:
            peak[1] = max(peak[1], sum(proportional_mb(pid) for pid in pids) / 1024)
        time.sleep(0.2)


def main():
    """Time a bare import and a class run in one run; print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=42, help="submissions in the class (default 42)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the class run (default 2)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT))
    bare = [sys.executable, "-c", "import tensorflow"]
    timed(bare)  # warm the file cache; not counted
    with tempfile.TemporaryDirectory() as folder:
        write_class(Path(folder) / "class", args.students)
        imports = [timed(bare)[0]]
        wall, peak_gb = timed([sys.executable, "-m", "grader", "class", str(Path(folder) / "class"), "--out",
                               str(Path(folder) / "out"), "--jobs", str(args.jobs), "--seed", "1"],
                              sample_memory=True)
        imports += [timed(bare)[0], timed(bare)[0]]
        rows = (Path(folder) / "out" / "gradebook.csv").read_text(encoding="utf-8-sig").count("\n") - 1
        shutil.rmtree(Path(folder) / "out", ignore_errors=True)
    bare_s = statistics.median(imports)
    per_student = wall / args.students
    ratio = per_student / bare_s
    print(f"bare TensorFlow import: {bare_s:.2f} s (median of 3: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"class of {args.students} ({rows} rows), --jobs {args.jobs}: {wall:.1f} s, {per_student:.2f} s per "
          f"submission = {ratio:.2f}x the import, target <= {TIME_TARGET}x: "
          f"{'met' if ratio <= TIME_TARGET else 'MISSED'}")
    print(f"peak memory of the whole run (sum of resident memory): {peak_gb:.2f} GB, target < {MEMORY_TARGET_GB} GB: "
          f"{'met' if peak_gb < MEMORY_TARGET_GB else 'MISSED'}")
    return 0 if ratio <= TIME_TARGET and peak_gb < MEMORY_TARGET_GB else 1


if __name__ == "__main__":
    sys.exit(main())
