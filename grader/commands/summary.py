"""`python -m grader summary`: build a U-Net and print its layers and parameter count.

With `--picture FILE.png` it also draws the model as a U (grader/reports/picture.py),
from its description with each layer traced to the block call that made it, without grading.
"""
import importlib
import importlib.util

from grader.console import EXIT_FAILED, EXIT_OK, UsageError, problem
from grader.exercises import COURSE, LEFT_AT_DEFAULTS


def register(subparsers):
    """Add the `summary` subcommand."""
    parser = subparsers.add_parser("summary", help="build the U-Net and print its summary")
    parser.add_argument("--model", choices=["solutions", "exercises"], default="solutions",
                        help="whose unet_model to build (default: the reference solutions)")
    parser.add_argument("--picture", metavar="FILE.png", help="also draw the model as a U into FILE.png")
    parser.set_defaults(handler=run)


def run(args):
    """Build the chosen model with its defaults and print its summary."""
    from segmentation.quiet_tf import import_tensorflow

    module = COURSE.reference if args.model == "solutions" else COURSE.stubs
    if args.model == "solutions" and importlib.util.find_spec(COURSE.reference_package) is None:
        raise UsageError("There are no reference solutions in this student bundle; "
                         "`python -m grader summary --model exercises` shows your own U-Net.")
    if args.picture and not args.picture.lower().endswith(".png"):
        raise UsageError(f"--picture {args.picture}: the picture is a PNG; give a file name ending in .png.")
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
    if args.picture:
        return _draw(importlib.import_module(module), whole_model, build, args.picture, args.model)
    return EXIT_OK


def _draw(module, whole_model, function, path, whose):
    """Draw the model built with its course configuration's arguments, its blocks traced, into `path`."""
    from grader.grading.model.build import build
    from grader.grading.model.describe import describe
    from grader.grading.student_errors import StudentFault
    from grader.reports.picture import model_png

    config = whole_model.course[0]
    blocks = {block.function: getattr(module, block.function) for block in COURSE.blocks_of(whole_model)}
    try:
        model, origins = build(whole_model, function, config, None, blocks)
    except StudentFault as fault:
        problem(f"{whole_model.function} could not be built for its picture: {fault.data.get('text') or fault.data}")
        return EXIT_FAILED
    shown = ", ".join(f"{key}={value}" for key, value in config.items() if key != LEFT_AT_DEFAULTS)
    heading = f"{whose}: {whole_model.function}, {shown}"
    try:
        with open(path, "wb") as handle:
            handle.write(model_png(heading, describe(model, origins)))
    except OSError as error:
        raise UsageError(f"Cannot write {path}: {error.strerror}. Choose a writable path.") from None
    print(f"Picture of the model: {path}")
    return EXIT_OK
