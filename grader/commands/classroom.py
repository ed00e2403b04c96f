"""`python -m grader class SUBMISSIONS --out DIR`: grade a whole class into a gradebook.

See grader/classroom/run.py for what it does and writes. Exit status: 0 when the
gradebook is written (whatever the scores; submissions that could not be graded are in
it with the reason), 2 for a usage error or a failure of the grader, 130 when interrupted
(the finished students are kept for --resume).
"""
from pathlib import Path

from grader.commands.grade import add_limit_options, check_limits
from grader.console import EXIT_INTERRUPTED, EXIT_OK, UsageError
from grader.exercises import COURSE


def register(subparsers, table=COURSE):
    """Add the `class` subcommand."""
    parser = subparsers.add_parser(
        "class", help="grade a folder (or .zip) of submissions into a gradebook, feedback and a summary",
        description="Grade every student's submission in SUBMISSIONS (one .py or .ipynb per student, or one "
                    "folder per student) on the same configurations, in parallel, and write DIR/gradebook.csv, "
                    "gradebook.json, feedback/ID.txt and .json, summary.md and summary.png. Ctrl-C keeps the "
                    "finished students; --resume continues.")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="a folder or a .zip of submissions")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the output folder")
    parser.add_argument("--exercise", choices=[*table.names, "all"], default="all",
                        help="the exercise to grade (default: all)")
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="students graded at once (default 2)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the interrupted run in DIR: grade only the students not graded yet, "
                             "or whose file changed")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="the class's seed of the random configurations (default: a new one, printed)")
    add_limit_options(parser, each="exercise and student")
    parser.add_argument("--id-pattern", metavar="REGEX",
                        help="a regular expression with one group that picks the student id out of each file "
                             "(or folder) name, e.g. '_(\\d+)_\\d+_' for LMS downloads (default: the whole name)")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)")
    parser.set_defaults(handler=run, table=table)


def run(args):
    """Grade the class; return the exit status."""
    from grader.classroom.run import ClassSettings, run_class

    check_limits(args.timeout, args.memory_limit)
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs}).")
    exercises = tuple(args.table.names) if args.exercise == "all" else (args.exercise,)
    result = run_class(ClassSettings(
        submissions=args.submissions, out=args.out, exercises=exercises, jobs=args.jobs, seed=args.seed,
        timeout_s=args.timeout, memory_mb=args.memory_limit, id_pattern=args.id_pattern, resume=args.resume,
        dask=args.dask), table=args.table)
    return EXIT_INTERRUPTED if result.status == "interrupted" else EXIT_OK
