"""A real Ctrl-C: SIGINT to a training child process, then --resume, against an uninterrupted run."""
import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from grader.cli import main
from tiny_data import write_tiny_dataset

SETTINGS = ["--model", "solutions", "--image-size", "64x64", "--filters", "4", "--batch-size", "2",
            "--precision", "float32", "--epochs", "6"]


def epochs_in_checkpoint(run_dir):
    try:
        return json.loads((run_dir / "checkpoint" / "state.json").read_text())["epochs_done"]
    except (OSError, ValueError, KeyError):
        return 0


def history_epochs(run_dir):
    with open(run_dir / "history.csv", newline="") as handle:
        return [row["epoch"] for row in csv.DictReader(handle)]


@pytest.mark.slow
def test_ctrl_c_saves_says_how_to_resume_and_resume_finishes_the_run(tmp_path, repo_root):
    data = write_tiny_dataset(tmp_path / "data", size=(64, 64))
    run_dir = tmp_path / "interrupted"
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    child = subprocess.Popen([sys.executable, "-m", "grader", "train", "--data", str(data),
                              "--out", str(run_dir), *SETTINGS], cwd=repo_root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while epochs_in_checkpoint(run_dir) < 1 and child.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)

    assert child.returncode == 0, err
    assert "Traceback" not in out + err
    assert "Interrupted" in out and f"Resume with: python -m grader train --resume {run_dir}" in out
    saved = epochs_in_checkpoint(run_dir)
    assert 1 <= saved < 6
    assert json.loads((run_dir / "run.json").read_text())["status"] == "interrupted"
    assert history_epochs(run_dir) == [str(e) for e in range(1, saved + 1)]
    assert not (run_dir / "model.keras").exists()

    assert main(["train", "--resume", str(run_dir)]) == 0
    whole = tmp_path / "uninterrupted"
    assert main(["train", "--data", str(data), "--out", str(whole), *SETTINGS]) == 0
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(p.name for p in whole.iterdir())
    assert history_epochs(run_dir) == history_epochs(whole) == [str(e) for e in range(1, 7)]
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "finished"
    assert [session["status"] for session in run["sessions"]] == ["interrupted", "finished"]
    with open(run_dir / "history.csv") as resumed, open(whole / "history.csv") as uninterrupted:
        assert next(csv.reader(resumed)) == next(csv.reader(uninterrupted))  # same columns
        first_resumed, first_whole = next(csv.reader(resumed)), next(csv.reader(uninterrupted))
    assert float(first_resumed[1]) == pytest.approx(float(first_whole[1]), rel=1e-3)  # epoch 1's loss
