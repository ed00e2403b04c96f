"""The `python -m grader` command line: one subcommand module per job.

Each module in `grader.commands` exposes `register(subparsers)`, which adds its
parser and sets `handler`, a function taking the parsed arguments and returning
the exit code. Exit codes: 0 success, 1 the user's work or data is at fault,
2 a usage error or a failure of the tool itself.
"""
import argparse
import sys

from grader.commands import data, demo, evaluate, grade, notebook, predict, release, summary, train

COMMANDS = [grade, summary, demo, notebook, release, data, train, evaluate, predict]

EXIT_USAGE = 2


def build_parser():
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grade, train and explore the U-Net segmentation exercise.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv=None):
    """Parse `argv` (default: the process arguments), run the subcommand, return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
