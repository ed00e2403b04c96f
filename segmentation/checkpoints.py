"""Checkpoints of a training run: one after every epoch, safe against Ctrl-C and full disks.

A run folder's `checkpoint/` holds
- `epoch-NNNN.keras`: the model after epoch NNNN, with its optimizer state;
- `state.json`: which epoch file is current, how many epochs are done, the history so far.

Saving writes the new `.keras` file first under a temporary name, flushes it to the
disk (fsync), moves it into place (`os.replace`) and flushes the folder, then writes
`state.json` the same way, then deletes the epoch files older than the one before, so
at every instant `state.json` names a checkpoint that was complete when it was named.
Ctrl-C, SIGTERM or SIGHUP arriving while a checkpoint is written is held back until
the write is finished (`interrupts_deferred`); SIGKILL or a power cut in the middle
leaves only a hidden `.partial` file, which `read_checkpoint_state` ignores and
removes. Should the named file still be damaged (a disk that lied about its flush),
`read_checkpoint_state` checks every file of the `.keras` zip against its CRC and
falls back to the previous epoch's checkpoint, saying so. Epoch 0 (the initial model)
is saved before training starts, so even an interrupt during the first epoch can be
resumed.
"""
import os
import re
import shutil
import zipfile
from pathlib import Path

from segmentation.errors import UsageError
from segmentation.files import atomic_path, fsync_folder, read_json, remove_quietly, write_json
from segmentation.interrupts import deferred

EPOCH_FILE = re.compile(r"^epoch-(\d+)\.keras$")
KEPT_CHECKPOINTS = 2  # the newest and the one before, in case the newest was not flushed

CHECKPOINT_FOLDER = "checkpoint"
STATE_FILE = "state.json"


class CheckpointError(UsageError):
    """A run folder has no usable checkpoint; the message says why and what to do."""


def checkpoint_folder(run_dir):
    """RUN_DIR/checkpoint."""
    return Path(run_dir) / CHECKPOINT_FOLDER


def interrupts_deferred():
    """Hold back Ctrl-C, SIGTERM and SIGHUP inside the block; raise the first after it.

    (`segmentation.interrupts.deferred`, under the name the checkpoint code knows it by.)
    """
    return deferred()


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
            with open(temporary, "rb") as handle:  # on the disk before its name is used
                os.fsync(handle.fileno())
        fsync_folder(folder)
        write_json(folder / STATE_FILE, {"epochs_done": epochs_done, "model_file": name,
                                         "history": history})
        for number, old in _epoch_files(folder)[KEPT_CHECKPOINTS:]:
            old.unlink(missing_ok=True)


def _epoch_files(folder):
    """[(epochs done, path)] of the epoch-NNNN.keras files in `folder`, newest first."""
    found = [(int(match.group(1)), path) for path in Path(folder).glob("epoch-*.keras")
             if (match := EPOCH_FILE.match(path.name))]
    return sorted(found, reverse=True)


def incomplete_reason(model_path):
    """Why the `.keras` file at `model_path` is not a complete checkpoint; None if it is.

    A `.keras` file is a zip; a file cut short by a kill or a power cut fails to open
    or fails the CRC check of one of its members.
    """
    try:
        with zipfile.ZipFile(model_path) as archive:
            damaged = archive.testzip()
            names = set(archive.namelist())
    except FileNotFoundError:
        return "it is missing"
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as error:
        return f"it is cut short or damaged ({error})"
    if damaged is not None:
        return f"its part {damaged} is damaged"
    if "config.json" not in names:
        return "it holds no model configuration"
    return None


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
    for leftover in checkpoint_folder(run_dir).glob(".*.partial.*"):  # a write that was killed
        remove_quietly(leftover)
    if not model_path.is_file() and not _epoch_files(checkpoint_folder(run_dir)):
        raise CheckpointError(f"--resume {run_dir}: the checkpoint names {model_path.name}, which "
                              f"is missing from {checkpoint_folder(run_dir)}. Start a new run "
                              f"without --resume.")
    reason = incomplete_reason(model_path) if model_path.suffix == ".keras" else None
    if reason is None:
        return {"epochs_done": epochs_done, "model_file": model_path, "history": history,
                "fallback": None}
    return _previous_complete(run_dir, model_path, epochs_done, history, reason)


def _previous_complete(run_dir, named, epochs_done, history, reason):
    """The newest complete checkpoint older than the damaged one `named`, with a note on why."""
    for number, path in _epoch_files(checkpoint_folder(run_dir)):
        if number < epochs_done and number <= len(history) and incomplete_reason(path) is None:
            note = (f"The checkpoint after epoch {epochs_done} ({named.name}) is incomplete: "
                    f"{reason}. Using the last complete checkpoint, after epoch {number}; "
                    f"epochs {number + 1} to {epochs_done} will be trained again.")
            return {"epochs_done": number, "model_file": path, "history": history[:number],
                    "fallback": note}
    raise CheckpointError(f"--resume {run_dir}: the checkpoint {named} is incomplete ({reason}) "
                          f"and no complete earlier one is left in {checkpoint_folder(run_dir)}. "
                          f"Start a new run without --resume.")


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
