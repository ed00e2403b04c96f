"""`python -m grader predict MODEL IMAGE... --out DIR`: colour masks and overlays for images.

Writes NAME_mask.png and NAME_overlay.png per image into DIR. A file that is not
an image, or whose shape the model cannot take, is named and skipped; the exit
code is then 1, after the other images are done.
"""
from grader.console import EXIT_FAILED, EXIT_OK, problem


def register(subparsers):
    """Add the `predict` subcommand."""
    parser = subparsers.add_parser(
        "predict", help="predict a colour mask and an overlay for each image",
        description="Run a trained model (model.keras from `train`) on image files and write "
                    "NAME_mask.png (class colours) and NAME_overlay.png per image into --out.")
    parser.add_argument("model", metavar="MODEL", help="the model.keras file of a training run")
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="image files (PNG, JPEG, ...)")
    parser.add_argument("--out", metavar="DIR", required=True, help="folder for the masks and overlays")
    parser.set_defaults(handler=run)


def run(args):
    """Predict every image; return 0, or 1 if any image was skipped."""
    from pathlib import Path

    from segmentation.modeling import input_size, load_saved_model
    from segmentation.prediction import (SkippedImage, class_table_for, predict_mask, read_image,
                                         unique_stem, write_prediction)

    model = load_saved_model(args.model)
    classes = class_table_for(int(model.output.shape[-1]))
    model_size = input_size(model)
    out_dir = Path(args.out)
    used, written, skipped = set(), 0, 0
    for image_path in args.images:
        try:
            pixels = read_image(image_path, model_size)
        except SkippedImage as skipped_image:
            problem(str(skipped_image))
            skipped += 1
            continue
        mask = predict_mask(model, pixels)
        mask_path, overlay_path = write_prediction(pixels, mask, classes, out_dir,
                                                   unique_stem(image_path, used))
        print(f"{image_path}: {mask_path}, {overlay_path}")
        written += 1
    print(f"Wrote {written} mask(s) and overlay(s) to {out_dir}"
          + (f"; skipped {skipped} file(s), named above." if skipped else "."))
    return EXIT_FAILED if skipped else EXIT_OK
