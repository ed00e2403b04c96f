"""Metrics against confusion matrices and IoUs computed by hand."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from segmentation.metrics import (
    confusion_matrix,
    mean_iou,
    metrics_report,
    per_class_iou,
    pixel_accuracy,
)

# A 2x3 "image" with 4 classes; class 3 occurs nowhere (absent from the batch).
TRUE = np.array([[0, 0, 1],
                 [1, 2, 2]])
PRED = np.array([[0, 1, 1],
                 [1, 2, 0]])
# rows = true class, columns = predicted class, counted by hand from TRUE/PRED above
HAND_MATRIX = np.array([[1, 1, 0, 0],
                        [0, 2, 0, 0],
                        [1, 0, 1, 0],
                        [0, 0, 0, 0]])


def test_confusion_matrix_matches_hand_count():
    np.testing.assert_array_equal(confusion_matrix(TRUE, PRED, 4), HAND_MATRIX)


def test_pixel_accuracy_by_hand():
    assert pixel_accuracy(HAND_MATRIX) == pytest.approx(4 / 6)


def test_per_class_iou_by_hand_with_absent_class():
    # class 0: tp 1, true 2, pred 2 -> 1/3; class 1: tp 2, true 2, pred 3 -> 2/3;
    # class 2: tp 1, true 2, pred 1 -> 1/2; class 3: nowhere -> NaN
    ious = per_class_iou(HAND_MATRIX)
    np.testing.assert_allclose(ious[:3], [1 / 3, 2 / 3, 1 / 2])
    assert math.isnan(ious[3])


def test_mean_iou_ignores_absent_class():
    assert mean_iou(HAND_MATRIX) == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)


def test_class_only_predicted_counts_as_present_with_zero_iou():
    # class 2 is never true but is predicted once: it is present and scores 0
    matrix = confusion_matrix([0, 0, 1, 1], [0, 0, 1, 2], 3)
    np.testing.assert_allclose(per_class_iou(matrix), [1.0, 0.5, 0.0])
    assert mean_iou(matrix) == pytest.approx(0.5)


def test_matrices_of_batches_add_up_to_the_whole():
    first = confusion_matrix(TRUE[:1], PRED[:1], 4)
    second = confusion_matrix(TRUE[1:], PRED[1:], 4)
    np.testing.assert_array_equal(first + second, HAND_MATRIX)


def test_empty_matrix_gives_nan_not_a_crash():
    empty = np.zeros((3, 3), dtype=int)
    assert math.isnan(pixel_accuracy(empty)) and math.isnan(mean_iou(empty))


def test_out_of_range_class_id_is_named():
    with pytest.raises(ValueError, match="predicted mask holds class id 5, outside 0..3"):
        confusion_matrix([0, 1], [0, 5], 4)


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="differs"):
        confusion_matrix(np.zeros((2, 2)), np.zeros((2, 3)), 2)


def test_report_writes_null_for_absent_class_and_names_classes():
    report = metrics_report(HAND_MATRIX, ["a", "b", "c", "d"], "validation")
    assert report["split"] == "validation" and report["pixels"] == 6
    assert report["classes_present"] == 3
    assert report["per_class"][3] == {"id": 3, "name": "d", "iou": None,
                                      "true_pixels": 0, "predicted_pixels": 0}
    assert report["per_class"][1]["iou"] == pytest.approx(2 / 3, abs=1e-6)
    assert report["confusion_matrix"] == HAND_MATRIX.tolist()


masks = hnp.arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 4))


@settings(max_examples=60, deadline=None)
@given(masks, st.data())
def test_properties_over_random_masks(true, data):
    pred = data.draw(hnp.arrays(np.int64, true.shape, elements=st.integers(0, 4)))
    matrix = confusion_matrix(true, pred, 5)
    assert matrix.sum() == true.size
    assert pixel_accuracy(matrix) == pytest.approx(np.mean(true == pred))
    ious = per_class_iou(matrix)
    for k in range(5):
        union = np.sum((true == k) | (pred == k))
        if union == 0:
            assert math.isnan(ious[k])
        else:
            assert ious[k] == pytest.approx(np.sum((true == k) & (pred == k)) / union)
    if np.array_equal(true, pred):
        assert mean_iou(matrix) == pytest.approx(1.0)


def test_agrees_with_the_keras_metric_used_during_training():
    import keras

    rng = np.random.default_rng(0)
    true = rng.integers(0, 4, size=(2, 8, 8))
    true[true == 3] = 0  # class 3 absent from the batch
    logits = rng.normal(size=(2, 8, 8, 4)).astype("float32")
    metric = keras.metrics.MeanIoU(num_classes=4, sparse_y_pred=False)
    metric.update_state(true, logits)
    ours = mean_iou(confusion_matrix(true, logits.argmax(-1), 4))
    assert float(metric.result()) == pytest.approx(ours, abs=1e-6)
