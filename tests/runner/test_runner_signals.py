"""SIGTERM and SIGHUP stop training as Ctrl-C does; a stop during the final evaluation keeps the model.

Every test sends the real signal to a real `python -m grader train` child process:
from outside, after an epoch's checkpoint is on disk, or from inside the child at a
chosen point of the final evaluation (a wrapper makes the child signal itself there,
so the moment is exact, not a race).
"""
import json
import os
import shlex
import signal
import subprocess
import sys
import time

import pytest

from grader.cli import main
from tiny_data import write_tiny_dataset

SETTINGS = ["--model", "solutions", "--image-size", "32x32", "--filters", "2", "--batch-size", "2",
            "--precision", "float32"]
# Runs `python -m grader ARGS...` after wrapping TARGET (module:function) so that calling it
# first sends SIGNAL to the process itself.
SIGNAL_ITSELF = """
import importlib, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as on a terminal, even when the tests run in the background
module_name, function_name, signal_name = sys.argv[1:4]
module = importlib.import_module(module_name)
real = getattr(module, function_name)
def signalling(*args, **kwargs):
    os.kill(os.getpid(), getattr(signal, signal_name))
    return real(*args, **kwargs)
setattr(module, function_name, signalling)
from grader.cli import main
sys.exit(main(sys.argv[4:]))
"""


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    return write_tiny_dataset(tmp_path_factory.mktemp("data") / "tiny")


def child_env():
    return {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}


def epochs_in_checkpoint(run_dir):
    try:
        return json.loads((run_dir / "checkpoint" / "state.json").read_text())["epochs_done"]
    except (OSError, ValueError, KeyError):
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)],
                         ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_during_training_keep_the_checkpoint_and_say_how_to_resume(
        tiny_data, tmp_path, repo_root, capsys, signum, code):
    run_dir = tmp_path / "run"
    child = subprocess.Popen([sys.executable, "-m", "grader", "train", "--data", str(tiny_data),
                              "--out", str(run_dir), "--epochs", "6", *SETTINGS], cwd=repo_root,
                             env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while epochs_in_checkpoint(run_dir) < 2 and child.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)

    assert child.returncode == code, err
    assert "Traceback" not in out + err
    name = signal.Signals(signum).name
    assert f"Interrupted by {name}. The checkpoint after epoch" in out
    assert f"Resume with: python -m grader train --resume {run_dir}" in out
    run = json.loads((run_dir / "run.json").read_text())
    saved = epochs_in_checkpoint(run_dir)
    assert run["status"] == "interrupted" and 2 <= run["epochs_done"] == saved < 6
    assert run["sessions"][-1]["signal"] == name
    assert not (run_dir / "model.keras").exists()
    if signum == signal.SIGTERM:  # and the run goes on from there to the end
        # the newest checkpoint cut short, as a power cut before the flush leaves it
        newest = run_dir / "checkpoint" / f"epoch-{saved:04d}.keras"
        newest.write_bytes(newest.read_bytes()[:1000])
        capsys.readouterr()
        assert main(["train", "--resume", str(run_dir)]) == 0
        assert f"Using the last complete checkpoint, after epoch {saved - 1}" in capsys.readouterr().out
        run = json.loads((run_dir / "run.json").read_text())
        assert run["status"] == "finished" and run["epochs_done"] == 6
        assert (run_dir / "metrics.json").is_file() and not (run_dir / "checkpoint").exists()


@pytest.mark.slow
@pytest.mark.parametrize("target, signame, code", [
    ("segmentation.training:measure", "SIGTERM", 143),      # while the model is measured
    ("segmentation.plots:plot_iou", "SIGINT", 0),            # Ctrl-C while the pictures are drawn
], ids=["SIGTERM-measuring", "ctrl-c-pictures"])
def test_a_stop_during_the_final_evaluation_keeps_the_model_and_says_how_to_finish(
        tiny_data, tmp_path, repo_root, capsys, target, signame, code):
    run_dir = tmp_path / "run"
    module, function = target.split(":")
    done = subprocess.run([sys.executable, "-c", SIGNAL_ITSELF, module, function, signame,
                           "train", "--data", str(tiny_data), "--out", str(run_dir), "--epochs", "2",
                           *SETTINGS], cwd=repo_root, env=child_env(), capture_output=True, text=True,
                          timeout=180)

    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "KeyboardInterrupt" not in done.stderr
    assert "during the final evaluation" in done.stdout
    assert f"the model after all 2 epochs is kept as {run_dir / 'model.keras'}" in done.stdout
    assert (run_dir / "model.keras").is_file() and not (run_dir / "checkpoint").exists()
    for unfinished in ("metrics.json", "predictions.png", "iou.png", "confusion.png"):
        assert not (run_dir / unfinished).exists(), unfinished  # nothing looks evaluated
    assert not [name for name in os.listdir(run_dir) if "partial" in name]
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "trained" and run["epochs_done"] == 2

    finish = done.stdout.split("Finish the evaluation with: ")[1].splitlines()[0]
    assert finish.startswith("python -m grader evaluate ")
    assert main(shlex.split(finish)[3:]) == 0  # the printed command, as the user would run it
    assert {"metrics.json", "predictions.png", "iou.png", "confusion.png"} <= set(os.listdir(run_dir))
    capsys.readouterr()
    assert main(["train", "--resume", str(run_dir)]) == 2
    assert "only its final evaluation was stopped" in capsys.readouterr().err
