"""Is grading fast without fork (Windows, macOS)? The spares' path against a bare TensorFlow import,
with the Linux fork path beside it, in one run.

The no-fork figures run with what native Windows lacks taken away on this machine
(UNET_GRADER_EMULATE=windows, tests/platform_modes/): no fork, no pass_fds, no rlimits,
no prctl, no /proc for the grader. Measured side by side:

    bare        python -c "import tensorflow"                       (median of 3, spread over the run)
    watch       from saving the file to the finished report in `python -m grader watch EXERCISE`
                (median of --saves saves, each --pause seconds after the last report: the time the
                student edits, in which the spares for the next save import TensorFlow), for
                exercise1 and for all
    one-shot    python -m grader all --solutions                    (median of 3)
    class       python -m grader class CLASS --jobs 2: seconds per submission (--students, from the
                test corpus: right, wrong and broken files)

Targets without fork: watch exercise1 <= 0.25x, watch all <= 0.5x, one-shot all <= 2.5x,
class <= 1.0x per submission. The fork path's figures are printed for comparison
(bench_warm.py and bench_class.py hold its own targets).

    .venv/bin/python bench/bench_portable.py [--saves 5] [--pause 8] [--students 20] [--skip-fork]

Exit code 0 when the no-fork targets are met, 1 when one is not.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "platform_modes"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import emulate  # noqa: E402
from bench_class import timed as timed_class, write_class  # noqa: E402
from bench_warm import watch_saves  # noqa: E402

TARGETS = {"watch exercise1": 0.25, "watch all": 0.5, "one-shot all": 2.5, "class per submission": 1.0}


def wall(command, env):
    """Wall seconds of running `command` to completion in `env`; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def figures(env, saves, pause_s, students, folder):
    """{figure: seconds} for one platform mode."""
    one_shot = [sys.executable, "-m", "grader", "all", "--solutions", "--seed", "1"]
    found = {"watch exercise1": statistics.median(watch_saves("exercise1", saves, folder, env, pause_s)),
             "watch all": statistics.median(watch_saves("all", saves, folder, env, pause_s)),
             "one-shot all": statistics.median(wall(one_shot, env) for _ in range(3))}
    out = folder / f"out-{len(os.listdir(folder))}"
    seconds, _ = timed_class([sys.executable, "-m", "grader", "class", str(folder / "class"), "--out", str(out),
                              "--jobs", "2", "--seed", "1"], env=env)
    found["class per submission"] = seconds / students
    return found


def main():
    """Measure both paths and print the ratios against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=5, help="saves per watch figure (default 5)")
    parser.add_argument("--pause", type=float, default=8.0, help="seconds of editing between saves (default 8)")
    parser.add_argument("--students", type=int, default=20, help="submissions in the class (default 20)")
    parser.add_argument("--skip-fork", action="store_true", help="leave out the Linux fork path's figures")
    args = parser.parse_args()
    bare = [sys.executable, "-c", "import tensorflow"]
    plain = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    windows = emulate.child_environment("windows", plain)
    wall(bare, plain)  # warm the file cache; not counted
    imports = [wall(bare, plain)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_class(folder / "class", args.students)
        no_fork = figures(windows, args.saves, args.pause, args.students, folder)
        imports.append(wall(bare, plain))
        forked = None if args.skip_fork else figures(plain, args.saves, args.pause, args.students, folder)
        imports.append(wall(bare, plain))
    bare_s = statistics.median(imports)
    print(f"bare TensorFlow import: {bare_s:.2f} s (median of {', '.join(f'{t:.2f}' for t in imports)})")
    met = True
    for figure, target in TARGETS.items():
        ratio = no_fork[figure] / bare_s
        met &= ratio <= target
        line = (f"{figure:22s} without fork (emulated Windows): {no_fork[figure]:6.2f} s = {ratio:.2f}x, "
                f"target <= {target}x: {'met' if ratio <= target else 'MISSED'}")
        if forked:
            line += f"; Linux fork path: {forked[figure]:.2f} s = {forked[figure] / bare_s:.2f}x"
        print(line)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
