"""`python -m grader summary`: build a U-Net and print its layers and parameter count."""
import importlib
import importlib.util

from grader.console import EXIT_FAILED, EXIT_OK, UsageError, problem
from grader.exercises import COURSE


def register(subparsers):
    """Add the `summary` subcommand."""
    parser = subparsers.add_parser("summary", help="build the U-Net and print its summary")
    parser.add_argument("--model", choices=["solutions", "exercises"], default="solutions",
                        help="whose unet_model to build (default: the reference solutions)")
    parser.set_defaults(handler=run)


def run(args):
    """Build the chosen model with its defaults and print its summary."""
    from segmentation.quiet_tf import import_tensorflow

    module = COURSE.reference if args.model == "solutions" else COURSE.stubs
    if args.model == "solutions" and importlib.util.find_spec(COURSE.reference_package) is None:
        raise UsageError("There are no reference solutions in this student bundle; "
                         "`python -m grader summary --model exercises` shows your own U-Net.")
    import_tensorflow()
    whole_model = next(exercise for exercise in COURSE.exercises if exercise.returns.kind == "model")
    build = getattr(importlib.import_module(module), whole_model.function)
    try:
        model = build()
    except NotImplementedError as error:
        problem(str(error))
        return EXIT_FAILED
    model.summary()
    print(f"{model.count_params():,} parameters; input {tuple(model.input.shape)[1:]}, "
          f"output {tuple(model.output.shape)[1:]}.")
    return EXIT_OK
