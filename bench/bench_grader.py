"""Is grading fast? `python -m grader exercise1|all --solutions` against a bare TensorFlow import.

Three commands are timed from start to exit, as a student would run them, in rounds
that interleave them (import, exercise1, all, import, exercise1, all, ...) so that all
three see the same machine load:

    bare      python -c "import tensorflow"
    exercise1 python -m grader exercise1 --solutions --seed 1
    all       python -m grader all --solutions --seed 1

The medians are compared: targets are exercise1 <= 2.0x and all <= 3.0x the bare import
(every grading must import TensorFlow once, in its child process). CPU seconds (user +
system, of the process and its children) are printed too: on a machine shared with other
work they move less with the load than wall-clock seconds.

    .venv/bin/python bench/bench_grader.py [--rounds 5]

Exit code 0 when both targets are met, 1 when one is not.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "bare": [sys.executable, "-c", "import tensorflow"],
    "exercise1": [sys.executable, "-m", "grader", "exercise1", "--solutions", "--seed", "1"],
    "all": [sys.executable, "-m", "grader", "all", "--solutions", "--seed", "1"],
}
TARGETS = {"exercise1": 2.0, "all": 3.0}


def timed(command):
    """(wall seconds, CPU seconds) of running `command` to completion; it must succeed."""
    before = os.times()
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed (exit {completed.returncode}):\n{completed.stdout}{completed.stderr}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main():
    """Time the three commands in interleaved rounds and print the ratios against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    args = parser.parse_args()
    for name, command in COMMANDS.items():  # warm the file cache; not counted
        timed(command)
    walls = {name: [] for name in COMMANDS}
    cpus = {name: [] for name in COMMANDS}
    for round_number in range(1, args.rounds + 1):
        for name, command in COMMANDS.items():
            wall, cpu = timed(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
        print(f"round {round_number}: " + ", ".join(f"{name} {walls[name][-1]:.2f} s" for name in COMMANDS),
              flush=True)
    bare = statistics.median(walls["bare"])
    print(f"\nmedian of {args.rounds} rounds (wall seconds; CPU seconds in brackets):")
    print(f"  bare TensorFlow import  {bare:6.2f} s  ({statistics.median(cpus['bare']):.2f} s CPU)")
    met = True
    for name, target in TARGETS.items():
        median = statistics.median(walls[name])
        ratio = median / bare
        met &= ratio <= target
        print(f"  {name:<22}  {median:6.2f} s  ({statistics.median(cpus[name]):.2f} s CPU)  "
              f"{ratio:.2f}x the import, target <= {target:.1f}x: {'met' if ratio <= target else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
