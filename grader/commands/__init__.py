"""One module per `python -m grader` subcommand; each has `register(subparsers)` and calls library code."""
