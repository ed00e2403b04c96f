"""Is feedback instant? A save in `python -m grader watch`, and a second check() in a notebook kernel,
against a bare TensorFlow import and the cold command line, in one run.

    bare       python -c "import tensorflow"                              (median of 3)
    cold       python -m grader exercise1 --source FILE --seed 1          (median of 3)
    watch      from saving the file to the finished report in `python -m grader watch EXERCISE`
               (median of 10 saves, for exercise1 and for all)
    notebook   the second check("exercise1") and check("all") in a Jupyter kernel (nbclient)

Targets: the warm exercise1 report at most 0.2x the bare import, all at most 0.4x.

    .venv/bin/python bench/bench_warm.py [--saves 10]

Exit code 0 when the targets are met, 1 when one is not.
"""
import argparse
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"exercise1": 0.2, "all": 0.4}


def timed(command):
    """Wall seconds of running `command` (it may fail: a grading of wrong code exits 1)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, capture_output=True)
    return time.perf_counter() - start


def watch_saves(exercise, saves, folder, env=None, pause_s=1.2):
    """Seconds from each save to its finished report in `watch`, `saves` times (`env`: its environment;
    `pause_s`: the seconds the student edits between a report and the next save)."""
    source = folder / f"watched_{exercise}.py"
    right = (REPO_ROOT / "solutions" / "unet.py").read_text()
    source.write_text(right)
    process = subprocess.Popen([sys.executable, "-m", "grader", "watch", exercise, "--source", str(source),
                                "--seed", "1"], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def report_done():
        while not lines.get(timeout=300).startswith("Graded in"):
            pass
        return time.perf_counter()

    report_done()
    seconds = []
    for number in range(saves):
        time.sleep(pause_s)
        saved = time.perf_counter()
        source.write_text(right + f"\n# save {number}\n")
        seconds.append(report_done() - saved)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    return seconds


def notebook_checks():
    """Seconds of the second check("exercise1") and the second check("all") in a Jupyter kernel."""
    import nbclient
    from nbformat.v4 import new_code_cell, new_notebook

    sys.path.insert(0, str(REPO_ROOT))
    from grader.notebook.module_text import function_source, import_block, module_file

    reference = module_file("solutions.unet")
    timing = "import time\nstarted = time.time()\ncheck('{0}')\nprint(f'took {{time.time() - started:.3f}} s')"
    cells = [new_code_cell(import_block(reference)), new_code_cell("from grader.notebook.inline import check")]
    cells += [new_code_cell(function_source(reference, name)) for name in ("conv_block", "upsampling_block",
                                                                          "unet_model")]
    cells += [new_code_cell(timing.format(exercise)) for exercise in ("exercise1", "exercise1", "all", "all")]
    notebook = new_notebook(cells=cells)
    nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(REPO_ROOT)}}).execute()
    took = [float(re.search(r"took ([\d.]+) s", "".join(o.get("text", "") for o in cell.outputs)).group(1))
            for cell in notebook.cells[-4:]]
    return {"exercise1": took[1], "all": took[3], "first": took[0]}


def main():
    """Time everything in one run and print the ratios against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10, help="saves per watch session (default 10)")
    args = parser.parse_args()
    bare_command = [sys.executable, "-c", "import tensorflow"]
    cold_command = [sys.executable, "-m", "grader", "exercise1", "--source",
                    str(REPO_ROOT / "solutions" / "unet.py"), "--seed", "1"]
    timed(bare_command)  # warm the file cache
    bare = statistics.median(timed(bare_command) for _ in range(3))
    cold = statistics.median(timed(cold_command) for _ in range(3))
    folder = Path(tempfile.mkdtemp())
    try:
        watched = {exercise: statistics.median(watch_saves(exercise, args.saves, folder)) for exercise in TARGETS}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    kernel = notebook_checks()
    print(f"bare TensorFlow import {bare:.2f} s; cold `python -m grader exercise1` {cold:.2f} s ({cold / bare:.2f}x)")
    met = True
    for exercise, target in TARGETS.items():
        for what, seconds in ((f"watch, save to report (median of {args.saves})", watched[exercise]),
                              ("notebook, second check()", kernel[exercise])):
            ratio = seconds / bare
            met &= ratio <= target
            print(f"  {exercise:<9} {what:<42} {seconds:5.2f} s = {ratio:.2f}x, target <= {target}x: "
                  f"{'met' if ratio <= target else 'MISSED'}")
    print(f"  (the notebook's first check, which starts the service: {kernel['first']:.2f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
