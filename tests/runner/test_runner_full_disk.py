"""A disk that fills up, or a folder that turns read-only, in the middle of training: a clear message
naming the file, the checkpoint kept, nothing half-written, and `--resume` goes on once it can write.

The run folder is on a small tmpfs made for the test (tests/small_disk.py; skipped where
mounting is not permitted), filled up or remounted read-only after the first epoch.
"""
import json
import os
import subprocess
import sys
import time

import pytest

from grader.cli import main
from small_disk import fill, remount, small_filesystem
from tiny_data import write_tiny_dataset

SETTINGS = ["--model", "solutions", "--image-size", "32x32", "--filters", "2", "--batch-size", "2",
            "--precision", "float32", "--epochs", "8"]


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    return write_tiny_dataset(tmp_path_factory.mktemp("data") / "tiny")


def epochs_in_checkpoint(run_dir):
    try:
        return json.loads((run_dir / "checkpoint" / "state.json").read_text())["epochs_done"]
    except (OSError, ValueError, KeyError):
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_training_stopped_by_the_disk_keeps_its_checkpoint_and_resumes(tiny_data, tmp_path, repo_root, fault):
    with small_filesystem(tmp_path / "disk", "16m") as disk:
        run_dir = disk / "run"
        env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
        child = subprocess.Popen([sys.executable, "-m", "grader", "train", "--data", str(tiny_data),
                                  "--out", str(run_dir), *SETTINGS], cwd=repo_root, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while epochs_in_checkpoint(run_dir) < 1 and child.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        filler = fill(disk) if fault == "full" else None
        if fault == "read-only":
            remount(disk, "ro")
        try:
            out, err = child.communicate(timeout=120)
        finally:
            if fault == "read-only":
                remount(disk, "rw")

        assert child.returncode == 2, out + err
        assert "Traceback" not in err
        message = err.replace("\n", " ")
        assert ("The disk is full: could not write" if fault == "full" else "The file system is read-only: could not write") \
            in message
        assert f"{run_dir}" in message
        assert "The run is not lost: the checkpoint after epoch" in message
        assert f"continue with: python -m grader train --resume {run_dir}" in message
        assert not (run_dir / "model.keras").exists()  # nothing looks finished
        assert not [path for path in run_dir.rglob("*") if "partial" in path.name]
        saved = epochs_in_checkpoint(run_dir)
        assert 1 <= saved < 8

        if filler:
            filler.unlink()
        assert main(["train", "--resume", str(run_dir)]) == 0
        run = json.loads((run_dir / "run.json").read_text())
        assert run["status"] == "finished" and run["epochs_done"] == 8
        assert (run_dir / "model.keras").is_file() and not (run_dir / "checkpoint").exists()
