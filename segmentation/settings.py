"""The settings of a training run, with their defaults: the course's run (40 epochs, batch 32, Adam 1e-3).

Kept apart from training.py, which needs TensorFlow, so that a command line can show
the defaults without loading it.
"""
from dataclasses import dataclass

COURSE_EPOCHS = 40
COURSE_BATCH_SIZE = 32
QUICK_EPOCHS = 15
QUICK_BATCH_SIZE = 8  # more, smaller steps: the quick run learns visibly in ~1 minute
LEARNING_RATE = 1e-3
IMAGE_SIZE = (96, 128)
N_FILTERS = 32


@dataclass
class TrainSettings:
    """Everything that decides a training run; stored in run.json so --resume can reuse it.

    Attributes:
        data: the dataset folder.
        model: "exercises" (the student's unet_model) or "solutions" (the reference).
        source: a Python file defining unet_model, used instead of `model` when given.
        epochs: total number of epochs.
        batch_size: images per batch.
        precision: "auto", "float32" or "mixed" (see precision.py).
        strategy: "default" (one device) or "mirrored" (all local GPUs).
        seed: seed of the split, the shuffle and the initial weights.
        image_size: (height, width) the images are resized to.
        n_filters: filters of the U-Net's first block.
        learning_rate: Adam's learning rate.
    """

    data: str
    model: str = "exercises"
    source: str = None
    epochs: int = COURSE_EPOCHS
    batch_size: int = COURSE_BATCH_SIZE
    precision: str = "auto"
    strategy: str = "default"
    seed: int = 0
    image_size: tuple = IMAGE_SIZE
    n_filters: int = N_FILTERS
    learning_rate: float = LEARNING_RATE

    @classmethod
    def quick(cls, data, **changes):
        """The settings of a short run for demos: QUICK_EPOCHS epochs of QUICK_BATCH_SIZE."""
        return cls(data, epochs=QUICK_EPOCHS, batch_size=QUICK_BATCH_SIZE, **changes)
