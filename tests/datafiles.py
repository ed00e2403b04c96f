"""Helpers for the data tests: write small image/mask PNG datasets in either layout."""
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

MASK_FOLDER = {"course": "CameraMask", "lyft": "CameraSeg"}


def write_png(path, array):
    """Write a uint8 array (H, W), (H, W, 3) or (H, W, 4) as a PNG, creating folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path, format="PNG")
    return path


def mask_array(ids, rgba=True):
    """An RGBA (or RGB) mask array with the class ids `ids` (H, W) in the red channel."""
    ids = np.asarray(ids, np.uint8)
    zeros = np.zeros_like(ids)
    channels = [ids, zeros, zeros] + ([np.full_like(ids, 255)] if rgba else [])
    return np.dstack(channels)


def write_pair(root, name, image, ids, layout="course"):
    """Write CameraRGB/NAME and its mask (ids in red) under `root`; return both paths."""
    root = Path(root)
    rgba = layout == "course"
    if rgba and image.shape[-1] == 3:
        image = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    image_path = write_png(root / "CameraRGB" / name, image)
    mask_path = write_png(root / MASK_FOLDER[layout] / name, mask_array(ids, rgba=rgba))
    return image_path, mask_path


def write_small_dataset(root, n=4, layout="course", size=(12, 16), seed=0):
    """`n` random pairs of `size` in `layout` under `root`, ids 0..n_classes-1; return the pairs."""
    rng = np.random.default_rng(seed)
    n_classes = 23 if layout == "course" else 13
    pairs = []
    for i in range(n):
        image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
        ids = rng.integers(0, n_classes, size, dtype=np.uint8)
        pairs.append(write_pair(root, f"frame_{i:03d}.png", image, ids, layout))
    return pairs


def copy_dataset(source, target):
    """Copy a CameraRGB/CameraSeg|CameraMask dataset folder to `target` (writable copies)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
    for path in Path(target).rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return Path(target)


def truncate(path, keep=0.5):
    """Cut a file to `keep` of its length (a truncated download)."""
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: int(len(data) * keep)])


def set_mask_id(path, class_id, row=0, col=0):
    """Rewrite a mask PNG with the red value at (row, col) set to `class_id`."""
    with Image.open(path) as mask:
        array = np.array(mask)
    array[row, col, 0] = class_id
    write_png(path, array)
