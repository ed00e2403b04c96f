"""`python -m grader watch [EXERCISE] [--source FILE]`: grade again every time the file is saved.

See grader/warm/watch.py. Ctrl-C stops it (exit 0), with nothing left running.
"""
import tempfile
from pathlib import Path

from grader.commands.grade import add_limit_options, check_limits
from grader.console import EXIT_OK, ToolFailure, UsageError
from grader.exercises import COURSE

PICTURE_FOLDER = "unet-watch"  # under the system's temporary folder: the default picture clutters nothing


def register(subparsers, table=COURSE):
    """Add the `watch` subcommand."""
    parser = subparsers.add_parser(
        "watch", help="grade your code again every time you save it (feedback in about a second)",
        description="Grade EXERCISE (default: all) of your source now and again at every save, with the same "
                    "report as `python -m grader EXERCISE`. TensorFlow starts once for the whole session. "
                    "Ctrl-C stops it.")
    parser.add_argument("exercise", nargs="?", choices=[*table.names, "all"], default="all",
                        help="what to grade (default: all)")
    parser.add_argument("--source", metavar="PATH",
                        help="a .py file or .ipynb notebook (default: the exercises/ package's unet.py)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="seed of the random configurations for the whole session (default: a new one)")
    parser.add_argument("--picture", metavar="FILE.png", default="",
                        help="the picture of your model beside the reference, redrawn at every save "
                             "(default: SOURCE-picture.png in the temporary folder; the report says where)")
    parser.add_argument("--no-picture", dest="picture", action="store_const", const=None,
                        help="draw no picture")
    add_limit_options(parser, each="exercise")
    parser.set_defaults(handler=run, table=table)


def run(args):
    """Watch and grade until Ctrl-C; return the exit status."""
    from grader.grading import processes, sources
    from grader.grading.configs import chosen_seed
    from grader.grading.session import REPO_ROOT, Grader
    from grader.grading.supervisor import GraderFailure
    from grader.warm.watch import watch

    check_limits(args.timeout, args.memory_limit)
    if args.picture and not args.picture.lower().endswith(".png"):
        raise UsageError(f"--picture {args.picture}: the picture is a PNG; give a file name ending in .png.")
    table = args.table
    try:
        source = sources.resolve(args.source, False, REPO_ROOT, table)
    except sources.SourceError as error:
        raise UsageError(str(error)) from None
    watched = Path(source.path) if source.path else sources.package.module_path(source)
    names = table.names if args.exercise == "all" else [args.exercise]
    seed = chosen_seed(args.seed)
    processes.become_subreaper()
    print(f"Starting the grader for {watched} (TensorFlow loads once, a few seconds) ...", flush=True)
    try:
        with Grader(args.timeout, args.memory_limit, table, keep_spares=len(names)) as grader:
            watch(grader, source, watched, names, seed, picture=_picture_path(args.picture, watched))
    except GraderFailure as failure:
        raise ToolFailure(str(failure)) from None
    except KeyboardInterrupt:
        print("\nStopped watching.")
    finally:
        processes.end_descendants()
    return EXIT_OK


def _picture_path(given, watched):
    """The picture file to keep up to date: `given`, the default for `watched` when "", None for none."""
    if given is None:
        return None
    if given:
        return str(Path(given).resolve())
    folder = Path(tempfile.gettempdir()) / PICTURE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        problem(f"No picture: cannot make {folder} ({error.strerror}); choose one with --picture FILE.png.")
        return None
    return str(folder / f"{Path(watched).stem}-picture.png")
