"""`python -m grader train`: train the U-Net on CARLA frames and write a run folder.

The work is done by `segmentation.training`; this module parses the options,
checks the student's code with the grader first, and turns errors into messages
and exit codes (0 done or interrupted, 1 the data or the model is at fault,
2 a usage or output problem).
"""
import sys

from grader.runner_errors import EXIT_OK, EXIT_USAGE, exit_code_of

TRAINING_OPTIONS = ("data", "model", "source", "epochs", "batch_size", "precision", "strategy",
                    "seed", "quick", "out", "image_size", "filters")


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
    parser.add_argument("--epochs", type=_positive, metavar="N", help="epochs (default: 40; --quick: 15)")
    parser.add_argument("--batch-size", type=_positive, metavar="N", help="images per batch (default: 32; --quick: 8)")
    parser.add_argument("--precision", choices=["auto", "float32", "mixed"],
                        help="auto (default): mixed bfloat16 on CPUs that support it, mixed "
                             "float16 on NVIDIA GPUs, float32 otherwise")
    parser.add_argument("--strategy", choices=["default", "mirrored"],
                        help="mirrored: train across all local GPUs (tf.distribute.MirroredStrategy)")
    parser.add_argument("--seed", type=int, metavar="N", help="seed of split, shuffle and weights (default: 0)")
    parser.add_argument("--quick", action="store_true",
                        help="a short run for demos: 15 epochs of batch 8 (unless --epochs or "
                             "--batch-size say otherwise)")
    parser.add_argument("--out", metavar="DIR", help="run folder (default: runs/<date-time>)")
    parser.add_argument("--resume", metavar="DIR",
                        help="continue the interrupted run in DIR to its total number of epochs")
    parser.add_argument("--image-size", type=_image_size, metavar="HxW",
                        help="resize images to H x W, multiples of 16 (default: 96x128)")
    parser.add_argument("--filters", type=_positive, metavar="N",
                        help="filters of the U-Net's first block (default: 32, the course's)")
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
    """Train (or resume), print where the results are; return the exit code."""
    return exit_code_of(lambda: _train(args))


def _train(args):
    from segmentation.training import resume_run

    if args.resume:
        given = [f"--{name.replace('_', '-')}" for name in TRAINING_OPTIONS
                 if getattr(args, name, None) not in (None, False)]
        if given:
            print(f"--resume continues a run with the settings it started with; leave out "
                  f"{', '.join(given)}.", file=sys.stderr)
            return EXIT_USAGE
        result = resume_run(args.resume)
    else:
        result = start_from_args(args)
    if result.status == "finished":
        print_pictures(result.run_dir)
    return EXIT_OK


def start_from_args(args, log=print):
    """Start a new run from parsed `train` options (also used by `demo`)."""
    from grader.student_check import check_student_code
    from segmentation.training import (COURSE_EPOCHS, QUICK_BATCH_SIZE, QUICK_EPOCHS, TrainSettings,
                                      default_run_dir, start_run)

    data = args.data
    if data is None:
        from segmentation.synth import default_sample_dir

        log("No --data given: training on the bundled SYNTHETIC sample (drawn street scenes, not "
            "real CARLA frames; written on first use). Give --data DIR for real frames.")
        data = str(default_sample_dir())
    model = args.model or "exercises"
    if args.source is not None or model == "exercises":
        check_student_code(args.source)
    settings = TrainSettings(
        data=data, model=model, source=args.source,
        epochs=args.epochs or (QUICK_EPOCHS if args.quick else COURSE_EPOCHS),
        batch_size=args.batch_size or (QUICK_BATCH_SIZE if args.quick else 32),
        precision=args.precision or "auto",
        strategy=args.strategy or "default", seed=args.seed if args.seed is not None else 0,
        image_size=args.image_size or (96, 128), n_filters=args.filters or 32)
    return start_run(settings, args.out or default_run_dir(), log=log)


def print_pictures(run_dir):
    """Say where the results of a finished run are."""
    print(f"\nDone. Results in {run_dir}/:")
    print("  model.keras, history.csv, metrics.json, split.json, run.json")
    print("  pictures: " + ", ".join(str(run_dir / name) for name in
                                     ("predictions.png", "accuracy.png", "iou.png", "confusion.png")))
