"""Does a big class cost the same per student as a small one? `python -m grader class` at 500 and at 50.

A class is made from the test corpus (tests/grading/corpus: correct and wrong U-Nets), the
reference, and the usual share of broken and hostile files (about one in ten: a syntax
error, a notebook that is not one, a file that kills its own process, an endless loop,
a memory hog, a flood of output, a student folder with a zip inside). The same mix is
graded at two sizes, each in a run of its own: the small class before and after the big one,
so that a machine busier during the big run than before it does not pass for growth (the big
run is compared with the mean of the two small ones). Three figures against the issue's targets:

    peak memory   the largest sum of the memory of every process of the run, sampled
                  every 0.2 s, as PSS (a page that a forked job shares with its
                  warm server counts once, not once per process: what the machine
                  really needs); the sum of resident memory, which counts shared
                  pages in every process, is printed beside it        target < 6 GB
    growth        time per submission at BIG over that at SMALL, from the first
                  progress line with a student done to the end (so the warm
                  servers' start-up, paid once, is left out)             target within 15%
    estimate      the progress line's "about N left" at the half-way
                  line, against the time the run really took from then  target within 20%

    .venv/bin/python bench/bench_big_class.py [--big 500] [--small 50] [--jobs 2] [--timeout 20]

A class of 500 takes long (on 2 cores, about 1-2 s a submission): give smaller --big and
--small for a quick look (the growth figure then says less). Exit code 0 when every
target is met, 1 when one is not.
"""
import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from bench_class import sample_peak_memory

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "tests" / "grading" / "corpus"
MEMORY_TARGET_GB = 6.0
GROWTH_TARGET = 0.15
ESTIMATE_TARGET = 0.20
SIGNATURE = "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):\n"
HOSTILE = {  # name -> text: one in ten submissions is one of these
    "syntax_error.py": "def conv_block(:\n",
    "not_a_notebook.ipynb": "{ nope",
    "exits.py": f"import os\n\n\n{SIGNATURE}    os._exit(3)\n",
    "endless.py": f"{SIGNATURE}    while True:\n        pass\n",
    "memory_hog.py": f"{SIGNATURE}    hog = [bytearray(1 << 20) for _ in range(100000)]\n",
    "flood.py": f"{SIGNATURE}    while True:\n        print('x' * 10000)\n",
}
STATUS = re.compile(r"(\d+)/(\d+) graded \((\d+)%\).*about (.+) left")
DONE = re.compile(r"^(\d+)/(\d+) graded")


def write_class(folder, students):
    """`students` submissions in a fixed mix: corpus files and the reference, one in ten hostile, some zipped."""
    folder.mkdir(parents=True)
    good = [path.read_text() for path in sorted(CORPUS.glob("*.py"))]
    good += [(REPO_ROOT / "solutions" / "unet.py").read_text()] * 4
    hostile = list(HOSTILE.items())
    for number in range(students):
        name = f"student{number:04d}"
        if number % 10 == 9:
            hostile_name, text = hostile[(number // 10) % len(hostile)]
            (folder / f"{name}{Path(hostile_name).suffix}").write_text(text)
        elif number % 25 == 3:  # a student's folder holding a zip of their work
            (folder / name).mkdir()
            with zipfile.ZipFile(folder / name / "work.zip", "w") as archive:
                archive.writestr("work/unet.py", good[number % len(good)])
        else:
            (folder / f"{name}.py").write_text(good[number % len(good)])


def seconds_of(text):
    """'3 min 20 s' -> 200, '45 s' -> 45, '1 h 05 min' -> 3900."""
    total = 0
    for amount, unit in re.findall(r"(\d+)\s*(h|min|s)\b", text):
        total += int(amount) * {"h": 3600, "min": 60, "s": 1}[unit]
    return total


def grade(folder, out, jobs, timeout):
    """Run the class; (wall s, (peak PSS GB, peak resident-sum GB), (estimate s, really left s) at the half-way
    line or None, rows, steady s per submission)."""
    command = [sys.executable, "-m", "grader", "class", str(folder), "--out", str(out), "--jobs", str(jobs),
               "--seed", "1", "--timeout", str(timeout)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    peak = [0.0, 0.0]  # resident sum, PSS sum
    threading.Thread(target=sample_peak_memory, args=(process, peak), daemon=True).start()
    half_way = first_done = None
    tail = []
    for line in process.stderr:  # the progress lines of a log, as they come
        tail = (tail + [line])[-20:]
        done = DONE.search(line)
        if done and first_done is None and int(done.group(1)) > 0:
            first_done = (int(done.group(1)), int(done.group(2)), time.perf_counter())
        found = STATUS.search(line)
        if found and half_way is None and int(found.group(3)) >= 50:
            half_way = (seconds_of(found.group(4)), time.perf_counter())
    process.wait()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed (exit {process.returncode}):\n{''.join(tail)}")
    estimate = (half_way[0], time.perf_counter() - half_way[1]) if half_way else None
    rows = (out / "gradebook.csv").read_text(encoding="utf-8-sig").count("\n") - 1
    steady = ((time.perf_counter() - first_done[2]) / max(first_done[1] - first_done[0], 1) if first_done
              else wall / rows)
    return wall, (peak[1], peak[0]), estimate, rows, steady


def main():
    """Grade the class at both sizes; print each figure against its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=500, help="submissions of the big class (default 500)")
    parser.add_argument("--small", type=int, default=50, help="submissions of the small class (default 50)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the class runs (default 2)")
    parser.add_argument("--timeout", type=float, default=20, help="--timeout of each grading (default 20 s)")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-big-class-") as scratch:
        for number, size in enumerate((args.small, args.big, args.small)):
            folder = Path(scratch) / f"class-{number}-{size}"
            write_class(folder, size)
            runs.append(grade(folder, Path(scratch) / f"out-{number}-{size}", args.jobs, args.timeout))
            wall, peak, estimate, rows, steady = runs[-1]
            said = (f"at half-way it said about {estimate[0]:.0f} s left, {estimate[1]:.0f} s were"
                    if estimate else "no half-way line")
            print(f"class of {size} ({rows} rows), --jobs {args.jobs}: {wall:.1f} s, {wall / size:.2f} s per "
                  f"submission ({steady:.2f} s once started), peak {peak[0]:.2f} GB PSS ({peak[1]:.2f} GB summed "
                  f"resident); {said}", flush=True)
    big = runs[1]
    small_steady = (runs[0][4] + runs[2][4]) / 2
    growth = big[4] / small_steady - 1
    peak = max(run[1][0] for run in runs)
    resident = max(run[1][1] for run in runs)
    met = {"memory": peak < MEMORY_TARGET_GB, "growth": abs(growth) <= GROWTH_TARGET}
    print(f"peak memory: {peak:.2f} GB PSS ({resident:.2f} GB summed resident), target < {MEMORY_TARGET_GB} GB: "
          f"{'met' if met['memory'] else 'MISSED'}")
    print(f"time per submission once started at {args.big} vs {args.small}: {big[4]:.2f} s vs {small_steady:.2f} s (mean of the two), "
          f"{growth:+.1%}, target within "
          f"{GROWTH_TARGET:.0%}: {'met' if met['growth'] else 'MISSED'}")
    if big[2]:
        error = (big[2][0] - big[2][1]) / big[2][1] if big[2][1] else float("inf")
        met["estimate"] = abs(error) <= ESTIMATE_TARGET
        print(f"progress estimate at half-way ({args.big}): {big[2][0]:.0f} s said, {big[2][1]:.0f} s real, "
              f"{error:+.1%}, target within {ESTIMATE_TARGET:.0%}: {'met' if met['estimate'] else 'MISSED'}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
