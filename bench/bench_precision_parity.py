"""Does mixed precision learn as well as float32? Validation mean IoU within 0.02.

Trains the reference U-Net twice with the runner (segmentation.training.start_run),
same data, same split, same seed, same epochs: once with --precision float32 and once
with --precision mixed (mixed bfloat16 on a CPU, float16 on a GPU; float32 logits),
and compares the validation mean IoU and pixel accuracy of the two finished runs.
The data is a synthetic set of --images scenes (default 240, so the validation split
holds 24 images), written once into ~/.cache/unet-course/bench-synthetic-N.
Compare after the course's 40 epochs: earlier, while both runs still learn fast, the
mean IoU of one run moves by up to 0.02 from one epoch to the next, so a difference
then says more about where each trajectory happens to be than about precision
(measured: 0.046 after 10 epochs, 0.020 after 20, 0.010 after 40). About 25 minutes
on a 2-core CPU.

    .venv/bin/python bench/bench_precision_parity.py [--images 240] [--epochs 40] [--batch-size 8]

Exit code 0 when the target is met, 1 when it is not.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_set import bench_data  # noqa: E402
from segmentation.quiet_tf import import_tensorflow  # noqa: E402

TARGET_DIFFERENCE = 0.02


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=240, help="synthetic scenes (default 240)")
    parser.add_argument("--data", help="use this dataset folder instead of synthetic scenes")
    parser.add_argument("--epochs", type=int, default=40, help="epochs per run (default 40, the course's)")
    parser.add_argument("--batch-size", type=int, default=8, help="batch size (default 8)")
    args = parser.parse_args(argv)

    import_tensorflow()
    from segmentation.training import TrainSettings, start_run

    data = args.data or str(bench_data(args.images))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for precision in ("float32", "mixed"):
            settings = TrainSettings(data=data, model="solutions", epochs=args.epochs,
                                     batch_size=args.batch_size, precision=precision, seed=0)
            start = time.perf_counter()
            result = start_run(settings, Path(folder) / precision, log=lambda text: None)
            seconds = time.perf_counter() - start
            run = json.loads((Path(folder) / precision / "run.json").read_text())
            results[precision] = (result.metrics, run["precision_policy"], seconds)
            print(f"{precision:>7} ({run['precision_policy']}): validation mean IoU "
                  f"{result.metrics['mean_iou']:.4f}, pixel accuracy {result.metrics['pixel_accuracy']:.4f} "
                  f"after {args.epochs} epochs ({seconds:.0f} s)", flush=True)
    difference = abs(results["mixed"][0]["mean_iou"] - results["float32"][0]["mean_iou"])
    met = difference <= TARGET_DIFFERENCE
    print(f"\n|mean IoU mixed - float32| = {difference:.4f} (target <= {TARGET_DIFFERENCE}): "
          f"{'MET' if met else 'NOT MET'}; same seed, split and {args.epochs} epochs of batch "
          f"{args.batch_size} on {data}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
