"""Is our training at least 1.8x the course's speed? Course-style baseline vs our default, side by side.

Both train the reference U-Net (solutions.unet_model, 96x128x3, 32 filters, 23 classes)
with Adam and sparse cross-entropy at batch 32 on the same images:
  baseline  the course notebook's way: float32; every epoch reads, decodes and resizes
            each PNG again (Dataset.map without parallel calls), no cache, no prefetch;
  ours      what `python -m grader train` does by default: the precision policy of
            --precision auto (mixed bfloat16 on this CPU, float32 logits), the cached,
            prefetched pipeline of segmentation/pipeline.py, accuracy and mean IoU metrics.
After one warm-up epoch each (tracing; our cache fills), epochs alternate baseline, ours,
baseline, ours ... so both see the same machine load; each side's speed is its median
epoch (an epoch stalled by another program on a shared machine does not decide it).
The ratio of total times and the ratio of images per CPU-second are printed too; the
latter barely moves with other load on the machine, where wall-clock images/s do.

    .venv/bin/python bench/bench_training_speed.py [--data DIR | --images 240] [--rounds 7]

Without --data it trains on 240 synthetic scenes (written once to ~/.cache/unet-course/),
so an epoch lasts long enough to time well on a busy machine.
Exit code 0 when the target is met, 1 when it is not.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_set import bench_data  # noqa: E402
from segmentation.quiet_tf import import_tensorflow  # noqa: E402

TARGET_RATIO = 1.8


def keras_callback_base():
    """keras.callbacks.Callback, imported after TensorFlow was imported quietly."""
    import_tensorflow()
    import keras

    return keras.callbacks.Callback
BATCH_SIZE = 32
IMAGE_SIZE = (96, 128)


def course_dataset(pairs, tf):
    """The course notebook's pipeline: decode and resize every epoch, no cache, no prefetch."""
    images = tf.constant([str(image) for image, _ in pairs])
    masks = tf.constant([str(mask) for _, mask in pairs])

    def process_path(image_path, mask_path):
        image = tf.image.convert_image_dtype(tf.io.decode_png(tf.io.read_file(image_path), channels=3),
                                             tf.float32)
        mask = tf.io.decode_png(tf.io.read_file(mask_path), channels=3)[:, :, :1]
        return image, mask

    def preprocess(image, mask):
        return (tf.image.resize(image, IMAGE_SIZE, method="nearest"),
                tf.image.resize(mask, IMAGE_SIZE, method="nearest"))

    dataset = tf.data.Dataset.from_tensor_slices((images, masks)).map(process_path).map(preprocess)
    return dataset.shuffle(len(pairs), seed=0).batch(BATCH_SIZE)


def course_model(keras):
    """The reference U-Net in float32, compiled as in the course."""
    from solutions import unet_model

    keras.utils.set_random_seed(0)
    model = unet_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def our_model_and_data(pairs, tf, keras):
    """The runner's default model (auto precision) and pipeline."""
    from segmentation.modeling import build_model, compile_model
    from segmentation.pipeline import make_dataset
    from segmentation.precision import detect_policy
    from solutions import unet_model

    policy = detect_policy("auto", tf)
    keras.utils.set_random_seed(0)
    model = compile_model(build_model(unet_model, IMAGE_SIZE + (3,), 23, policy), 23)
    return model, make_dataset(pairs, IMAGE_SIZE, BATCH_SIZE, shuffle=True, seed=0, cache=True), policy


class EpochClock(keras_callback_base()):
    """Times the epoch inside fit (on_epoch_begin to on_epoch_end): wall and CPU seconds."""

    def on_epoch_begin(self, epoch, logs=None):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.wall
        self.cpu_seconds = time.process_time() - self.cpu


def timed_epoch(model, dataset):
    """(wall seconds, CPU seconds of this process) of one epoch, as the runner's fit lives it.

    Only the epoch itself is timed, not the set-up and tear-down of the fit() call, which
    the runner pays once per run, not once per epoch.
    """
    clock = EpochClock()
    model.fit(dataset, epochs=1, verbose=0, shuffle=False, callbacks=[clock])
    return clock.seconds, clock.cpu_seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="dataset folder (default: --images synthetic scenes)")
    parser.add_argument("--images", type=int, default=240,
                        help="synthetic scenes to train on when no --data (default 240)")
    parser.add_argument("--rounds", type=int, default=7, help="measured epochs per side (default 7)")
    args = parser.parse_args(argv)

    tf = import_tensorflow()
    import keras

    from segmentation.dataset import load_dataset
    dataset = load_dataset(args.data or bench_data(args.images))
    pairs = dataset.pairs
    n = len(pairs)
    print(f"{n} images of {dataset.root}, batch {BATCH_SIZE}, reference U-Net 96x128, "
          f"{tf.config.threading.get_intra_op_parallelism_threads() or 'all'} threads, "
          f"TensorFlow {tf.__version__}")

    baseline_model, baseline_data = course_model(keras), course_dataset(pairs, tf)
    ours_model, ours_data, policy = our_model_and_data(pairs, tf, keras)
    cold = {"baseline": timed_epoch(baseline_model, baseline_data)[0],
            "ours": timed_epoch(ours_model, ours_data)[0]}
    print(f"warm-up epoch (tracing; our cache fills): baseline {n / cold['baseline']:.1f} images/s, "
          f"ours {n / cold['ours']:.1f} images/s")
    wall = {"baseline": [], "ours": []}
    cpu = {"baseline": [], "ours": []}
    for round_number in range(1, args.rounds + 1):
        for side, model, data in (("baseline", baseline_model, baseline_data), ("ours", ours_model, ours_data)):
            seconds, cpu_seconds = timed_epoch(model, data)
            wall[side].append(n / seconds)
            cpu[side].append(n / cpu_seconds)
        print(f"round {round_number}: baseline {wall['baseline'][-1]:.1f} images/s "
              f"({cpu['baseline'][-1]:.1f} per CPU-second), ours {wall['ours'][-1]:.1f} images/s "
              f"({cpu['ours'][-1]:.1f} per CPU-second)", flush=True)
    baseline_speed, ours_speed = statistics.median(wall["baseline"]), statistics.median(wall["ours"])
    ratio = ours_speed / baseline_speed
    total_ratio = sum(n / speed for speed in wall["baseline"]) / sum(n / speed for speed in wall["ours"])
    cpu_ratio = statistics.median(cpu["ours"]) / statistics.median(cpu["baseline"])
    print(f"\nbaseline (course: float32, decode+resize every epoch, no cache, no prefetch): "
          f"{baseline_speed:.1f} images/s (median epoch)")
    print(f"ours (runner default: {policy}, cached + prefetched pipeline): {ours_speed:.1f} images/s "
          f"(median epoch)")
    print(f"ratio of total times over all rounds: {total_ratio:.2f}x; ratio of images per CPU-second "
          f"(insensitive to other load on the machine): {cpu_ratio:.2f}x")
    print(f"ratio of median images/s, side by side: {ratio:.2f}x (target >= {TARGET_RATIO}x): "
          f"{'MET' if ratio >= TARGET_RATIO else 'NOT MET'}")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
