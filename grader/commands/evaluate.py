"""`python -m grader evaluate MODEL --data DIR`: metrics and pictures of a saved model.

Writes metrics.json, predictions.png, iou.png and confusion.png for the chosen
split of DIR. When MODEL sits in a run folder trained on DIR, that run's
split.json decides which images are validation and test; otherwise DIR is split
with the default seed, as `train` would.
"""
from grader.console import EXIT_OK


def register(subparsers):
    """Add the `evaluate` subcommand."""
    parser = subparsers.add_parser(
        "evaluate", help="metrics and pictures of a saved model on a dataset",
        description="Measure a trained model (model.keras from `train`) on a dataset: writes "
                    "metrics.json, predictions.png, iou.png and confusion.png.")
    parser.add_argument("model", metavar="MODEL", help="the model.keras file of a training run")
    parser.add_argument("--data", metavar="DIR", required=True, help="dataset folder")
    parser.add_argument("--split", choices=["validation", "test", "all"], default="validation",
                        help="which images to measure (default: validation)")
    parser.add_argument("--out", metavar="DIR",
                        help="where to write (default: evaluate-SPLIT beside the model)")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N", help="images per batch")
    parser.set_defaults(handler=run)


def run(args):
    """Evaluate and print the headline numbers and where the pictures are."""
    from pathlib import Path

    from segmentation.evaluation import evaluate_saved_model

    out_dir = Path(args.out) if args.out else Path(args.model).resolve().parent / f"evaluate-{args.split}"
    metrics = evaluate_saved_model(args.model, args.data, args.split, out_dir, args.batch_size)
    print(f"{metrics['images']} {args.split} image(s): pixel accuracy {metrics['pixel_accuracy']:.3f}, "
          f"mean IoU {metrics['mean_iou']:.3f} over {metrics['classes_present']} classes present.")
    print(f"Results in {out_dir}/: metrics.json, predictions.png, iou.png, confusion.png")
    return EXIT_OK
