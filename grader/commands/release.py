"""`python -m grader release OUT_DIR [--gradescope]`: write the student bundle (no solution code in it),
and with --gradescope also Gradescope's autograder zip, OUT_DIR-autograder.zip beside it.

The instructor's tools (grader/instructor/) are not part of a bundle: there the command
says so.
"""
import importlib.util
import json
import warnings
from pathlib import Path

from grader.console import EXIT_OK, UsageError

INSTRUCTOR_PACKAGE = "grader.instructor"


def register(subparsers):
    """Add the `release` subcommand."""
    parser = subparsers.add_parser(
        "release", help="write the student bundle: exercises, notebook, grader, stored expectations, CI")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="a new (or empty) folder for the bundle")
    parser.add_argument("--seeds", type=int, default=None, metavar="N",
                        help="how many seeds of random configurations to store (default 20); "
                             "each is a different set of random checks a student can get")
    parser.add_argument("--gradescope", action="store_true",
                        help="also write Gradescope's autograder zip, OUT_DIR-autograder.zip beside the bundle "
                             "(upload it at Configure Autograder > Zip file upload)")
    parser.set_defaults(handler=run)


def run(args):
    """Make the bundle; exit 0, or a usage error saying why it cannot be made."""
    if importlib.util.find_spec(INSTRUCTOR_PACKAGE) is None:
        raise UsageError("release is an instructor's command, and this student bundle leaves the "
                         "instructor's tools (and `solutions/`) out. Make releases from the full course package.")
    from grader.grading.stored import ExpectationsError
    from grader.instructor import expectations
    from grader.instructor.gradescope import zip_path
    from grader.instructor.release import EXPECTATIONS_PATH, ReleaseError, make_release
    from grader.notebook.module_text import MissingModuleError
    from segmentation.files import write_text
    from segmentation.quiet_tf import import_tensorflow

    pool_size = expectations.DEFAULT_POOL_SIZE if args.seeds is None else args.seeds
    if pool_size < 1:
        raise UsageError(f"--seeds must be at least 1 (got {pool_size}).")

    def write_expectations(bundle):
        import_tensorflow()
        warnings.filterwarnings("ignore", module="keras")  # Keras' notes on input structure
        data = expectations.make(expectations.new_pool(pool_size), log=lambda line: print(f"    {line}"))
        write_text(bundle / EXPECTATIONS_PATH, json.dumps(data, separators=(",", ":")))

    what = "bundle and the Gradescope autograder zip" if args.gradescope else "bundle"
    nothing = "Neither the bundle nor the autograder zip was written" if args.gradescope else "No bundle was written"
    print(f"Releasing the student {what} to {args.out_dir} ...")
    try:
        out = make_release(args.out_dir, write_expectations, gradescope=args.gradescope)
    except (ReleaseError, MissingModuleError, ExpectationsError) as error:
        raise UsageError(f"{nothing}: {error}") from None
    except OSError as error:
        raise UsageError(f"{nothing}: could not write to {args.out_dir} "
                         f"({error.strerror or error}). Choose a folder you can write to.") from None
    print(f"Done: {out}\n"
          f"Students start with its README.md; check it with "
          f"`cd {out} && python -m grader all` (the untouched stubs score 0).")
    if args.gradescope:
        print(f"Gradescope autograder: {zip_path(out)}\n"
              f"Upload it on the assignment's Configure Autograder page (Zip file upload, Ubuntu 22.04 "
              f"base image or newer); students submit their unet.ipynb (or a .py file, or their repository). "
              f"It is not part of the bundle: do not give it to students.")
    return EXIT_OK
