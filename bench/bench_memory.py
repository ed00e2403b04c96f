"""Peak memory of training at batch 32: at most 3 GB.

Runs `python -m grader train --model solutions --epochs 2 --batch-size 32` (the reference
U-Net, 96x128, 32 filters, the runner's default precision and pipeline) in a child
process on the synthetic sample, or on --data; the child reports its own peak resident
memory (ru_maxrss) when the command ends: TensorFlow, the model, Adam's state, the cached
images, validation, the pictures, everything the command holds at its worst moment.
With --float32 it measures a float32 run as well, for comparison.

    .venv/bin/python bench/bench_memory.py [--data DIR] [--float32]

Exit code 0 when the target is met, 1 when it is not, 2 when the training failed.
"""
import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_GB = 3.0


PEAK_MARK = "PEAK_KIB"


def child(arguments):
    """In the child process: run the grader command, then print this process's peak memory."""
    sys.path.insert(0, str(REPO_ROOT))
    from grader.cli import main as grader_main

    code = grader_main(arguments)
    print(f"{PEAK_MARK} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")  # KiB on Linux
    return code


def peak_of_training(extra, data):
    """(exit code, peak resident GB, output) of one training child process."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, __file__, "--child", "train", "--model", "solutions",
                   "--epochs", "2", "--batch-size", "32", "--out", str(Path(folder) / "run"), *extra]
        if data:
            command += ["--data", data]
        completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    marks = [line.split()[1] for line in completed.stdout.splitlines() if line.startswith(PEAK_MARK)]
    peak_gb = int(marks[-1]) / 1024 ** 2 if marks else float("nan")
    return completed.returncode, peak_gb, completed.stdout + completed.stderr


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="dataset folder (default: the synthetic sample)")
    parser.add_argument("--float32", action="store_true", help="also measure a float32 run")
    args = parser.parse_args(argv)

    code, peak, output = peak_of_training([], args.data)
    if code != 0:
        print(output)
        print(f"training failed (exit code {code})")
        return 2
    policy = next((line.split("precision ")[1].split(",")[0] for line in output.splitlines()
                   if "precision " in line), "?")
    print(f"training at batch 32, precision {policy}: peak resident memory {peak:.2f} GB "
          f"(target <= {TARGET_GB} GB): {'MET' if peak <= TARGET_GB else 'NOT MET'}")
    if args.float32:
        _, peak32, _ = peak_of_training(["--precision", "float32"], args.data)
        print(f"training at batch 32, float32: peak resident memory {peak32:.2f} GB")
    return 0 if peak <= TARGET_GB else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2:]))
    sys.exit(main())
