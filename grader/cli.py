"""The `python -m grader` command line: one subcommand module per job.

Each module in `grader.commands` exposes `register(subparsers)`, which adds its parser
and sets `handler`, a function taking the parsed arguments and returning the exit code
(see console.py for the codes and for where messages go).
"""
import argparse

from grader.commands import (classroom, data, demo, evaluate, grade, notebook, predict, release, summary, train,
                             watch)
from grader.console import EXIT_INTERRUPTED, EXIT_USAGE, exit_code_for, problem, tolerant_streams

COMMANDS = [grade, watch, classroom, summary, demo, notebook, release, data, train, evaluate, predict]


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
    tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM / SIGHUP where a command turns them into one
        problem("Interrupted.")
        return getattr(interrupt, "exit_code", EXIT_INTERRUPTED)
    except Exception as error:  # noqa: BLE001 -- every error becomes a message and an exit code
        return exit_code_for(error)
