"""`python -m grader notebook`: write the course notebook, built from the exercise modules."""
from pathlib import Path

from grader.console import EXIT_OK, UsageError
from grader.notebook.builder import NOTEBOOK_NAME, QUICK_BUDGET, TrainingBudget


def register(subparsers):
    """Add the `notebook` subcommand."""
    parser = subparsers.add_parser(
        "notebook", help="write the course notebook (unet.ipynb) made from exercises/unet.py")
    parser.add_argument("--out", type=Path, default=Path(NOTEBOOK_NAME),
                        help=f"where to write it (default: ./{NOTEBOOK_NAME})")
    parser.add_argument("--solutions", action="store_true",
                        help="fill the graded cells with the reference solutions (instructors)")
    parser.add_argument("--epochs", type=int, default=TrainingBudget.epochs,
                        help=f"epochs of the notebook's training run (default {TrainingBudget.epochs})")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny training run (1 epoch, 8 images, 4 filters) for smoke tests")
    parser.add_argument("--force", action="store_true",
                        help="overwrite --out if it exists (it may hold a student's work)")
    parser.set_defaults(handler=run)


def run(args):
    """Build the notebook and write it; a usage error rather than overwrite a file without --force."""
    from grader.notebook.builder import build_notebook, write_notebook
    from grader.notebook.module_text import MissingModuleError

    if args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1 (got {args.epochs}).")
    if args.out.exists() and not args.force:
        raise UsageError(f"{args.out} exists already and may hold someone's work, so it was left as it is. "
                         f"Choose another file with --out, or add --force to overwrite it.")
    budget = QUICK_BUDGET if args.quick else TrainingBudget(epochs=args.epochs)
    try:
        notebook = build_notebook(solutions=args.solutions, budget=budget)
    except MissingModuleError as error:
        raise UsageError(str(error)) from None
    try:
        path = write_notebook(notebook, args.out)
    except OSError as error:
        raise UsageError(f"Could not write {args.out}: {error.strerror or error}. Choose another --out.") from None
    kind = "the reference solutions" if args.solutions else "the exercise stubs"
    print(f"Wrote {path} ({len(notebook.cells)} cells; graded cells hold {kind}). "
          f"Open it with `jupyter notebook {path}`; grade it with "
          f"`python -m grader all --source {path}`.")
    return EXIT_OK
