"""Is the input pipeline fast enough? Pipeline images/s versus training images/s, side by side.

Measures, in one run on the same machine:
  1. the tf.data pipeline (segmentation.pipeline.make_dataset) after its first epoch,
     i.e. serving from the cache: shuffle, batch, flip augmentation, float conversion;
  2. training the reference U-Net (solutions.unet_model, 96x128x3, 32 filters,
     23 classes, batch 32) under the mixed bfloat16 policy, a few steps after warm-up.
The pipeline must be at least 10x faster than training, so it never starves the model.

    .venv/bin/python bench/bench_pipeline.py [--data DIR] [--steps 6] [--policy float32]

Without --data it uses the synthetic sample (data/synthetic, written on first use).
Exit code 0 when the target is met, 1 when it is not, 2 when the data is unusable.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from segmentation.quiet_tf import import_tensorflow  # noqa: E402

TARGET_RATIO = 10.0
BATCH_SIZE = 32


def measure_pipeline(pairs, min_seconds=3.0, min_epochs=5):
    """Images per second the cached pipeline delivers after its first epoch."""
    from segmentation.pipeline import make_dataset

    dataset = make_dataset(pairs, batch_size=BATCH_SIZE, shuffle=True, augment=True)
    for _ in dataset:  # first epoch: decode, resize, fill the cache
        pass
    images, epochs, start = 0, 0, time.perf_counter()
    while epochs < min_epochs or time.perf_counter() - start < min_seconds:
        for batch_images, _ in dataset:
            images += int(batch_images.shape[0])
        epochs += 1
    return images / (time.perf_counter() - start), epochs


def measure_training(pairs, policy, steps):
    """Images per second of train_on_batch on the reference U-Net (after two warm-up steps)."""
    import keras

    from segmentation.pipeline import make_dataset
    from solutions.unet import unet_model

    keras.mixed_precision.set_global_policy(policy)
    model = unet_model()
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    batches = make_dataset(pairs, batch_size=BATCH_SIZE, shuffle=False).repeat()
    images, masks = next(iter(batches))
    for _ in range(2):  # warm-up: tracing and first allocations
        model.train_on_batch(images, masks)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(images, masks)
    return steps * int(images.shape[0]) / (time.perf_counter() - start)


def main(argv=None):
    """Run both measurements and print the ratio against the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="dataset folder (default: the synthetic sample)")
    parser.add_argument("--steps", type=int, default=6, help="timed training steps (default 6)")
    parser.add_argument("--policy", default="mixed_bfloat16", choices=["mixed_bfloat16", "float32"],
                        help="Keras dtype policy for training (default mixed_bfloat16)")
    args = parser.parse_args(argv)

    tf = import_tensorflow()
    from segmentation.dataset import DataError, load_dataset
    from segmentation.synth import default_sample_dir

    folder = args.data or default_sample_dir()
    try:
        dataset = load_dataset(folder)
    except DataError as error:
        print(error, file=sys.stderr)
        return 2
    kind = "synthetic sample" if dataset.synthetic else "data"
    print(f"{kind}: {folder} ({len(dataset.pairs)} pairs, {dataset.layout} layout); "
          f"batch {BATCH_SIZE}, 96x128; TensorFlow {tf.__version__}, "
          f"{len(tf.config.list_physical_devices('GPU'))} GPU(s)")

    pipeline_rate, epochs = measure_pipeline(dataset.pairs)
    print(f"pipeline (cached, shuffle + flip + batch): {pipeline_rate:10.0f} images/s "
          f"({epochs} epochs after the first)")
    training_rate = measure_training(dataset.pairs, args.policy, args.steps)
    print(f"training (reference U-Net, {args.policy}):  {training_rate:10.1f} images/s "
          f"({args.steps} steps after 2 warm-up)")
    ratio = pipeline_rate / training_rate
    verdict = "OK" if ratio >= TARGET_RATIO else "TOO SLOW"
    print(f"ratio pipeline / training: {ratio:.0f}x (target >= {TARGET_RATIO:.0f}x): {verdict}")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
