"""Measure a model on a split and write the results: metrics.json, predictions.png, iou.png, confusion.png.

Used by `train` (on the validation split, after the last epoch) and by `evaluate`
(on any split of any data). The confusion matrix is summed over every pixel of
every image of the split; see `metrics.py` for how accuracy and IoU follow from it.
"""
from pathlib import Path

import numpy as np

from segmentation import plots
from segmentation.files import write_json
from segmentation.metrics import confusion_matrix, metrics_report, per_class_iou

EXAMPLES_SHOWN = 4


def measure(model, dataset, n_classes, n_examples=EXAMPLES_SHOWN):
    """Run `model` over `dataset` and count pixels.

    Arguments:
        model: a Keras model giving (batch, H, W, n_classes) logits.
        dataset: batches of (images, masks) from `pipeline.make_dataset`.
        n_classes: number of classes.
        n_examples: how many (image, true mask, predicted mask) to keep for pictures.

    Returns:
        (matrix, examples): the (n_classes, n_classes) confusion matrix and a dict of
        arrays "images" (N, H, W, 3), "true" (N, H, W), "predicted" (N, H, W) for the
        first `n_examples` images of the dataset.
    """
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    kept = {"images": [], "true": [], "predicted": []}
    for images, masks in dataset:
        predicted = np.argmax(model.predict_on_batch(images), axis=-1)
        masks = np.asarray(masks)
        matrix += confusion_matrix(masks, predicted, n_classes)
        room = n_examples - len(kept["images"])
        if room > 0:
            kept["images"] += list(np.asarray(images)[:room])
            kept["true"] += list(masks[:room])
            kept["predicted"] += list(predicted[:room])
    examples = {key: np.stack(value) if value else np.zeros((0,)) for key, value in kept.items()}
    return matrix, examples


def write_results(out_dir, matrix, examples, classes, split_name, extra=None):
    """Write metrics.json, predictions.png, iou.png and confusion.png into `out_dir`.

    Arguments:
        out_dir: the folder to write into (created if needed).
        matrix, examples: from `measure`.
        classes: the ClassTable of the data.
        split_name: which split was measured ("validation", "test", "all", ...).
        extra: more JSON-able facts for metrics.json (e.g. the model file, the data folder).

    Returns:
        The metrics dict written to metrics.json.
    """
    out_dir = Path(out_dir)
    report = metrics_report(matrix, classes.names, split_name)
    if extra:
        report = {**extra, **report}
    write_json(out_dir / "metrics.json", report)
    if len(examples["images"]):
        plots.plot_predictions(examples["images"], examples["true"], examples["predicted"],
                               classes.names, classes.colors, out_dir / "predictions.png")
    plots.plot_iou(per_class_iou(matrix), classes.names, classes.colors, out_dir / "iou.png",
                   title=f"Per-class IoU on the {split_name} split")
    plots.plot_confusion(matrix, classes.names, out_dir / "confusion.png")
    return report


def pairs_to_evaluate(model_path, dataset, split_name):
    """The (image, mask) pairs of `split_name` ("validation", "test" or "all") of `dataset`.

    When the model sits in a run folder whose split.json was made from the same data
    folder, that split is used, so "validation" means the images the run validated on.
    Otherwise the data is split with the default seed, as `train` does.

    Returns:
        (pairs, where_from): the pairs and a few words on which split was used.
    """
    from segmentation.dataset import DataError
    from segmentation.split import read_split, split_pairs

    if split_name == "all":
        return list(dataset.pairs), "every pair"
    split_file = Path(model_path).resolve().parent / "split.json"
    split = None
    if split_file.is_file():
        recorded = read_split(split_file)
        if recorded.get("root") and Path(recorded["root"]).resolve() == Path(dataset.root).resolve():
            split, where_from = recorded, f"the run's {split_file}"
    if split is None:
        split, where_from = split_pairs(dataset.pairs, seed=0), "the default split (seed 0)"
    if not split[split_name]:
        raise DataError(f"The {split_name} split of {dataset.root} is empty ({len(dataset.pairs)} "
                        f"pair(s) in all). Use --split all, or give more data.")
    return split[split_name], where_from


def evaluate_saved_model(model_path, data_dir, split_name, out_dir, batch_size=32):
    """Measure the saved model on a split of `data_dir` and write the results into `out_dir`.

    Raises:
        ModelError: the file is not a usable model, or its class count does not fit the data.
        DataError: the data folder is unusable or the split is empty.

    Returns:
        The metrics dict (as in metrics.json, plus "images", the number of images measured).
    """
    from segmentation.dataset import load_data
    from segmentation.modeling import ModelError, input_size, load_saved_model
    from segmentation.pipeline import make_dataset

    model = load_saved_model(model_path)
    dataset = load_data(data_dir)
    n_outputs = int(model.output.shape[-1])
    if n_outputs != dataset.classes.n_classes:
        raise ModelError(f"{model_path} predicts {n_outputs} classes, but {dataset.root} has the "
                         f"{dataset.layout} layout with {dataset.classes.n_classes} classes. "
                         f"Evaluate it on data of the layout it was trained on.")
    pairs, where_from = pairs_to_evaluate(model_path, dataset, split_name)
    image_size = input_size(model)
    batches = make_dataset(pairs, image_size, batch_size, shuffle=False, cache=False)
    matrix, examples = measure(model, batches, n_outputs)
    report = write_results(out_dir, matrix, examples, dataset.classes, split_name,
                           extra={"model": str(model_path), "data": str(dataset.root),
                                  "images": len(pairs), "split_from": where_from})
    return report
