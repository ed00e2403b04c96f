"""Segmentation metrics from a confusion matrix: pixel accuracy, per-class IoU, mean IoU.

Everything here is plain NumPy so it can be checked by hand. The confusion matrix
has one row per true class and one column per predicted class; entry [t, p]
counts the pixels of class t that the model called p.

A class is *present* when it occurs in the true masks or in the predictions
(its union is not empty). Its IoU is intersection / union; a class that is absent
from both has no IoU (NaN, written as null in metrics.json) and does not count in
the mean, so a batch that happens to hold no pedestrians does not score them 0 or 1.
This is the same rule as `keras.metrics.MeanIoU`, which reports the training
curves, so the numbers during and after training agree.
"""
import numpy as np


def confusion_matrix(true_mask, predicted_mask, n_classes):
    """Count pixels by (true class, predicted class).

    Arguments:
        true_mask: integer array of any shape, class ids in 0..n_classes-1.
        predicted_mask: integer array of the same shape, class ids in 0..n_classes-1.
        n_classes: number of classes.

    Returns:
        int64 array of shape (n_classes, n_classes); rows are true classes,
        columns predicted classes.

    Raises:
        ValueError: the shapes differ or a class id lies outside 0..n_classes-1.
    """
    true_mask = np.asarray(true_mask)
    predicted_mask = np.asarray(predicted_mask)
    if true_mask.shape != predicted_mask.shape:
        raise ValueError(f"true mask shape {true_mask.shape} differs from predicted mask "
                         f"shape {predicted_mask.shape}")
    true_ids = true_mask.astype(np.int64).ravel()
    predicted_ids = predicted_mask.astype(np.int64).ravel()
    for name, ids in (("true", true_ids), ("predicted", predicted_ids)):
        if ids.size and (ids.min() < 0 or ids.max() >= n_classes):
            bad = ids[(ids < 0) | (ids >= n_classes)][0]
            raise ValueError(f"{name} mask holds class id {bad}, outside 0..{n_classes - 1}")
    counts = np.bincount(true_ids * n_classes + predicted_ids, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


def pixel_accuracy(matrix):
    """Fraction of pixels whose predicted class is the true class (NaN for an empty matrix)."""
    matrix = np.asarray(matrix)
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else float("nan")


def per_class_iou(matrix):
    """IoU of each class: true positives / (true + predicted - true positives).

    Returns a float array of length n_classes; a class absent from both the true
    and the predicted masks gets NaN.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    intersection = np.diag(matrix)
    union = matrix.sum(axis=0) + matrix.sum(axis=1) - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, intersection / np.where(union > 0, union, 1), np.nan)


def mean_iou(matrix):
    """Mean of the per-class IoU over the present classes (NaN if no class is present)."""
    ious = per_class_iou(matrix)
    present = ~np.isnan(ious)
    return float(ious[present].mean()) if present.any() else float("nan")


def _number_or_none(value):
    """A float for JSON, or None where the value is NaN."""
    return None if np.isnan(value) else round(float(value), 6)


def metrics_report(matrix, class_names, split_name):
    """The content of metrics.json: accuracy, mean IoU, per-class IoU and pixel counts.

    Arguments:
        matrix: confusion matrix from `confusion_matrix` (summed over all images).
        class_names: one name per class, in class-id order.
        split_name: which images were measured ("validation", "test", "all").

    Returns:
        A JSON-ready dict.
    """
    matrix = np.asarray(matrix)
    ious = per_class_iou(matrix)
    return {
        "split": split_name,
        "pixels": int(matrix.sum()),
        "pixel_accuracy": _number_or_none(pixel_accuracy(matrix)),
        "mean_iou": _number_or_none(mean_iou(matrix)),
        "classes_present": int((~np.isnan(ious)).sum()),
        "per_class": [
            {"id": index, "name": name, "iou": _number_or_none(ious[index]),
             "true_pixels": int(matrix[index].sum()), "predicted_pixels": int(matrix[:, index].sum())}
            for index, name in enumerate(class_names)
        ],
        "confusion_matrix": matrix.astype(int).tolist(),
    }
