"""Does the runner learn real frames? Training pixel accuracy >= 0.90 on ../shared/lyft.

Trains the reference U-Net with the runner, exactly as

    python -m grader train --data ../shared/lyft --model solutions --epochs 80 --batch-size 4

would (10 real Lyft-Udacity frames, 13 classes; the runner's split keeps 8 for training,
1 for validation, 1 for test; default precision), and reports the first epoch whose
training pixel accuracy reaches 0.90 and the training time until then.

    .venv/bin/python bench/bench_lyft.py [--data ../shared/lyft] [--epochs 80] [--batch-size 4]

Exit code 0 when the target is met, 1 when it is not, 2 without the frames.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from segmentation.quiet_tf import import_tensorflow  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_ACCURACY = 0.90


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(REPO_ROOT.parent / "shared" / "lyft"),
                        help="the real frames (default ../shared/lyft)")
    parser.add_argument("--epochs", type=int, default=80, help="epochs (default 80)")
    parser.add_argument("--batch-size", type=int, default=4, help="batch size (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not (Path(args.data) / "CameraRGB").is_dir():
        print(f"no real frames at {args.data}")
        return 2

    import_tensorflow()
    from segmentation.files import read_csv
    from segmentation.training import TrainSettings, start_run

    settings = TrainSettings(data=args.data, model="solutions", epochs=args.epochs,
                             batch_size=args.batch_size, seed=args.seed)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = start_run(settings, Path(folder) / "run", log=lambda text: None)
        wall = time.perf_counter() - start
        run = json.loads((Path(folder) / "run" / "run.json").read_text())
        history = read_csv(Path(folder) / "run" / "history.csv")
    split = run["data"]["split"]
    print(f"{run['data']['pairs']} frames of {args.data} ({run['data']['layout']} layout, "
          f"{len(run['data']['classes'])} classes), split {split['train']}/{split['validation']}/"
          f"{split['test']}, batch {args.batch_size}, precision {run['precision_policy']}")
    reached = next((row for row in history if row["accuracy"] >= TARGET_ACCURACY), None)
    best = max(row["accuracy"] for row in history)
    if reached:
        epoch = int(reached["epoch"])
        seconds = sum(row["seconds"] for row in history[:epoch])
        print(f"training pixel accuracy {reached['accuracy']:.3f} >= {TARGET_ACCURACY} first at epoch "
              f"{epoch}, after {seconds:.0f} s of training")
    print(f"after {args.epochs} epochs: training accuracy {history[-1]['accuracy']:.3f} (best {best:.3f}), "
          f"validation pixel accuracy {result.metrics['pixel_accuracy']:.3f}, mean IoU "
          f"{result.metrics['mean_iou']:.3f} on the 1 validation frame; whole run {wall:.0f} s")
    print(f"target (training pixel accuracy >= {TARGET_ACCURACY}): {'MET' if reached else 'NOT MET'}")
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
