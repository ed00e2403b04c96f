"""`python -m grader train`: train the U-Net on CARLA frames and write a run folder.

The work is done by `segmentation.training`; this module parses the options and
checks the student's code with the grader first. Exit codes (see console.py): 0 done or
interrupted by Ctrl-C, 128 + the signal when SIGTERM (143) or SIGHUP (129) stopped it
(the checkpoint or the trained model is kept all the same), 1 the data or the model is at
fault, 2 a usage or output problem.
"""
from grader.console import EXIT_OK, UsageError
from segmentation import settings as defaults

# option -> the TrainSettings field it sets (the defaults live in TrainSettings alone)
SETTINGS_OF_OPTIONS = {"model": "model", "source": "source", "epochs": "epochs", "batch_size": "batch_size",
                       "precision": "precision", "strategy": "strategy", "seed": "seed",
                       "image_size": "image_size", "filters": "n_filters"}
TRAINING_OPTIONS = ("data", "quick", "out", *SETTINGS_OF_OPTIONS)


def register(subparsers):
    """Add the `train` subcommand."""
    parser = subparsers.add_parser(
        "train", help="train the U-Net and write model, metrics and pictures to a run folder",
        description="Train the U-Net (yours by default) on CARLA frames. Writes model.keras, "
                    "history.csv, metrics.json, accuracy.png, predictions.png, iou.png, "
                    "confusion.png, split.json and run.json into the run folder. Ctrl-C keeps "
                    "the last epoch's checkpoint; --resume continues from it.")
    parser.add_argument("--data", metavar="DIR",
                        help="dataset folder (course or Lyft-Udacity layout); default: the bundled "
                             "synthetic sample")
    parser.add_argument("--model", choices=["exercises", "solutions"],
                        help="whose unet_model to train (default: exercises, your own)")
    parser.add_argument("--source", metavar="PATH", help="train unet_model from this Python file")
    parser.add_argument("--epochs", type=_positive, metavar="N",
                        help=f"epochs (default: {defaults.COURSE_EPOCHS}; --quick: {defaults.QUICK_EPOCHS})")
    parser.add_argument("--batch-size", type=_positive, metavar="N",
                        help=f"images per batch (default: {defaults.COURSE_BATCH_SIZE}; "
                             f"--quick: {defaults.QUICK_BATCH_SIZE})")
    parser.add_argument("--precision", choices=["auto", "float32", "mixed"],
                        help="auto (default): mixed bfloat16 on CPUs that support it, mixed "
                             "float16 on NVIDIA GPUs, float32 otherwise")
    parser.add_argument("--strategy", choices=["default", "mirrored"],
                        help="mirrored: train across all local GPUs (tf.distribute.MirroredStrategy)")
    parser.add_argument("--seed", type=int, metavar="N", help="seed of split, shuffle and weights (default: 0)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a short run for demos: {defaults.QUICK_EPOCHS} epochs of batch "
                             f"{defaults.QUICK_BATCH_SIZE} (unless --epochs or "
                             "--batch-size say otherwise)")
    parser.add_argument("--out", metavar="DIR", help="run folder (default: runs/<date-time>)")
    parser.add_argument("--resume", metavar="DIR",
                        help="continue the interrupted run in DIR to its total number of epochs")
    parser.add_argument("--image-size", type=_image_size, metavar="HxW",
                        help="resize images to H x W, multiples of 16 (default: {}x{})".format(
                            *defaults.IMAGE_SIZE))
    parser.add_argument("--filters", type=_positive, metavar="N",
                        help=f"filters of the U-Net's first block (default: {defaults.N_FILTERS}, the course's)")
    parser.set_defaults(handler=run)


def _positive(text):
    """argparse type: an integer >= 1."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _image_size(text):
    """argparse type: 'HxW' with both multiples of 16 -> (H, W)."""
    import argparse

    try:
        height, width = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH such as 96x128, got {text!r}") from None
    if height < 16 or width < 16 or height % 16 or width % 16:
        raise argparse.ArgumentTypeError(f"height and width must be multiples of 16 (the U-Net "
                                         f"halves them four times), got {text!r}")
    return height, width


def run(args):
    """Train (or resume) as the parsed options say; return the exit code."""
    return train_and_report(**{name: getattr(args, name) for name in TRAINING_OPTIONS + ("resume",)})


def train_and_report(resume=None, **options):
    """Train a new run with `options` (the `train` options by name), or resume one; return the exit code.

    SIGTERM and SIGHUP stop it as Ctrl-C does (see segmentation/interrupts.py).
    """
    from segmentation.interrupts import signals_as_interrupts
    from segmentation.training import resume_run

    if resume:
        given = [f"--{name.replace('_', '-')}" for name, value in options.items() if value not in (None, False)]
        if given:
            raise UsageError(f"--resume continues a run with the settings it started with; leave out "
                             f"{', '.join(given)}.")
    with signals_as_interrupts():
        result = resume_run(resume) if resume else start_from_options(**options)
    if result.status == "finished":
        print_pictures(result.run_dir)
    return exit_code_of(result)


def exit_code_of(result):
    """0 for a finished run or one stopped by Ctrl-C; 128 + the signal for SIGTERM or SIGHUP."""
    import signal

    if result.signum is None or result.signum == signal.SIGINT:
        return EXIT_OK
    return 128 + int(result.signum)


def start_from_options(data=None, quick=False, out=None, log=print, **options):
    """Start a new run: the student's code is checked by the grader first, then trained."""
    from dataclasses import replace

    from grader.runner.precheck import check_student_code
    from segmentation.training import default_run_dir, start_run

    if data is None:
        from segmentation.synth import default_sample_dir

        log("No --data given: training on the bundled SYNTHETIC sample (drawn street scenes, not "
            "real CARLA frames; written on first use). Give --data DIR for real frames.")
        data = str(default_sample_dir())
    settings = defaults.TrainSettings.quick(data) if quick else defaults.TrainSettings(data)
    settings = replace(settings, **{SETTINGS_OF_OPTIONS[name]: value for name, value in options.items()
                                    if value is not None})
    if settings.source is not None or settings.model == "exercises":
        check_student_code(settings.source)
    return start_run(settings, out or default_run_dir(), log=log)


def print_pictures(run_dir):
    """Say where the results of a finished run are."""
    print(f"\nDone. Results in {run_dir}/:")
    print("  model.keras, history.csv, metrics.json, split.json, run.json")
    print("  pictures: " + ", ".join(str(run_dir / name) for name in
                                     ("predictions.png", "accuracy.png", "iou.png", "confusion.png")))
