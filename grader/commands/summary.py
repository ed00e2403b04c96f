"""`python -m grader summary`: build a U-Net and print its layers and parameter count."""


def register(subparsers):
    """Add the `summary` subcommand."""
    parser = subparsers.add_parser("summary", help="build the U-Net and print its summary")
    parser.add_argument("--model", choices=["solutions", "exercises"], default="solutions",
                        help="whose unet_model to build (default: the reference solutions)")
    parser.set_defaults(handler=run)


def run(args):
    """Build the chosen model with the course defaults and print its summary."""
    import importlib.util

    from segmentation.quiet_tf import import_tensorflow

    if args.model == "solutions" and importlib.util.find_spec("solutions") is None:
        print("There are no reference solutions in this student bundle; "
              "`python -m grader summary --model exercises` shows your own U-Net.")
        return 2
    import_tensorflow()
    if args.model == "solutions":
        from solutions import unet_model
    else:
        from exercises import unet_model
    try:
        model = unet_model()
    except NotImplementedError as error:
        print(error)
        return 1
    model.summary()
    print(f"{model.count_params():,} parameters; input {tuple(model.input.shape)[1:]}, "
          f"output {tuple(model.output.shape)[1:]}.")
    return 0
