"""`python -m grader data check|synth`: validate a dataset folder, or write the synthetic sample."""
import argparse
import time
import warnings

from grader.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, problem


def register(subparsers):
    """Add the `data` subcommand with its `check` and `synth` actions."""
    parser = subparsers.add_parser("data", help="check a dataset folder or write the synthetic sample")
    parser.set_defaults(handler=run, data_parser=parser)
    actions = parser.add_subparsers(dest="data_command", metavar="ACTION")

    check = actions.add_parser(
        "check", help="report a dataset's layout, pairs, classes and the files left out",
        description="Detect the layout of DIR (course: CameraRGB + CameraMask; Lyft-Udacity: "
                    "CameraRGB + CameraSeg), open every file and report what is usable. "
                    "Exit 0 when the data is usable, 1 when it is not.")
    check.add_argument("dir", metavar="DIR", help="the dataset folder (holding CameraRGB/)")
    check.add_argument("--layout", choices=["course", "lyft"],
                       help="force a layout instead of detecting it")
    check.add_argument("--strict", action="store_true",
                       help="treat any unusable file as an error (exit 1) instead of leaving it out")

    synth = actions.add_parser(
        "synth", help="write SYNTHETIC CARLA-format street scenes (course layout)",
        description="Draw N synthetic street scenes in the course layout (480x640 RGBA, "
                    "23 CARLA classes in the mask's red channel). Same seed, same bytes. "
                    "They are procedurally drawn, not real CARLA frames.")
    synth.add_argument("--out", required=True, metavar="DIR",
                       help="folder to write (new, empty, or an earlier synthetic sample)")
    synth.add_argument("-n", type=_positive_int, default=None, metavar="N",
                       help="number of scenes (default: 80, the bundled sample's size)")
    synth.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")


def _positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def run(args):
    """Run `data check` or `data synth`; return the exit code."""
    if args.data_command == "check":
        return run_check(args)
    if args.data_command == "synth":
        return run_synth(args)
    args.data_parser.print_help()
    return EXIT_USAGE


def run_check(args):
    """Print the dataset report; 0 when usable, 1 when not."""
    from segmentation.dataset import DataError, DataWarning, load_dataset

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # the report below names the files
            dataset = load_dataset(args.dir, layout=args.layout)
    except DataError as error:
        problem(f"Data check failed. {error}")
        return EXIT_FAILED
    print(dataset.describe())
    if args.strict:
        try:
            dataset.check_strict()
        except DataError as error:
            problem(f"\nNot usable with --strict. {error}")
            return EXIT_FAILED
    left_out = (f"; {len(dataset.report)} file(s) left out (listed above)" if dataset.report else "")
    print(f"\nUsable: {len(dataset.pairs)} pairs, {dataset.layout} layout, "
          f"{dataset.classes.n_classes} classes{left_out}.")
    return EXIT_OK


def run_synth(args):
    """Write the synthetic sample; 0 on success, 2 when the folder cannot be used."""
    from segmentation.dataset import DataError
    from segmentation.synth import SAMPLE_SIZE, write_synthetic_dataset

    n = args.n or SAMPLE_SIZE
    print(f"Writing {n} SYNTHETIC CARLA-format street scenes (course layout, 480x640 RGBA, "
          f"23 classes, seed {args.seed}) to {args.out} ...")
    start = time.perf_counter()
    try:
        out = write_synthetic_dataset(args.out, n=n, seed=args.seed)
    except DataError as error:
        problem(f"Nothing written. {error}")
        return EXIT_USAGE
    except OSError as error:
        problem(f"Could not write the synthetic sample to {args.out}: {error}. Check that the "
              f"folder is writable and the disk has space (about 0.8 MB per scene).")
        return EXIT_USAGE
    print(f"Wrote {n} synthetic scenes to {out} in {time.perf_counter() - start:.1f} s. "
          f"They are procedurally drawn, not real CARLA frames (see {out}/README.txt).\n"
          f"Look at them with: python -m grader data check {out}")
    return EXIT_OK
