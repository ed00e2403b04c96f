"""`python -m grader exercise1|exercise2|exercise3|all`: grade the student's functions.

One subcommand per exercise of the table, and `all`. Exit status: 0 when every check
passes, 1 when a check fails or the student's code errs, 2 for a usage error or a
failure of the grader itself.
"""
import dataclasses
import os
import sys
import time

from grader.console import EXIT_FAILED, EXIT_OK, ToolFailure, UsageError, problem
from grader.exercises import COURSE

DEFAULT_TIMEOUT_S = 120
DEFAULT_MEMORY_MB = 4096


def register(subparsers, table=COURSE):
    """Add one subcommand per exercise of `table`, and `all`."""
    count = len(table.exercises)
    for name in table.names + ["all"]:
        what = (f"all {count} exercises, with a total score" if name == "all"
                else f"{table.get(name).function} ({name})")
        parser = subparsers.add_parser(name, help=f"grade {what}",
                                       description=f"Grade {what}: structure and behaviour against the reference.")
        add_options(parser)
        parser.set_defaults(handler=run, exercises=table.names if name == "all" else [name])


def add_options(parser):
    """The grading options (shared by the grading subcommands)."""
    parser.add_argument("--source", metavar="PATH",
                        help="a .py file or .ipynb notebook defining the functions (default: the exercises/ package)")
    parser.add_argument("--solutions", action="store_true", help="grade the reference solutions (must score 100%%)")
    parser.add_argument("--format", choices=["text", "json", "html"], default="text",
                        help="text (default), one JSON object, or a self-contained HTML page, on stdout")
    parser.add_argument("--picture", metavar="FILE.png",
                        help="also draw your model beside the reference, the first difference marked, into FILE.png")
    parser.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    parser.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json to FILE")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="seed of the random configurations (default: a new one, printed)")
    add_limit_options(parser)


def add_limit_options(parser, each="exercise"):
    """--timeout and --memory-limit, the limits of every grading job (for each `each`)."""
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                        help=f"time limit per {each} (default {DEFAULT_TIMEOUT_S})")
    parser.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_MB, metavar="MIB",
                        help=f"memory cap of each grading process in MiB (default {DEFAULT_MEMORY_MB})")


def run(args, grader=None):
    """Grade as the parsed options say (with `grader`, an open session.Grader, when given); the exit status."""
    return grade_and_report(args.exercises, source=args.source, solutions=args.solutions,
                            output_format=args.format, junit=args.junit, gradescope=args.gradescope,
                            timeout=args.timeout, seed=args.seed, memory_limit=args.memory_limit,
                            picture=args.picture, grader=grader)


def check_limits(timeout, memory_limit):
    """Raise UsageError for a time limit or memory cap the grader cannot work with."""
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    if memory_limit < 512:
        raise UsageError("--memory-limit must be at least 512 MiB: TensorFlow alone needs about that.")


def grade_and_report(exercises, source=None, solutions=False, output_format="text", junit=None,
                     gradescope=None, timeout=DEFAULT_TIMEOUT_S, seed=None, memory_limit=DEFAULT_MEMORY_MB,
                     table=COURSE, picture=None, grader=None):
    """Grade `exercises` (names), print the report, write the requested files; return the exit status.

    Matplotlib is imported only when a picture is asked for (`picture`, or the HTML page).
    `grader` is an open session.Grader to grade with (kept warm by its owner, who ends what it
    started), its jobs working in this process's folder, as those of a Grader of its own do; by
    default the grading has a Grader of its own, and what the student's code left running is
    ended with it.
    """
    from grader.grading import sources
    from grader.grading.configs import chosen_seed
    from grader.grading.session import REPO_ROOT, Limits
    from grader.grading.supervisor import GraderFailure
    from grader.reports import gradescope as gradescope_report
    from grader.reports import json_report, junit as junit_report, text

    check_limits(timeout, memory_limit)
    if picture and not str(picture).lower().endswith(".png"):
        raise UsageError(f"--picture {picture}: the picture is a PNG; give a file name ending in .png.")
    try:
        resolved = sources.resolve(source, solutions, REPO_ROOT, table)
    except sources.SourceError as error:
        raise UsageError(str(error)) from None
    seed = chosen_seed(seed)
    started = time.monotonic()
    try:
        if grader is None:
            report = _grade_alone(resolved, exercises, seed, timeout, memory_limit, table)
        else:
            report = grader.grade(resolved, exercises, seed, cwd=os.getcwd(), limits=Limits(timeout, memory_limit))
    except GraderFailure as failure:
        raise ToolFailure(str(failure)) from None
    report = dataclasses.replace(report, seconds=time.monotonic() - started)
    for path, renderer in ((junit, junit_report), (gradescope, gradescope_report)):
        if path:
            try:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(renderer.render(report))
            except OSError as error:
                raise UsageError(f"Cannot write {path}: {error.strerror}. Choose a writable path.") from None
    drawn = picture if picture and _draw(report, picture) else None
    if picture and not drawn:
        problem(f"No picture was written to {picture}: no exercise gave a model to draw.")
    if output_format == "html":
        from grader.reports import html_report

        sys.stdout.write(html_report.render(report))
    else:
        sys.stdout.write(json_report.render(report) if output_format == "json" else text.render(report, drawn))
    return EXIT_OK if report.passed else EXIT_FAILED


def _grade_alone(source, exercises, seed, timeout, memory_limit, table):
    """The Report of one grading with a Grader of its own; what the student's code left running is ended."""
    from grader.grading import processes
    from grader.grading.session import grade

    running_before = set(processes.descendants())
    processes.become_subreaper()  # what the student's code leaves behind comes back to us, to be ended
    try:
        return grade(source, exercises, seed, timeout, memory_limit, table=table)
    finally:
        processes.end_descendants(spare=running_before)


def _draw(report, path):
    """Draw the report's picture into `path`; whether there was a model to draw.

    Raises:
        UsageError: the file could not be written.
    """
    from grader.reports import picture

    try:
        return picture.write(report, path)
    except OSError as error:
        raise UsageError(f"Cannot write {path}: {error.strerror}. Choose a writable path.") from None
