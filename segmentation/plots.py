"""The pictures of a run: learning curves, predictions, per-class IoU, confusion matrix.

Each `plot_*` function draws one PNG and writes it atomically (see `files.py`).
Colours come from the class table: `colors` is one RGB tuple (0..255) per class id.
Matplotlib runs with the non-interactive Agg backend, so no window ever opens.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from segmentation.files import atomic_path  # noqa: E402

ABSENT_GREY = "#c8c8c8"


def colorize(mask, colors):
    """Class-id mask (H, W) -> RGB uint8 image (H, W, 3) in the class colours."""
    palette = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    return palette[np.clip(np.asarray(mask, dtype=np.int64), 0, len(palette) - 1)]


def overlay(image, mask, colors, alpha=0.5):
    """Blend the colour mask over an RGB image; `image` is uint8 or float in [0, 1]."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.clip(image * 255.0, 0, 255).astype(np.uint8)
    blended = (1 - alpha) * image.astype(np.float32) + alpha * colorize(mask, colors).astype(np.float32)
    return np.clip(blended, 0, 255).astype(np.uint8)


def _save(figure, path):
    """Write the figure to `path` atomically and close it."""
    try:
        with atomic_path(path) as temporary:
            figure.savefig(temporary, dpi=100, bbox_inches="tight")
    finally:
        plt.close(figure)


def _hex(color):
    """RGB tuple (0..255) -> '#rrggbb'."""
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in color))


def plot_history(history, path):
    """accuracy.png: training and validation accuracy (left) and loss (right) by epoch.

    Arguments:
        history: list of per-epoch dicts with "epoch", "accuracy", "loss" and,
            when there was validation data, "val_accuracy" and "val_loss".
        path: the PNG to write.
    """
    epochs = [row["epoch"] for row in history]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for axis, key, title in ((left, "accuracy", "Pixel accuracy"), (right, "loss", "Loss")):
        axis.plot(epochs, [row[key] for row in history], "o-", label="training")
        if any(row.get("val_" + key) is not None for row in history):
            axis.plot(epochs, [row.get("val_" + key) for row in history], "s-", label="validation")
        axis.set_title(title)
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
        axis.legend()
        if len(epochs) < 15:
            axis.set_xticks(epochs)
    left.set_ylim(0, 1)
    _save(figure, path)


def plot_predictions(images, true_masks, predicted_masks, class_names, colors, path):
    """predictions.png: one row per image: the image, its true mask, the predicted mask.

    Arguments:
        images: (N, H, W, 3) floats in [0, 1] (or uint8).
        true_masks, predicted_masks: (N, H, W) class ids.
        class_names, colors: the class table's names and RGB colours.
        path: the PNG to write.
    The legend lists the classes that occur in the masks shown.
    """
    count = len(images)
    figure, axes = plt.subplots(count, 3, figsize=(10, 2.6 * count + 0.8), squeeze=False)
    for row in range(count):
        accuracy = float(np.mean(np.asarray(true_masks[row]) == np.asarray(predicted_masks[row])))
        panels = [(images[row], "image"), (colorize(true_masks[row], colors), "true mask"),
                  (colorize(predicted_masks[row], colors), f"predicted ({accuracy:.0%} of pixels right)")]
        for column, (picture, title) in enumerate(panels):
            axes[row, column].imshow(picture, interpolation="nearest")
            axes[row, column].set_title(title, fontsize=10)
            axes[row, column].axis("off")
    shown = np.union1d(np.unique(np.asarray(true_masks)), np.unique(np.asarray(predicted_masks)))
    handles = [Patch(facecolor=_hex(colors[k]), edgecolor="black", linewidth=0.5,
                     label=f"{k} {class_names[k]}") for k in shown.astype(int)]
    figure.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)), fontsize=9,
                  frameon=False, bbox_to_anchor=(0.5, -0.02 - 0.025 * ((len(handles) - 1) // 6)))
    figure.tight_layout()
    _save(figure, path)


def plot_iou(per_class_iou, class_names, colors, path, title="Per-class IoU"):
    """iou.png: one horizontal bar per class; classes absent from the data are marked.

    Arguments:
        per_class_iou: one IoU per class, NaN where the class is absent.
        class_names, colors: the class table's names and RGB colours.
        path: the PNG to write.
    """
    ious = np.asarray(per_class_iou, dtype=float)
    present = ~np.isnan(ious)
    positions = np.arange(len(ious))
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(ious) + 1.2))
    axis.barh(positions, np.where(present, ious, 0),
              color=[_hex(colors[k]) if present[k] else ABSENT_GREY for k in positions],
              edgecolor="black", linewidth=0.5)
    for k in positions:
        label = f"{ious[k]:.2f}" if present[k] else "absent"
        axis.text((ious[k] if present[k] else 0) + 0.01, k, label, va="center", fontsize=8,
                  color="black" if present[k] else "dimgray")
    if present.any():
        mean = float(ious[present].mean())
        axis.axvline(mean, color="black", linestyle="--", linewidth=1)
        title = f"{title} (mean over {int(present.sum())} present classes: {mean:.3f})"
    axis.set_yticks(positions, [f"{k} {class_names[k]}" for k in positions], fontsize=9)
    axis.invert_yaxis()
    axis.set_xlim(0, 1.1)
    axis.set_xlabel("intersection over union")
    axis.set_title(title, fontsize=11)
    _save(figure, path)


def plot_confusion(matrix, class_names, path):
    """confusion.png: the confusion matrix, each true-class row scaled to sum to 1.

    Rows are true classes, columns predicted classes; a cell shows the share of
    that true class's pixels predicted as the column's class. Rows of classes with
    no true pixels are left blank (grey).
    """
    matrix = np.asarray(matrix, dtype=float)
    totals = matrix.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, matrix / np.where(totals > 0, totals, 1), np.nan)
    n = len(class_names)
    size = max(5.0, 0.38 * n + 2.5)
    figure, axis = plt.subplots(figsize=(size + 1.2, size))
    cmap = plt.get_cmap("Blues").with_extremes(bad=ABSENT_GREY)
    image = axis.imshow(np.ma.masked_invalid(shares), cmap=cmap, vmin=0, vmax=1)
    for t in range(n):
        for p in range(n):
            if not np.isnan(shares[t, p]) and shares[t, p] >= 0.005:
                axis.text(p, t, f"{shares[t, p]:.2f}"[1:] if shares[t, p] < 1 else "1", ha="center",
                          va="center", fontsize=7 if n > 13 else 8,
                          color="white" if shares[t, p] > 0.5 else "black")
    labels = [f"{k} {name}" for k, name in enumerate(class_names)]
    axis.set_xticks(range(n), labels, rotation=90, fontsize=8)
    axis.set_yticks(range(n), labels, fontsize=8)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    axis.set_title("Confusion matrix: share of each true class's pixels\n"
                   "(grey rows: classes with no true pixels)", fontsize=11)
    figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04)
    _save(figure, path)
