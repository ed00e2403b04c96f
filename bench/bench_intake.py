"""Does reading a notebook cost anything? Grading a 3 MB notebook with outputs against the same functions as a .py.

Two commands are timed from start to exit, as a student would run them, in interleaved
rounds (notebook, py, notebook, py, ...) so that both see the same machine load:

    notebook  python -m grader all --source unet_with_outputs.ipynb --seed 1
    py        python -m grader all --source unet.py --seed 1

The notebook is the course notebook with the reference in its graded cells and about
3 MB of image outputs in its cells; the .py is the reference module itself. Target:
the notebook's median at most 1.10x the .py's. The whole commands are noisy on a shared
machine, so the script also times the intake alone, in this process: reading each file
and running what its graded functions need (`grader.grading.sources.load`, as each
grading job does), median of 20.

    .venv/bin/python bench/bench_intake.py [--rounds 5]

Exit code 0 when the target is met, 1 when it is not.
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
TARGET = 1.10
OUTPUT_PNG = "iVBORw0KGgo" * 20_000  # about 220 KB of base64 per code cell: 3.3 MB in all


def write_sources(folder):
    """The notebook with outputs and the .py with the same functions; their paths."""
    from grader.notebook.builder import build_notebook

    notebook = build_notebook(solutions=True)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                                "data": {"image/png": OUTPUT_PNG, "text/plain": "<Figure>"}})]
    notebook_path = folder / "unet_with_outputs.ipynb"
    nbformat.write(notebook, str(notebook_path))
    py_path = folder / "unet.py"
    shutil.copy(REPO_ROOT / "solutions" / "unet.py", py_path)
    return notebook_path, py_path


def intake_seconds(paths, repeats=20):
    """Median seconds of resolving and loading each source in this process: {name: seconds}."""
    from segmentation.quiet_tf import import_tensorflow

    import_tensorflow()  # the sources import it; its one-off cost is not the intake's
    from grader.grading import sources

    seconds = {name: [] for name in paths}
    for _ in range(repeats):
        for name, path in paths.items():
            start = time.perf_counter()
            sources.load(sources.resolve_file(path))
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def timed(command):
    """Wall seconds of running `command` to completion; it must succeed."""
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed (exit {completed.returncode}):\n{completed.stdout}{completed.stderr}")
    return time.perf_counter() - start


def main():
    """Time both gradings in interleaved rounds and print the ratio against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        notebook_path, py_path = write_sources(Path(folder))
        size_mb = notebook_path.stat().st_size / 1e6
        commands = {name: [sys.executable, "-m", "grader", "all", "--source", str(path), "--seed", "1"]
                    for name, path in (("notebook", notebook_path), ("py", py_path))}
        for command in commands.values():  # warm the file cache; not counted
            timed(command)
        walls = {name: [] for name in commands}
        for round_number in range(1, args.rounds + 1):
            for name, command in commands.items():
                walls[name].append(timed(command))
            print(f"round {round_number}: " + ", ".join(f"{name} {walls[name][-1]:.2f} s" for name in commands),
                  flush=True)
        intake = intake_seconds({"notebook": notebook_path, "py": py_path})
    notebook, py = statistics.median(walls["notebook"]), statistics.median(walls["py"])
    ratio = notebook / py
    print(f"\nmedian of {args.rounds} rounds: notebook ({size_mb:.1f} MB) {notebook:.2f} s, .py {py:.2f} s: "
          f"{ratio:.3f}x, target <= {TARGET:.2f}x: {'met' if ratio <= TARGET else 'MISSED'}")
    print(f"intake alone (read, plan, run what is needed; median of 20): notebook "
          f"{intake['notebook'] * 1000:.0f} ms, .py {intake['py'] * 1000:.0f} ms")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
