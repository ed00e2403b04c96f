"""`python -m grader demo`: the main job that `make demo` runs.

1. grade the reference solutions (`python -m grader all --solutions`), which must score 100%;
2. train the reference U-Net on the bundled synthetic sample with `--quick`;
3. say where the pictures are.
It takes a few minutes on a 2-core laptop.
"""
import importlib.util

from grader.commands import grade, train
from grader.console import EXIT_OK, ToolFailure, UsageError
from grader.exercises import COURSE


def register(subparsers):
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="what `make demo` runs: grade the reference, train it briefly, show the pictures")
    parser.add_argument("--out", metavar="DIR", help="run folder for the training (default: runs/<date-time>)")
    parser.set_defaults(handler=run)


def run(args):
    """Grade the reference, then train it with --quick; return the exit code."""
    if importlib.util.find_spec(COURSE.reference_package) is None:
        raise UsageError("The demo grades and trains the reference solutions, which this package (a student "
                         "bundle) leaves out. Train your own U-Net instead: python -m grader train --quick")
    print("U-Net course demo, step 1 of 2: grading the reference solutions "
          "(python -m grader all --solutions).\n", flush=True)
    if grade.grade_and_report(COURSE.names, solutions=True, seed=0) != EXIT_OK:
        raise ToolFailure("the reference solutions do not pass their own grader, so the package is broken; "
                          "reinstall it (make clean && make demo) or report this to the course staff.")
    print("\nU-Net course demo, step 2 of 2: training the reference U-Net briefly "
          "(python -m grader train --model solutions --quick).\n", flush=True)
    return train.train_and_report(model="solutions", quick=True, out=args.out)
