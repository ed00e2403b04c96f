"""A larger synthetic set for benchmarks, written once into ~/.cache/unet-course/."""
from pathlib import Path

BENCH_SEED = 1  # not the bundled sample's seed: other scenes


def bench_data(n_images):
    """The folder of a synthetic course-layout set of `n_images` scenes (written on first use)."""
    from segmentation.synth import is_synthetic_sample, write_synthetic_dataset

    folder = Path.home() / ".cache" / "unet-course" / f"bench-synthetic-{n_images}"
    if not is_synthetic_sample(folder, n=n_images, seed=BENCH_SEED):
        print(f"writing {n_images} synthetic scenes to {folder} (once) ...", flush=True)
        write_synthetic_dataset(folder, n_images, seed=BENCH_SEED)
    return folder
