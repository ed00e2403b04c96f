"""Synthetic CARLA-format street scenes: the sample to learn on before any real data is downloaded.

`write_synthetic_dataset(out_dir, n, seed)` draws `n` street scenes with a pinhole
camera and writes them in the course layout (CameraRGB/ + CameraMask/, 480x640 RGBA,
class id 0..22 of the 23-class CARLA table in the mask's red channel). They are
SYNTHETIC: procedurally drawn, not rendered by CARLA, and every place that shows
them says so (README.txt and synthetic.json inside the folder, the CLI's messages).

How a scene is drawn is the job of segmentation/scenes.py.

Frame i depends only on (seed, i): the same seed gives the same bytes.
"""
import json
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from segmentation.dataset import IMAGE_FOLDER, MASK_FOLDERS, SYNTHETIC_MARKER, DataError
from segmentation.scenes import HEIGHT, WIDTH, draw_scene

GENERATOR_VERSION = 2
SAMPLE_SIZE = 80
SAMPLE_SEED = 0

README = """SYNTHETIC CARLA-format sample: procedurally drawn street scenes, NOT real CARLA frames.

Written by `python -m grader data synth --out {out} -n {n} --seed {seed}`
(segmentation/synth.py, generator version {version}). The same seed gives the same bytes.

Layout: the course layout. CameraRGB/*.png are 480x640 RGBA camera images;
CameraMask/*.png are 480x640 RGBA masks whose red channel holds the class id
(0..22, the 23-class CARLA table in segmentation/classes.py).

Use it to try the pipeline and the runner before downloading real CARLA data;
a model trained on it learns drawn shapes, not real streets. Delete the folder any
time: it can be written again, byte for byte, with the command above.
"""


def write_synthetic_dataset(out_dir, n=SAMPLE_SIZE, seed=SAMPLE_SEED):
    """Write `n` synthetic scenes in the course layout to `out_dir`; return its Path.

    The folder is written beside `out_dir` first and moved into place when complete.
    `out_dir` may be missing, empty, or an earlier synthetic sample (which is replaced);
    any other existing content raises DataError, so real data is never overwritten.
    """
    out = Path(out_dir)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    _refuse_to_overwrite(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    (temporary / IMAGE_FOLDER).mkdir(parents=True)
    (temporary / MASK_FOLDERS["course"]).mkdir()
    try:
        jobs = [(temporary, seed, index) for index in range(n)]
        workers = min(os.cpu_count() or 1, 8, n // 8)
        if workers > 1:  # frames are independent; "spawn" is safe even with TensorFlow loaded
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                list(pool.map(write_frame, jobs, chunksize=4))
        else:
            for job in jobs:
                write_frame(job)
        (temporary / "README.txt").write_text(
            README.format(out=out, n=n, seed=seed, version=GENERATOR_VERSION), encoding="utf-8")
        (temporary / SYNTHETIC_MARKER).write_text(json.dumps(
            {"synthetic": True, "generator_version": GENERATOR_VERSION, "n": n, "seed": seed,
             "layout": "course", "size": [HEIGHT, WIDTH]}, indent=1) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out) if any(out.iterdir()) else out.rmdir()
        os.replace(temporary, out)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return out


def write_frame(job):
    """Draw frame `index` of `seed` and write its image and mask into `folder` (job = the three)."""
    folder, seed, index = job
    image, labels = draw_scene(np.random.default_rng([seed, index]))
    name = f"synthetic_{index:04d}.png"
    opaque = np.full_like(labels, 255)
    save_png(np.dstack([image, opaque]), Path(folder) / IMAGE_FOLDER / name)
    zeros = np.zeros_like(labels)
    save_png(np.dstack([labels, zeros, zeros, opaque]), Path(folder) / MASK_FOLDERS["course"] / name)


def default_sample_dir():
    """The bundled synthetic sample, generated on first use (seconds); return its folder.

    It lives in the checkout's data/synthetic/ (ignored by git), or in
    ~/.cache/unet-course/synthetic when the checkout's data/ folder is not writable.
    It is written again when missing, incomplete or from another generator version.
    """
    folder = _sample_location()
    if not is_synthetic_sample(folder, n=SAMPLE_SIZE, seed=SAMPLE_SEED):
        try:
            write_synthetic_dataset(folder, SAMPLE_SIZE, SAMPLE_SEED)
        except OSError:  # another process may have moved its copy into place first
            if not is_synthetic_sample(folder, n=SAMPLE_SIZE, seed=SAMPLE_SEED):
                raise
    return folder


def is_synthetic_sample(folder, n=None, seed=None):
    """Whether `folder` is a complete synthetic sample of this generator (and of n and seed)."""
    try:
        marker = json.loads((Path(folder) / SYNTHETIC_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (marker.get("generator_version") == GENERATOR_VERSION
            and (n is None or marker.get("n") == n) and (seed is None or marker.get("seed") == seed))


def _sample_location():
    """Where the default sample goes: data/synthetic in the checkout, else the user's cache."""
    data = Path(__file__).resolve().parent.parent / "data"
    if data.is_dir() and os.access(data, os.W_OK):
        return data / "synthetic"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "unet-course" / "synthetic"


def _refuse_to_overwrite(out):
    """DataError unless `out` is missing, an empty folder or an earlier synthetic sample."""
    if not out.exists():
        return
    if not out.is_dir():
        raise DataError(f"{out} is a file; choose a new folder for the synthetic sample.")
    if any(out.iterdir()) and not (out / SYNTHETIC_MARKER).is_file():
        raise DataError(f"The folder {out} is not empty and is not a synthetic sample, so "
                        f"nothing was written (it may hold real data). Choose a new or empty "
                        f"folder with --out.")


def save_png(array, path):
    """Write a uint8 array as a PNG with no metadata (so equal arrays give equal bytes)."""
    Image.fromarray(array).save(path, format="PNG", compress_level=1)
