"""`python -m grader exercise1|exercise2|exercise3|all`: grade the student's U-Net functions.

Exit status: 0 when every check passes, 1 when a check fails or the student's code errs,
2 for a usage error or a failure of the grader itself.
"""
import os
import sys
import traceback

from grader.grading.catalog import EXERCISES, function_of

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_TIMEOUT_S = 120
DEFAULT_MEMORY_MB = 4096


def register(subparsers):
    """Add `exercise1`, `exercise2`, `exercise3` and `all`."""
    for name in EXERCISES + ["all"]:
        what = "all three exercises, with a total score" if name == "all" else f"{function_of(name)} ({name})"
        parser = subparsers.add_parser(name, help=f"grade {what}",
                                       description=f"Grade {what}: structure and behaviour against the reference.")
        add_options(parser)
        parser.set_defaults(handler=run, exercises=EXERCISES if name == "all" else [name])


def add_options(parser):
    """The grading options (shared by the four subcommands)."""
    parser.add_argument("--source", metavar="PATH",
                        help="a .py file or .ipynb notebook defining the functions (default: the exercises/ package)")
    parser.add_argument("--solutions", action="store_true", help="grade the reference solutions (must score 100%%)")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text (default) or one JSON object on stdout")
    parser.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    parser.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json to FILE")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                        help=f"time limit per exercise (default {DEFAULT_TIMEOUT_S})")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="seed of the random configurations (default: a new one, printed)")
    parser.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_MB, metavar="MIB",
                        help=f"memory cap of the grading process in MiB (default {DEFAULT_MEMORY_MB})")


def run(args):
    """Grade, print the report, write the requested files; return the exit status."""
    from grader import stored_expectations
    from grader.grading import sources
    from grader.grading.configs import new_seed
    from grader.grading.session import REPO_ROOT, grade
    from grader.grading.supervisor import GraderFailure
    from grader.reports import gradescope, json_report, junit, text

    if args.timeout <= 0:
        return _usage("--timeout must be a positive number of seconds.")
    if args.memory_limit < 512:
        return _usage("--memory-limit must be at least 512 MiB: TensorFlow alone needs about that.")
    try:
        source = sources.resolve(args.source, args.solutions, REPO_ROOT)
    except sources.SourceError as error:
        return _usage(str(error))
    if args.seed is not None and stored_expectations.available():
        try:
            stored_expectations.check_seed(args.seed)
        except stored_expectations.ExpectationsError as error:
            return _usage(str(error))
    seed = args.seed if args.seed is not None else new_seed()
    try:
        report = grade(source, args.exercises, seed, args.timeout, args.memory_limit)
    except GraderFailure as failure:
        return _tool_failure(str(failure), str(failure))
    except Exception as error:  # a bug of the grader: say so plainly, details on request
        return _tool_failure(f"{type(error).__name__}: {error}", traceback.format_exc())
    for path, renderer in ((args.junit, junit), (args.gradescope, gradescope)):
        if path:
            try:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(renderer.render(report))
            except OSError as error:
                return _usage(f"Cannot write {path}: {error.strerror}. Choose a writable path.")
    sys.stdout.write(json_report.render(report) if args.format == "json" else text.render(report))
    results = report["results"]
    return EXIT_PASSED if results["score"] == results["max_score"] else EXIT_FAILED


def _usage(message):
    print(f"python -m grader: {message}", file=sys.stderr)
    return EXIT_USAGE


def _tool_failure(summary, details):
    first = summary.strip().splitlines()[0] if summary.strip() else "unknown error"
    print(f"The grader itself failed, not your code: {first}", file=sys.stderr)
    if os.environ.get("UNET_GRADER_DEBUG"):
        print(details, file=sys.stderr)
    else:
        print("Set UNET_GRADER_DEBUG=1 to see the details, and report them to the course staff.", file=sys.stderr)
    return EXIT_USAGE
