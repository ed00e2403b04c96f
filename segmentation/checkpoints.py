"""Checkpoints of a training run: one after every epoch, safe against Ctrl-C and full disks.

A run folder's `checkpoint/` holds
- `epoch-NNNN.keras`: the model after epoch NNNN, with its optimizer state;
- `state.json`: which epoch file is current, how many epochs are done, the history so far.

Saving writes the new `.keras` file first (atomically), then `state.json` (atomically),
then deletes older epoch files, so at every instant `state.json` names a complete
checkpoint. Ctrl-C arriving while a checkpoint is written is held back until the
write is finished (`interrupts_deferred`). Epoch 0 (the initial model) is saved
before training starts, so even an interrupt during the first epoch can be resumed.
"""
import contextlib
import os
import shutil
import signal
import threading
from pathlib import Path

from segmentation.errors import UsageError
from segmentation.files import atomic_path, read_json, write_json

CHECKPOINT_FOLDER = "checkpoint"
STATE_FILE = "state.json"


class CheckpointError(UsageError):
    """A run folder has no usable checkpoint; the message says why and what to do."""


def checkpoint_folder(run_dir):
    """RUN_DIR/checkpoint."""
    return Path(run_dir) / CHECKPOINT_FOLDER


@contextlib.contextmanager
def interrupts_deferred():
    """Hold back Ctrl-C (SIGINT) inside the block; raise KeyboardInterrupt after it if one came.

    Outside the main thread signals cannot be caught, and the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def save_checkpoint(run_dir, model, epochs_done, history):
    """Save `model` (with optimizer state) as the checkpoint after `epochs_done` epochs.

    Arguments:
        run_dir: the run folder.
        model: the compiled Keras model.
        epochs_done: how many epochs are complete (0 before training).
        history: list of per-epoch dicts so far (len == epochs_done).
    """
    folder = checkpoint_folder(run_dir)
    name = f"epoch-{epochs_done:04d}.keras"
    with interrupts_deferred():
        with atomic_path(folder / name) as temporary:
            model.save(temporary)
        write_json(folder / STATE_FILE, {"epochs_done": epochs_done, "model_file": name,
                                         "history": history})
        for old in folder.glob("epoch-*.keras"):
            if old.name != name:
                old.unlink(missing_ok=True)


def read_checkpoint_state(run_dir):
    """The checkpoint state of `run_dir`: {"epochs_done", "model_file", "history"}.

    Raises:
        CheckpointError: no run folder, no checkpoint, or a damaged one.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise CheckpointError(f"--resume {run_dir}: there is no such folder. Give the run folder "
                              f"that `python -m grader train` printed (for example runs/<time>).")
    state_path = checkpoint_folder(run_dir) / STATE_FILE
    if not state_path.is_file():
        raise CheckpointError(f"--resume {run_dir}: this folder has no checkpoint "
                              f"({CHECKPOINT_FOLDER}/{STATE_FILE} is missing), so there is nothing "
                              f"to resume. Give the folder of an interrupted training run, or start "
                              f"a new run without --resume.")
    try:
        state = read_json(state_path)
        model_path = checkpoint_folder(run_dir) / state["model_file"]
        epochs_done = int(state["epochs_done"])
        history = list(state["history"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"--resume {run_dir}: the checkpoint record {state_path} is damaged "
                              f"({error}). Start a new run without --resume.") from None
    if not model_path.is_file():
        raise CheckpointError(f"--resume {run_dir}: the checkpoint names {model_path.name}, which "
                              f"is missing from {checkpoint_folder(run_dir)}. Start a new run "
                              f"without --resume.")
    return {"epochs_done": epochs_done, "model_file": model_path, "history": history}


def load_checkpoint_model(state):
    """The compiled model (optimizer state included) of a state from `read_checkpoint_state`."""
    from segmentation.quiet_tf import import_tensorflow

    import_tensorflow()
    import keras

    try:
        return keras.models.load_model(state["model_file"], compile=True)
    except Exception as error:  # a damaged or foreign file: say so in one line
        raise CheckpointError(f"The checkpoint {state['model_file']} cannot be loaded "
                              f"({str(error).splitlines()[0] if str(error) else type(error).__name__})."
                              f" Start a new run without --resume.") from None


def promote_final_checkpoint(run_dir, final_path):
    """Move the last checkpoint's model to `final_path` and delete the checkpoint folder.

    Called when all epochs are done: the final model is the last checkpoint, so it is
    moved, not written again.
    """
    state = read_checkpoint_state(run_dir)
    with interrupts_deferred():
        os.replace(state["model_file"], final_path)
        shutil.rmtree(checkpoint_folder(run_dir), ignore_errors=True)
