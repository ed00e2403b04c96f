"""Predict masks for single image files: a colour mask and an overlay per image.

Each image is resized to the model's input size exactly as in training (bilinear,
see pipeline.py), the predicted class ids are scaled back to the image's own size
(`nearest`), and two PNGs are written: NAME_mask.png (the class colours) and
NAME_overlay.png (the colours blended over the photo).
"""
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from segmentation.classes import COURSE_CLASSES, LYFT_CLASSES, ClassTable
from segmentation.files import atomic_path
from segmentation.plots import colorize, overlay

ASPECT_TOLERANCE = 0.10


class SkippedImage(Exception):
    """This file cannot be predicted; the message names it and says why."""


def class_table_for(n_classes):
    """The class table with `n_classes` classes; a generated palette for other counts."""
    for table in (COURSE_CLASSES, LYFT_CLASSES):
        if table.n_classes == n_classes:
            return table
    rng = np.random.default_rng(0)
    colors = [tuple(int(c) for c in rng.integers(0, 256, 3)) for _ in range(n_classes)]
    return ClassTable(name=f"{n_classes} classes", names=[f"class {k}" for k in range(n_classes)],
                      colors=colors)


def read_image(path, model_size):
    """The image at `path` as uint8 (H, W, 3), checked against the model's (height, width).

    Raises:
        SkippedImage: not a readable image, or its shape does not suit the model
            (too small, or a height/width ratio more than 10% off the model's).
    """
    path = Path(path)
    try:
        with Image.open(path) as image:
            image.load()
            pixels = np.asarray(image.convert("RGB"))
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as error:
        reason = "not an image file" if isinstance(error, UnidentifiedImageError) else f"unreadable ({error})"
        if isinstance(error, (FileNotFoundError, IsADirectoryError)):
            reason = "no such file" if isinstance(error, FileNotFoundError) else "a folder, not an image"
        raise SkippedImage(f"{path}: {reason}; skipped.") from None
    height, width = pixels.shape[:2]
    model_height, model_width = model_size
    if height < model_height or width < model_width:
        raise SkippedImage(f"{path}: the image is {height}x{width}, smaller than the model's input "
                           f"{model_height}x{model_width} (height x width); skipped. Give an image "
                           f"of at least that size.")
    ratio, model_ratio = height / width, model_height / model_width
    if abs(ratio / model_ratio - 1) > ASPECT_TOLERANCE:
        raise SkippedImage(f"{path}: the image is {height}x{width} (height x width), a shape the "
                           f"model does not take: it was trained on {model_height}x{model_width} "
                           f"images, and squeezing this one to that shape would distort it. Crop it "
                           f"to a height:width ratio of {model_height}:{model_width} first; skipped.")
    return pixels


def predict_mask(model, pixels):
    """Class ids (H, W) at the image's own size for uint8 `pixels` (H, W, 3)."""
    from segmentation.modeling import input_size
    from segmentation.quiet_tf import import_tensorflow

    tf = import_tensorflow()
    model_height, model_width = input_size(model)
    resized = tf.image.resize(pixels[None].astype(np.float32), (model_height, model_width), "bilinear")
    batch = tf.round(tf.clip_by_value(resized, 0.0, 255.0)) / 255.0
    ids = np.argmax(model.predict_on_batch(batch), axis=-1)[0].astype(np.uint8)
    return np.asarray(Image.fromarray(ids).resize((pixels.shape[1], pixels.shape[0]), Image.NEAREST))


def write_prediction(pixels, mask, classes, out_dir, stem):
    """Write STEM_mask.png and STEM_overlay.png into `out_dir`; return their paths."""
    mask_path = Path(out_dir) / f"{stem}_mask.png"
    overlay_path = Path(out_dir) / f"{stem}_overlay.png"
    for path, picture in ((mask_path, colorize(mask, classes.colors)),
                          (overlay_path, overlay(pixels, mask, classes.colors))):
        with atomic_path(path) as temporary:
            Image.fromarray(picture).save(temporary, format="PNG")
    return mask_path, overlay_path


def unique_stem(path, used):
    """The file's name without extension, made unique among `used` (which it joins)."""
    stem = Path(path).stem
    candidate, number = stem, 2
    while candidate in used:
        candidate, number = f"{stem}-{number}", number + 1
    used.add(candidate)
    return candidate
