"""The course notebook, built with nbformat from the exercise and solution modules.

The graded cells hold the exact text of the functions in `exercises/unet.py` (or,
with `solutions=True`, `solutions/unet.py`), cut out with `ast`; nothing is
retyped, so the notebook cannot drift from the package. Each cell carries a
`grader` entry in its metadata saying what it is for:

- `{"role": "setup"}`: the imports the graded functions need;
- `{"exercise": "exercise1", "function": "conv_block", "graded": true}`: a graded cell;
- `{"role": "check", "exercise": "exercise1"}`: runs that exercise's checks inline;
- `{"role": "training"}`: the cells that train and plot (never run by the grader).

`python -m grader exercise1 --source work.ipynb` runs the graded functions and what they use only.
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.exercises import COURSE
from grader.notebook.module_text import function_source, import_block, module_file

NOTEBOOK_NAME = "unet.ipynb"
STUB_HELPER = "_not_implemented"


@dataclass(frozen=True)
class TrainingBudget:
    """How much the notebook's training run does.

    Attributes:
        epochs: passes over the training images.
        n_filters: filters of the first U-Net block (the course uses 32).
        max_images: use at most this many image/mask pairs (None: all of them).
        batch_size: images per training step.
    """

    epochs: int = 10
    n_filters: int = 32
    max_images: int | None = None
    batch_size: int = 32


QUICK_BUDGET = TrainingBudget(epochs=1, n_filters=4, max_images=8, batch_size=4)


def _graded_metadata(exercise, function):
    return {"grader": {"exercise": exercise, "function": function, "graded": True},
            "deletable": False}


def _role(role, **extra):
    return {"grader": {"role": role, **extra}}


def _code(source, metadata=None):
    return new_code_cell(source.strip("\n"), metadata=metadata or {})


def _markdown(text):
    return new_markdown_cell(text.strip("\n"))


INTRODUCTION = """
# U-Net: labelling every pixel of a street scene

A self-driving car has to know, for every pixel its camera sees, whether it is road,
sidewalk, a car, a pedestrian or sky. That task is **semantic segmentation**, and the
**U-Net** is the classic network for it: an *encoder* shrinks the image step by step
into features that say *what* is there, a *decoder* grows them back to full size, and
*skip connections* hand the decoder the encoder's fine detail so that it also knows
*where* things are.

In this notebook you will

1. look at the data: camera images of CARLA-style street scenes and their masks;
2. write the U-Net in three graded exercises:
   - **Exercise 1**, `conv_block`: one encoder block;
   - **Exercise 2**, `upsampling_block`: one decoder block;
   - **Exercise 3**, `unet_model`: the whole network, built from your two blocks;
3. train your model for a few epochs, plot its accuracy and look at its predictions.

**How grading works.** Write your code between `### START CODE HERE` and
`### END CODE HERE` in the three cells marked *graded*. The cell right after each one
runs the grader's checks on your function and tells you precisely what is right and
what differs from the expected network (the layer, the setting, expected versus found).
The same checks run from a terminal:

```bash
python -m grader exercise1 --source unet.ipynb   # or exercise2, exercise3, all
```

The grader finds your functions by the graded cells' metadata, so keep those cells and
the functions' names and arguments. It runs only your graded functions and what they use
(imports, helpers, constants, wherever they are in the notebook), never the data loading,
the training or the plots. Run the cells from top to bottom.
"""

TOOLS_INTRO = """
## Set-up

The notebook's tools: TensorFlow (imported without its start-up log noise), data
loading, plotting, and `check`, which grades one exercise with the functions defined
in this notebook.
"""

TOOLS_CELL = """
from segmentation.quiet_tf import import_tensorflow

tf = import_tensorflow()

import matplotlib.pyplot as plt
import numpy as np

from grader.notebook.inline import check
from segmentation.dataset import load_dataset
from segmentation.pipeline import make_dataset
from segmentation.split import split_pairs
from segmentation.synth import default_sample_dir
"""

SETUP_INTRO = """
The layers you need for the exercises, and the friendly error an unfinished exercise
raises. The grader runs what your graded cells use from here.
"""

DATA_INTRO = """
## 1. The data

Each example is a camera image and a **mask** of the same size in which every pixel
holds a class id: 7 is Road, 10 Vehicles, 13 Sky, and so on (23 classes in the course's
CARLA layout). The model's job is to predict that mask from the image.

Out of the box this notebook uses the **synthetic** sample that comes with the course:
procedurally drawn street scenes in the CARLA layout, written on first use (a few
seconds), so that everything runs on any machine. To train on real CARLA frames, set `DATA_DIR` to their folder (the one holding
`CameraRGB/` and `CameraMask/`).
"""

SUMMARY_INTRO = """
## 5. Your model

Build the U-Net for this data and look at its layers. With the course's settings
(96x128 images, 32 filters, 23 classes) it has 8,640,471 parameters.
"""

TRAINING_INTRO = """
## 6. Training

The model outputs logits, so the loss is `SparseCategoricalCrossentropy(from_logits=True)`:
it compares each pixel's 23 scores with the true class id. The settings cell above decides
how long this runs; the course's full run is 40 epochs, and a few already show the model
learning the road, the sky and the buildings.
"""

PLOT_INTRO = """
## 7. Accuracy

Pixel accuracy is the share of pixels whose predicted class is the true one. Watch the
training and validation curves: both should rise; a validation curve that falls while
the training one rises means the model is memorising the training images.
"""

PREDICTIONS_INTRO = """
## 8. Predictions

The predicted class of a pixel is the one with the highest logit. Compare the predicted
masks with the true ones: which classes does the model already get, which does it miss?
"""

CONCLUSION = """
## What you built

You wrote a U-Net from its two building blocks and trained it to label every pixel of a
street scene. From a terminal, `python -m grader all --source unet.ipynb` grades all three
exercises at once; `python -m grader train` trains longer and writes the metrics and
pictures of a full run.
"""


def _settings_cell(budget):
    settings = [
        ("DATA_DIR = None", "None: the bundled synthetic sample; or the path of your CARLA folder"),
        ("IMAGE_SIZE = (96, 128)", "(height, width) the images are resized to"),
        (f"MAX_IMAGES = {budget.max_images}", "use at most this many image/mask pairs (None: all)"),
        (f"N_FILTERS = {budget.n_filters}", "filters of the first U-Net block (the course uses 32)"),
        (f"EPOCHS = {budget.epochs}", "passes over the training images (the course trains 40)"),
        (f"BATCH_SIZE = {budget.batch_size}", "images per training step"),
    ]
    return "\n".join(f"{code:<26} # {comment}" for code, comment in settings)


DATA_CELL = """
dataset = load_dataset(DATA_DIR or default_sample_dir())
classes = dataset.classes
pairs = dataset.pairs if MAX_IMAGES is None else dataset.pairs[:MAX_IMAGES]
kind = "synthetic sample" if dataset.synthetic else "data"
print(f"{len(pairs)} image/mask pairs from the {kind} in {dataset.root} "
      f"({dataset.layout} layout, {classes.n_classes} classes)")

split = split_pairs(pairs, seed=0)  # 80% training, 10% validation, 10% test
train_dataset = make_dataset(split["train"], image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)
validation_dataset = make_dataset(split["validation"], image_size=IMAGE_SIZE,
                                  batch_size=BATCH_SIZE, shuffle=False)
"""

SHOW_PAIRS_CELL = """
def colour_mask(mask):
    \"\"\"An (H, W) array of class ids as an (H, W, 3) picture in the classes' colours.\"\"\"
    palette = np.array(classes.colors, dtype=np.uint8)
    return palette[np.asarray(mask)]


images, masks = next(iter(validation_dataset.unbatch().batch(3)))
print("images", images.shape, images.dtype.name, "| masks", masks.shape, masks.dtype.name)
figure, axes = plt.subplots(len(images), 2, figsize=(8, 3 * len(images)), squeeze=False)
for row in range(len(images)):
    axes[row, 0].imshow(images[row])
    axes[row, 0].set_title("image")
    axes[row, 1].imshow(colour_mask(masks[row]))
    axes[row, 1].set_title("mask in class colours")
    for axis in axes[row]:
        axis.axis("off")
plt.tight_layout()
plt.show()
"""

SUMMARY_CELL = """
model = unet_model((*IMAGE_SIZE, 3), n_filters=N_FILTERS, n_classes=classes.n_classes)
model.summary()
"""

TRAINING_CELL = """
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
# the dataset shuffles itself every epoch, so fit() need not (shuffle=False)
history = model.fit(train_dataset, validation_data=validation_dataset, epochs=EPOCHS,
                    shuffle=False)
"""

PLOT_CELL = """
figure, (accuracy_axis, loss_axis) = plt.subplots(1, 2, figsize=(11, 4))
epochs = range(1, len(history.history["accuracy"]) + 1)
accuracy_axis.plot(epochs, history.history["accuracy"], "o-", label="training")
accuracy_axis.plot(epochs, history.history["val_accuracy"], "o-", label="validation")
accuracy_axis.set(title="pixel accuracy", xlabel="epoch", ylim=(0, 1))
loss_axis.plot(epochs, history.history["loss"], "o-", label="training")
loss_axis.plot(epochs, history.history["val_loss"], "o-", label="validation")
loss_axis.set(title="loss", xlabel="epoch")
for axis in (accuracy_axis, loss_axis):
    axis.legend()
    axis.grid(alpha=0.3)
plt.tight_layout()
plt.show()
"""

PREDICTIONS_CELL = """
predicted = tf.argmax(model.predict(images, verbose=0), axis=-1)
figure, axes = plt.subplots(len(images), 3, figsize=(12, 3 * len(images)), squeeze=False)
for row in range(len(images)):
    panels = [(images[row], "image"), (colour_mask(masks[row]), "true mask"),
              (colour_mask(predicted[row]), "predicted mask")]
    for axis, (picture, title) in zip(axes[row], panels):
        axis.imshow(picture)
        axis.set_title(title)
        axis.axis("off")
plt.tight_layout()
plt.show()
"""


def _check_cell(exercise):
    return f'check("{exercise}")'


def _setup_cell(table):
    exercises_file = module_file(table.stubs)
    return "\n\n".join([
        "import numpy as np\nimport tensorflow as tf",
        import_block(exercises_file),
        'EXERCISE_FILE = "the graded cell of this notebook"',
        function_source(exercises_file, STUB_HELPER),
    ])


def graded_sources(solutions=False, table=COURSE):
    """The text of each graded function, by exercise name: the stubs, or the reference with `solutions`."""
    path = module_file(table.reference if solutions else table.stubs)
    return {exercise.name: function_source(path, exercise.function) for exercise in table.exercises}


def build_notebook(solutions=False, budget=TrainingBudget(), table=COURSE):
    """The course notebook as an nbformat NotebookNode (version 4).

    Arguments:
        solutions: fill the graded cells with the reference functions instead of the stubs.
        budget: the TrainingBudget of the training cells (QUICK_BUDGET for a smoke test).

    Raises:
        MissingModuleError: `solutions` is asked for but `solutions/` is not installed.
    """
    sources = graded_sources(solutions, table)
    cells = [
        _markdown(INTRODUCTION),
        _markdown(TOOLS_INTRO),
        _code(TOOLS_CELL, _role("tools")),
        _markdown(SETUP_INTRO),
        _code(_setup_cell(table), _role("setup")),
        _markdown(DATA_INTRO),
        _code(_settings_cell(budget), _role("settings")),
        _code(DATA_CELL, _role("data")),
        _code(SHOW_PAIRS_CELL, _role("data")),
    ]
    for exercise in table.exercises:
        cells += [
            _markdown(exercise.intro),
            _code(sources[exercise.name], _graded_metadata(exercise.name, exercise.function)),
            _code(_check_cell(exercise.name), _role("check", exercise=exercise.name)),
        ]
    cells += [
        _markdown(SUMMARY_INTRO),
        _code(SUMMARY_CELL, _role("training")),
        _markdown(TRAINING_INTRO),
        _code(TRAINING_CELL, _role("training")),
        _markdown(PLOT_INTRO),
        _code(PLOT_CELL, _role("training")),
        _markdown(PREDICTIONS_INTRO),
        _code(PREDICTIONS_CELL, _role("training")),
        _markdown(CONCLUSION),
    ]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "grader": {"made_from": table.reference if solutions else table.stubs},
    })
    nbformat.validate(notebook)
    return notebook


def write_notebook(notebook, path):
    """Validate `notebook` and write it to `path` (parent folders are made); return the path."""
    nbformat.validate(notebook)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        nbformat.write(notebook, handle)
    return path
