"""A tiny course-layout dataset for runner tests: 32x32 scenes a 2-filter U-Net can learn.

Each scene has sky (13) on top, road (7) below, and a vehicle (10) box at a random
place; every class has its own colour plus noise, so even a tiny model gets most
pixels right within a few epochs.
"""
from pathlib import Path

import numpy as np
from PIL import Image

COLOURS = {0: (20, 20, 20), 7: (128, 64, 128), 10: (0, 0, 142), 13: (70, 130, 180)}


def write_tiny_dataset(root, n=8, size=(32, 32), seed=0):
    """Write `n` image/mask pairs (course layout, RGBA masks, id in red) under `root`; return it."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    (root / "CameraRGB").mkdir(parents=True, exist_ok=True)
    (root / "CameraMask").mkdir(parents=True, exist_ok=True)
    height, width = size
    for index in range(n):
        mask = np.zeros((height, width), np.uint8)
        mask[: height // 4] = 13
        mask[height // 2:] = 7
        x = int(rng.integers(0, width - 8))
        mask[height // 2 - 6: height // 2 + 4, x: x + 8] = 10
        image = np.zeros((height, width, 3), np.float64)
        for class_id, colour in COLOURS.items():
            image[mask == class_id] = colour
        image = np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)
        Image.fromarray(image).save(root / "CameraRGB" / f"scene_{index:02d}.png")
        rgba = np.zeros((height, width, 4), np.uint8)
        rgba[..., 0] = mask
        rgba[..., 3] = 255
        Image.fromarray(rgba).save(root / "CameraMask" / f"scene_{index:02d}.png")
    return root
