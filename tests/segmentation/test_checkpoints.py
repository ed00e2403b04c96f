"""Checkpoints: always one complete checkpoint on disk, clear messages when there is none."""
import json
import os
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


def test_save_then_read_keeps_only_the_latest_epoch(tmp_path, tiny_model):
    checkpoints.save_checkpoint(tmp_path, tiny_model, 1, [{"epoch": 1}])
    checkpoints.save_checkpoint(tmp_path, tiny_model, 2, [{"epoch": 1}, {"epoch": 2}])
    assert sorted(os.listdir(tmp_path / "checkpoint")) == ["epoch-0002.keras", "state.json"]
    state = checkpoints.read_checkpoint_state(tmp_path)
    assert state["epochs_done"] == 2 and state["history"] == [{"epoch": 1}, {"epoch": 2}]
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
    state = checkpoints.read_checkpoint_state(tmp_path)
    with pytest.raises(CheckpointError, match="cannot be loaded"):
        checkpoints.load_checkpoint_model(state)


def test_ctrl_c_during_a_write_waits_for_the_write_to_finish():
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with checkpoints.interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            finished.append(True)
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_interrupted_save_keeps_previous_checkpoint(tmp_path, tiny_model, monkeypatch):
    checkpoints.save_checkpoint(tmp_path, tiny_model, 1, [{"epoch": 1}])

    def full_disk(self, path, *args, **kwargs):
        open(path, "wb").write(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(tiny_model), "save", full_disk)
    from segmentation.files import OutputError

    with pytest.raises(OutputError, match="disk is full"):
        checkpoints.save_checkpoint(tmp_path, tiny_model, 2, [{"epoch": 1}, {"epoch": 2}])
    assert sorted(os.listdir(tmp_path / "checkpoint")) == ["epoch-0001.keras", "state.json"]
    assert checkpoints.read_checkpoint_state(tmp_path)["epochs_done"] == 1
