"""Checkpoints: always one complete checkpoint on disk, clear messages when there is none."""
import json
import os
import shutil
import signal

import numpy as np
import pytest

from segmentation import checkpoints
from segmentation.checkpoints import CheckpointError
from segmentation.modeling import build_model, compile_model
from solutions import unet_model


@pytest.fixture(scope="module")
def tiny_model():
    model = build_model(unet_model, (32, 32, 3), 4, policy="float32", n_filters=2)
    compile_model(model, 4)
    model.train_on_batch(np.zeros((2, 32, 32, 3), "float32"), np.zeros((2, 32, 32), "int32"))
    return model


def test_save_then_read_keeps_the_latest_two_epochs(tmp_path, tiny_model):
    checkpoints.save_checkpoint(tmp_path, tiny_model, 1, [{"epoch": 1}])
    checkpoints.save_checkpoint(tmp_path, tiny_model, 2, [{"epoch": 1}, {"epoch": 2}])
    checkpoints.save_checkpoint(tmp_path, tiny_model, 3, [{"epoch": 1}, {"epoch": 2}, {"epoch": 3}])
    assert sorted(os.listdir(tmp_path / "checkpoint")) == ["epoch-0002.keras", "epoch-0003.keras",
                                                          "state.json"]
    state = checkpoints.read_checkpoint_state(tmp_path)
    assert state["epochs_done"] == 3 and state["history"] == [{"epoch": 1}, {"epoch": 2}, {"epoch": 3}]
    assert state["fallback"] is None
    restored = checkpoints.load_checkpoint_model(state)
    assert int(restored.optimizer.iterations.numpy()) == int(tiny_model.optimizer.iterations.numpy()) == 1
    for saved, loaded in zip(tiny_model.weights, restored.weights):
        np.testing.assert_array_equal(saved.numpy(), loaded.numpy())


def test_resume_of_missing_folder_says_so(tmp_path):
    with pytest.raises(CheckpointError, match="no such folder"):
        checkpoints.read_checkpoint_state(tmp_path / "nope")


def test_resume_of_folder_without_checkpoint_says_nothing_to_resume(tmp_path):
    with pytest.raises(CheckpointError, match="has no checkpoint.*nothing to resume"):
        checkpoints.read_checkpoint_state(tmp_path)


def test_damaged_state_and_missing_model_file_are_reported(tmp_path):
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    (folder / "state.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="damaged"):
        checkpoints.read_checkpoint_state(tmp_path)
    (folder / "state.json").write_text(json.dumps({"epochs_done": 3, "model_file": "epoch-0003.keras",
                                                   "history": []}))
    with pytest.raises(CheckpointError, match="epoch-0003.keras, which is missing"):
        checkpoints.read_checkpoint_state(tmp_path)


def test_not_a_keras_file_in_checkpoint_is_reported(tmp_path):
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    (folder / "epoch-0001.keras").write_text("garbage")
    (folder / "state.json").write_text(json.dumps({"epochs_done": 1, "model_file": "epoch-0001.keras",
                                                   "history": [{}]}))
    with pytest.raises(CheckpointError, match="epoch-0001.keras is incomplete .*cut short or damaged"
                                              ".*no complete earlier one"):
        checkpoints.read_checkpoint_state(tmp_path)


def test_a_zip_that_is_a_keras_file_but_no_model_cannot_be_loaded(tmp_path):
    import zipfile

    folder = tmp_path / "checkpoint"
    folder.mkdir()
    with zipfile.ZipFile(folder / "epoch-0001.keras", "w") as archive:
        archive.writestr("config.json", "{not a model")
    (folder / "state.json").write_text(json.dumps({"epochs_done": 1, "model_file": "epoch-0001.keras",
                                                   "history": [{}]}))
    state = checkpoints.read_checkpoint_state(tmp_path)
    with pytest.raises(CheckpointError, match="cannot be loaded"):
        checkpoints.load_checkpoint_model(state)


@pytest.mark.parametrize("damage", ["truncated", "zeroed", "missing"])
def test_a_damaged_newest_checkpoint_falls_back_to_the_previous_one_and_says_so(tmp_path, tiny_model, damage):
    history = [{"epoch": 1}, {"epoch": 2}]
    checkpoints.save_checkpoint(tmp_path, tiny_model, 1, history[:1])
    checkpoints.save_checkpoint(tmp_path, tiny_model, 2, history)
    newest = tmp_path / "checkpoint" / "epoch-0002.keras"
    if damage == "truncated":  # what a power cut leaves of a file whose pages were not flushed
        newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])
    elif damage == "zeroed":
        newest.write_bytes(bytes(newest.stat().st_size))
    else:
        newest.unlink()
    state = checkpoints.read_checkpoint_state(tmp_path)
    assert state["epochs_done"] == 1 and state["history"] == history[:1]
    assert state["model_file"].name == "epoch-0001.keras"
    assert "after epoch 2 (epoch-0002.keras) is incomplete" in state["fallback"]
    assert "last complete checkpoint, after epoch 1" in state["fallback"]
    checkpoints.load_checkpoint_model(state)


def test_sigkill_in_the_middle_of_saving_never_leaves_a_checkpoint_taken_for_good(tmp_path, repo_root):
    """A real SIGKILL to a process that saves checkpoints without pause, at several moments."""
    import subprocess
    import sys
    import time

    script = (
        "import sys\n"
        "from segmentation import checkpoints\n"
        "from segmentation.modeling import build_model, compile_model\n"
        "from solutions import unet_model\n"
        "model = compile_model(build_model(unet_model, (32, 32, 3), 4, policy='float32', n_filters=2), 4)\n"
        "import numpy as np\n"
        "model.train_on_batch(np.zeros((2, 32, 32, 3), 'float32'), np.zeros((2, 32, 32), 'int32'))\n"
        "epoch = 0\n"
        "while True:\n"
        "    epoch += 1\n"
        "    checkpoints.save_checkpoint(sys.argv[1], model, epoch, [{'epoch': e} for e in range(1, epoch + 1)])\n"
        "    print(epoch, flush=True)\n")
    run_dir = tmp_path / "run"
    child = subprocess.Popen([sys.executable, "-c", script, str(run_dir)], cwd=repo_root,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "1"  # the model is built, saving has begun
    # Freezing the process and copying its folder gives exactly what a SIGKILL at that
    # instant leaves on disk; many freezes are many kills at different points of a save.
    left_behind = []
    try:
        for attempt in range(60):
            time.sleep(0.003 * (attempt % 11))
            os.kill(child.pid, signal.SIGSTOP)
            copy = tmp_path / f"killed-{attempt}"
            shutil.copytree(run_dir, copy)
            os.kill(child.pid, signal.SIGCONT)
            left_behind.append(copy)
            if sum(bool(list((c / "checkpoint").glob(".*partial*"))) for c in left_behind) >= 3:
                break
    finally:
        child.kill()  # and one real SIGKILL, wherever it is
        child.wait()
    left_behind.append(run_dir)
    mid_write = [copy for copy in left_behind if list((copy / "checkpoint").glob(".*partial*"))]
    assert len(mid_write) >= 3, "no freeze fell inside a save; the test saw nothing"
    for copy in left_behind:
        state = checkpoints.read_checkpoint_state(copy)
        assert state["epochs_done"] >= 1 and len(state["history"]) == state["epochs_done"]
        assert checkpoints.incomplete_reason(state["model_file"]) is None
        assert not [name for name in os.listdir(copy / "checkpoint") if "partial" in name]
    checkpoints.load_checkpoint_model(checkpoints.read_checkpoint_state(mid_write[0]))
