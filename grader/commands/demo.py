"""`python -m grader demo`: the main job that `make demo` runs."""
from grader.commands import summary


def register(subparsers):
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser("demo", help="what `make demo` runs: show the reference U-Net")
    parser.set_defaults(handler=run)


def run(args):
    """Build the reference U-Net and print its summary."""
    print("U-Net course demo: the reference U-Net at 96x128x3, 32 filters, 23 classes.\n")
    args.model = "solutions"
    return summary.run(args)
