"""The run's pictures: correct colours, files that open, nothing partial left behind."""
import os

import numpy as np
import pytest
from PIL import Image

from segmentation import plots
from segmentation.classes import COURSE_CLASSES as CLASSES
from segmentation.metrics import confusion_matrix, per_class_iou


def test_colorize_paints_each_class_in_its_table_colour():
    mask = np.array([[0, 7], [10, 13]])
    painted = plots.colorize(mask, CLASSES.colors)
    assert painted.dtype == np.uint8 and painted.shape == (2, 2, 3)
    assert [tuple(painted[i, j]) for i in range(2) for j in range(2)] == [
        CLASSES.colors[0], CLASSES.colors[7], CLASSES.colors[10], CLASSES.colors[13]]


def test_overlay_blends_image_and_mask_colours():
    image = np.full((1, 1, 3), 1.0)  # white, float in [0, 1]
    blended = plots.overlay(image, np.array([[10]]), CLASSES.colors, alpha=0.5)
    expected = np.round((255 + np.array(CLASSES.colors[10])) / 2)
    np.testing.assert_allclose(blended[0, 0], expected, atol=1)


@pytest.fixture
def example():
    rng = np.random.default_rng(0)
    true = np.zeros((2, 32, 48), int)
    true[:, 16:] = 7
    true[:, :8] = 13
    predicted = true.copy()
    predicted[:, 12:20] = 8
    return rng.random((2, 32, 48, 3)), true, predicted


def _opens_as_picture(path, min_size=(200, 150)):
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.width >= min_size[0] and picture.height >= min_size[1]
        pixels = np.asarray(picture.convert("RGB"))
    assert pixels.std() > 10, "picture is blank"
    return pixels


def test_each_picture_is_written_and_opens(tmp_path, example):
    images, true, predicted = example
    matrix = confusion_matrix(true, predicted, CLASSES.n_classes)
    plots.plot_predictions(images, true, predicted, CLASSES.names, CLASSES.colors, tmp_path / "predictions.png")
    plots.plot_iou(per_class_iou(matrix), CLASSES.names, CLASSES.colors, tmp_path / "iou.png")
    plots.plot_confusion(matrix, CLASSES.names, tmp_path / "confusion.png")
    history = [{"epoch": e, "accuracy": 0.5 + e / 10, "loss": 1 / e, "val_accuracy": 0.4 + e / 10,
                "val_loss": 1.2 / e} for e in (1, 2, 3)]
    plots.plot_history(history, tmp_path / "accuracy.png")
    for name in ("predictions.png", "iou.png", "confusion.png", "accuracy.png"):
        _opens_as_picture(tmp_path / name)
    assert sorted(os.listdir(tmp_path)) == ["accuracy.png", "confusion.png", "iou.png", "predictions.png"]


def test_predictions_picture_shows_mask_colours(tmp_path, example):
    images, true, predicted = example
    plots.plot_predictions(images, true, predicted, CLASSES.names, CLASSES.colors, tmp_path / "p.png")
    pixels = _opens_as_picture(tmp_path / "p.png").reshape(-1, 3)
    present = {tuple(p) for p in np.unique(pixels, axis=0)}
    for class_id in (7, 8, 13):  # road, sidewalk (predicted only), sky
        assert CLASSES.colors[class_id] in present


def test_history_without_validation_still_plots(tmp_path):
    plots.plot_history([{"epoch": 1, "accuracy": 0.3, "loss": 2.0}], tmp_path / "accuracy.png")
    _opens_as_picture(tmp_path / "accuracy.png")


def test_failed_plot_leaves_no_file(tmp_path, example, monkeypatch):
    import matplotlib.figure

    def broken_savefig(self, path, **kwargs):
        open(path, "wb").write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken_savefig)
    from segmentation.files import OutputError

    with pytest.raises(OutputError, match="disk is full"):
        plots.plot_iou([0.5, float("nan")], ["a", "b"], [(0, 0, 0), (9, 9, 9)], tmp_path / "iou.png")
    assert os.listdir(tmp_path) == []
