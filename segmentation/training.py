"""Train a U-Net on a CARLA dataset and fill a run folder with everything worth keeping.

    data folder -> validated pairs -> split.json -> tf.data batches
      -> model (built under the precision policy, compiled with the course's settings)
      -> fit, with a checkpoint after every epoch
      -> history.csv, accuracy.png, and on the validation split: metrics.json,
         predictions.png, iou.png, confusion.png -> model.keras, run.json

A run folder, when finished, holds:
    model.keras      the trained model (Keras 3 format, with optimizer state)
    history.csv      one row per epoch: loss, accuracy, mean IoU, the same on
                     validation, seconds, images per second
    metrics.json     pixel accuracy, mean IoU, per-class IoU on the validation split
    accuracy.png     training and validation accuracy and loss by epoch
    predictions.png  image, true mask, predicted mask for validation images
    iou.png          per-class IoU bars
    confusion.png    the confusion matrix
    split.json       which pairs were used for training, validation and test
    run.json         settings, seed, precision, versions, durations, status
While running or after Ctrl-C it also holds `checkpoint/` (see checkpoints.py).

Ctrl-C, SIGTERM and SIGHUP (see interrupts.py) during training stop after the batch
and keep the last finished epoch's checkpoint (status "interrupted": `--resume`
continues). During the final evaluation they keep the trained model as model.keras
(status "trained") and say how to finish with `python -m grader evaluate`.
"""
import datetime
import platform
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from segmentation import checkpoints, plots
from segmentation.dataset import DataError, load_data
from segmentation.errors import UsageError
from segmentation.evaluation import measure, write_results
from segmentation.files import OutputError, atomic_path, read_json, remove_quietly, write_csv, write_json
from segmentation.interrupts import StopRequest, signal_name, signum_of
from segmentation.modeling import build_model, compile_model, load_unet_builder
from segmentation.precision import detect_policy
from segmentation.quiet_tf import import_tensorflow
from segmentation.settings import TrainSettings
from segmentation.split import read_split, split_pairs, write_split

HISTORY_COLUMNS = ["epoch", "loss", "accuracy", "mean_iou", "val_loss", "val_accuracy",
                   "val_mean_iou", "seconds", "images_per_second"]
STRATEGIES = ("default", "mirrored")
EVALUATION_FILES = ("metrics.json", "predictions.png", "iou.png", "confusion.png")


@dataclass
class TrainResult:
    """How a run ended: status "finished", "interrupted" (resumable) or "trained" (stopped
    during the final evaluation; the model is kept), epochs done, validation metrics, and
    the signal that stopped it (None when it finished)."""

    status: str
    run_dir: Path
    epochs_done: int
    epochs: int
    metrics: dict = field(default=None)
    signum: int = None


class RunFolderError(UsageError):
    """The output folder cannot take a new run; the message says why and what to do."""


def default_run_dir(root="runs"):
    """runs/<YYYYmmdd-HHMMSS>, with a suffix if that folder exists already."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = Path(root) / stamp
    number = 2
    while candidate.exists():
        candidate = Path(root) / f"{stamp}-{number}"
        number += 1
    return candidate


def start_run(settings, run_dir, log=print):
    """Train a new run into `run_dir` with `settings`; return a TrainResult.

    Raises:
        RunFolderError: `run_dir` already holds a run.
        DataError, ModelError, OutputError: see their modules.
    """
    run_dir = Path(run_dir)
    if (run_dir / "run.json").exists() or checkpoints.checkpoint_folder(run_dir).exists():
        raise RunFolderError(f"{run_dir} already holds a training run. Choose another --out "
                             f"folder, or continue that run with --resume {run_dir}.")
    settings = replace(settings, data=str(Path(settings.data).resolve()),  # --resume may run elsewhere
                       source=str(Path(settings.source).resolve()) if settings.source else None)
    return _train(settings, run_dir, state=None, log=log)


def resume_run(run_dir, log=print):
    """Continue the run in `run_dir` from its checkpoint to its total number of epochs.

    Raises:
        CheckpointError: the folder has no usable checkpoint (or the run is finished).
    """
    run_dir = Path(run_dir)
    record = _read_run_record(run_dir)
    if record and record.get("status") == "finished":
        raise checkpoints.CheckpointError(
            f"--resume {run_dir}: this run finished all its epochs already; its model is "
            f"{run_dir / 'model.keras'}. Start a new run to train again.")
    if record and record.get("status") == "trained":
        raise checkpoints.CheckpointError(
            f"--resume {run_dir}: this run finished all its epochs; only its final evaluation was "
            f"stopped. Finish it with: {_evaluate_command(run_dir, record)}")
    state = checkpoints.read_checkpoint_state(run_dir)
    if state["fallback"]:
        log(state["fallback"])
    if record is None:
        raise checkpoints.CheckpointError(f"--resume {run_dir}: run.json is missing, so the run's "
                                          f"settings are unknown. Start a new run without --resume.")
    try:
        settings = TrainSettings(**{**record["settings"], "image_size": tuple(record["settings"]["image_size"])})
    except (KeyError, TypeError) as error:
        raise checkpoints.CheckpointError(f"--resume {run_dir}: run.json does not hold the run's "
                                          f"settings ({error}). Start a new run without --resume.") from None
    log(f"Resuming {run_dir} after epoch {state['epochs_done']} of {settings.epochs}.")
    return _train(settings, run_dir, state=state, log=log)


def _train(settings, run_dir, state, log):
    """The shared body of start_run and resume_run: prepare, fit, then finish or report Ctrl-C."""
    tf = import_tensorflow()
    import keras

    from segmentation.pipeline import make_dataset

    session_start = time.time()
    dataset = load_data(settings.data, log)
    classes = dataset.classes
    split = _split_for_run(dataset, settings.seed, run_dir, resuming=state is not None)
    epochs_done = state["epochs_done"] if state else 0
    history = list(state["history"]) if state else []

    policy = detect_policy(settings.precision, tf)
    keras.utils.set_random_seed(settings.seed + epochs_done)
    size = tuple(settings.image_size)
    train_data = make_dataset(split["train"], size, settings.batch_size, shuffle=True,
                              seed=settings.seed + epochs_done, cache=True)
    measured = "validation" if split["validation"] else "train"  # one pair only: no validation
    validation_data = make_dataset(split[measured], size, settings.batch_size, shuffle=False, cache=True)
    with _make_strategy(settings.strategy, tf).scope():
        model = (_new_model(settings, classes, policy) if state is None
                 else checkpoints.load_checkpoint_model(state))

    record = _run_record(settings, policy, dataset, split, run_dir, tf)
    record["sessions"] = (_read_run_record(run_dir) or {}).get("sessions", []) if state else []
    session = {"started": _now(), "from_epoch": epochs_done}
    record["sessions"].append(session)
    write_json(run_dir / "run.json", {**record, "status": "running"})
    log(f"Training {_model_name(settings)} on {len(split['train'])} images of {dataset.root} "
        f"({classes.name} layout, {classes.n_classes} classes), validating on "
        f"{len(split['validation'])}; {settings.epochs} epochs, batch {settings.batch_size}, "
        f"precision {policy}, {model.count_params():,} parameters.")
    log(f"Run folder: {run_dir}")

    def after_epoch(row):
        history.append(row)
        checkpoints.save_checkpoint(run_dir, model, len(history), history)
        write_csv(run_dir / "history.csv", history, HISTORY_COLUMNS)

    try:
        if state is None:
            checkpoints.save_checkpoint(run_dir, model, 0, history)
        with StopRequest().listening() as stop:
            model.fit(train_data, validation_data=validation_data if split["validation"] else None,
                      epochs=settings.epochs, initial_epoch=epochs_done, verbose=0, shuffle=False,
                      callbacks=[_reporter(len(split["train"]), settings.epochs, after_epoch, stop)])
        if stop.requested:
            raise stop.interrupt()  # fit ended at the batch after the signal; stop as for any Ctrl-C
        evaluation_start = time.time()
        metrics = _write_final_results(model, validation_data, measured, history, classes,
                                       dataset, run_dir)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM / SIGHUP as a StopSignal
        if len(history) >= settings.epochs:
            return _stop_during_evaluation(run_dir, record, session, history, settings.epochs, log,
                                           signum_of(interrupt))
        return _stop_for_ctrl_c(run_dir, record, session, history, settings.epochs, log,
                                signum_of(interrupt))
    except OutputError as error:  # a full disk or a read-only folder in the middle of the run
        raise _resumable_output_error(error, run_dir) from error
    checkpoints.promote_final_checkpoint(run_dir, run_dir / "model.keras")  # the last checkpoint
    session.update(ended=_now(), to_epoch=settings.epochs, status="finished")
    record["durations"] = {
        "training_s": round(sum(row["seconds"] for row in history), 2),
        "evaluation_s": round(time.time() - evaluation_start, 2),
        "this_session_s": round(time.time() - session_start, 2),
    }
    write_json(run_dir / "run.json", {**record, "status": "finished", "epochs_done": settings.epochs})
    log(f"On the {measured} split: pixel accuracy {metrics['pixel_accuracy']:.3f}, mean IoU "
        f"{metrics['mean_iou']:.3f} over {metrics['classes_present']} classes present.")
    return TrainResult("finished", run_dir, settings.epochs, settings.epochs, metrics)


def _read_run_record(run_dir):
    """run.json of `run_dir` as a dict, None if there is none; CheckpointError if it is damaged."""
    path = Path(run_dir) / "run.json"
    if not path.is_file():
        return None
    try:
        record = read_json(path)
    except (OSError, ValueError) as error:
        raise checkpoints.CheckpointError(f"--resume {run_dir}: {path} is damaged ({error}). "
                                          f"Start a new run without --resume.") from None
    if not isinstance(record, dict):
        raise checkpoints.CheckpointError(f"--resume {run_dir}: {path} is not a run record. "
                                          f"Start a new run without --resume.")
    return record


def _split_for_run(dataset, seed, run_dir, resuming):
    """A new run splits the data and writes split.json; a resumed run reads its split.json."""
    split_path = run_dir / "split.json"
    if resuming:
        return _read_run_split(split_path)
    split = split_pairs(dataset.pairs, seed=seed)
    with atomic_path(split_path) as temporary:
        write_split(split, temporary, root=dataset.root, seed=seed)
    return split


def _new_model(settings, classes, policy):
    """The chosen unet_model, built under `policy` and compiled with the course's settings."""
    builder = load_unet_builder(settings.model, settings.source)
    model = build_model(builder, tuple(settings.image_size) + (3,), classes.n_classes, policy,
                        settings.n_filters)
    return compile_model(model, classes.n_classes, settings.learning_rate)


def _write_final_results(model, validation_data, measured, history, classes, dataset, run_dir):
    """After the last epoch: history.csv, accuracy.png, metrics.json and the other pictures."""
    write_csv(run_dir / "history.csv", history, HISTORY_COLUMNS)
    if history:
        plots.plot_history(history, run_dir / "accuracy.png")
    matrix, examples = measure(model, validation_data, classes.n_classes)
    metrics = write_results(run_dir, matrix, examples, classes, measured,
                            extra={"model": str(run_dir / "model.keras"), "data": str(dataset.root)})
    return metrics


def _stop_for_ctrl_c(run_dir, record, session, history, epochs, log, signum):
    """Ctrl-C, SIGTERM or SIGHUP: keep the last complete checkpoint, record the stop, say how to resume."""
    with checkpoints.interrupts_deferred():
        saved = checkpoints.read_checkpoint_state(run_dir)["epochs_done"]
        if history:
            write_csv(run_dir / "history.csv", history[:saved], HISTORY_COLUMNS)
        session.update(ended=_now(), to_epoch=saved, status="interrupted", signal=signal_name(signum))
        write_json(run_dir / "run.json", {**record, "status": "interrupted", "epochs_done": saved})
    dropped = " (the unfinished epoch is dropped)" if saved < epochs else ""
    _say(log, f"\nInterrupted{_by(signum)}. The checkpoint after epoch {saved} of {epochs} is saved in "
              f"{checkpoints.checkpoint_folder(run_dir)}{dropped}.\n"
              f"Resume with: python -m grader train --resume {run_dir}")
    return TrainResult("interrupted", run_dir, saved, epochs, signum=signum)


def _stop_during_evaluation(run_dir, record, session, history, epochs, log, signum):
    """A stop after the last epoch: keep the trained model, drop half the results, say how to finish."""
    with checkpoints.interrupts_deferred():
        if not (run_dir / "model.keras").is_file():
            checkpoints.promote_final_checkpoint(run_dir, run_dir / "model.keras")
        for name in EVALUATION_FILES:  # a half-done evaluation must not look like a done one
            remove_quietly(run_dir / name)
        write_csv(run_dir / "history.csv", history, HISTORY_COLUMNS)
        session.update(ended=_now(), to_epoch=epochs, status="evaluation interrupted",
                       signal=signal_name(signum))
        write_json(run_dir / "run.json", {**record, "status": "trained", "epochs_done": epochs})
    _say(log, f"\nInterrupted{_by(signum)} during the final evaluation. Training is complete: the "
              f"model after all {epochs} epochs is kept as {run_dir / 'model.keras'}; "
              f"{', '.join(EVALUATION_FILES)} were not written.\n"
              f"Finish the evaluation with: {_evaluate_command(run_dir, record)}")
    return TrainResult("trained", run_dir, epochs, epochs, signum=signum)


def _resumable_output_error(error, run_dir):
    """`error` (a file that could not be written), with how to go on from the checkpoint that is kept."""
    try:
        saved = checkpoints.read_checkpoint_state(run_dir)["epochs_done"]
    except checkpoints.CheckpointError:
        return error
    return OutputError(f"{error} The run is not lost: the checkpoint after epoch {saved} is kept in "
                       f"{checkpoints.checkpoint_folder(run_dir)}. Once {run_dir} can be written again "
                       f"(space freed, permissions back), continue with: python -m grader train --resume "
                       f"{run_dir}")


def _evaluate_command(run_dir, record):
    """The `python -m grader evaluate` line that writes a run's missing results into its folder."""
    data = (record.get("data") or {}).get("folder") or (record.get("settings") or {}).get("data")
    return f"python -m grader evaluate {run_dir / 'model.keras'} --data {data} --out {run_dir}"


def _by(signum):
    """' by SIGTERM' for a signal other than Ctrl-C's SIGINT."""
    name = signal_name(signum)
    return "" if name == "SIGINT" else f" by {name}"


def _say(log, text):
    """`log(text)`, where a closed terminal (after SIGHUP) must not turn a clean stop into a crash."""
    try:
        log(text)
    except OSError:
        pass


def _reporter(n_train_images, epochs, on_row, stop):
    """The progress callback (imported here: it needs Keras)."""
    from segmentation.progress import EpochReporter

    return EpochReporter(n_train_images, epochs, on_row, stop=stop)


def _read_run_split(path):
    """The run's split.json, checked so a moved or changed dataset is reported clearly."""
    if not path.is_file():
        raise checkpoints.CheckpointError(f"{path} is missing, so the run's training images are "
                                          f"unknown. Start a new run without --resume.")
    split = read_split(path)
    missing = [str(file) for part in ("train", "validation") for pair in split[part]
               for file in pair if not Path(file).is_file()]
    if missing:
        raise DataError(f"{len(missing)} file(s) of this run's data are gone, for example "
                        f"{missing[0]}. Put the data back where it was trained from "
                        f"({split.get('root')}), or start a new run.")
    return split


def _make_strategy(name, tf):
    """The tf.distribute strategy for `--strategy`: the default one, or MirroredStrategy."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name != "default":
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, not {name!r}")
    return tf.distribute.get_strategy()


def _model_name(settings):
    """How the trained model is named in messages."""
    if settings.source:
        return f"unet_model from {settings.source}"
    return {"exercises": "your U-Net (exercises)", "solutions": "the reference U-Net (solutions)"}.get(
        settings.model, settings.model)


def _now():
    return datetime.datetime.now().isoformat(timespec="seconds")


def _run_record(settings, policy, dataset, split, run_dir, tf):
    """The run.json content that does not change during training."""
    import keras
    import numpy

    return {
        "settings": {**asdict(settings), "image_size": list(settings.image_size)},
        "seed": settings.seed,
        "precision_policy": policy,
        "data": {"folder": str(dataset.root), "layout": dataset.layout,
                 "classes": dataset.classes.names, "pairs": len(dataset.pairs),
                 "synthetic": bool(getattr(dataset, "synthetic", False)),
                 "split": {part: len(split[part]) for part in ("train", "validation", "test")}},
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__,
                     "keras": keras.__version__, "numpy": numpy.__version__},
        "machine": {"platform": platform.platform(), "processor": platform.machine(),
                    "gpus": [gpu.name for gpu in tf.config.list_physical_devices("GPU")]},
        "run_dir": str(run_dir),
    }
