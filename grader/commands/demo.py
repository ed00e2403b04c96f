"""`python -m grader demo`: the main job that `make demo` runs.

1. grade the reference solutions (`python -m grader all --solutions`), which must score 100%;
2. train the reference U-Net on the bundled synthetic sample with `--quick`;
3. say where the pictures are.
It takes a few minutes on a 2-core laptop.
"""
import sys

EXIT_TOOL = 2


def register(subparsers):
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="what `make demo` runs: grade the reference, train it briefly, show the pictures")
    parser.add_argument("--out", metavar="DIR", help="run folder for the training (default: runs/<date-time>)")
    parser.set_defaults(handler=run)


def run(args):
    """Grade the reference, then train it with --quick; return the exit code."""
    import importlib.util

    from grader.cli import main

    if importlib.util.find_spec("solutions") is None:
        print("The demo grades and trains the reference solutions, which this package (a student "
              "bundle) leaves out. Train your own U-Net instead: python -m grader train --quick",
              file=sys.stderr)
        return EXIT_TOOL
    print("U-Net course demo, step 1 of 2: grading the reference solutions "
          "(python -m grader all --solutions).\n", flush=True)
    code = main(["all", "--solutions", "--seed", "0"])
    if code != 0:
        print("The reference solutions do not pass their own grader, so the package is broken; "
              "reinstall it (make clean && make demo) or report this to the course staff.",
              file=sys.stderr)
        return EXIT_TOOL
    print("\nU-Net course demo, step 2 of 2: training the reference U-Net briefly "
          "(python -m grader train --model solutions --quick).\n", flush=True)
    train_args = ["train", "--model", "solutions", "--quick"]
    if args.out:
        train_args += ["--out", args.out]
    return main(train_args)
