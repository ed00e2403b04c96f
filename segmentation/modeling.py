"""The model to train: find the chosen `unet_model`, build it, compile it, load a saved one.

`unet_model` comes from the student's `exercises`, the reference `solutions` or
any Python file (`--source`), and is called with the course's arguments
(input_size, n_filters, n_classes). It is built under the chosen dtype policy and
given a float32 output (see `precision.py`), so the student's code never has to
know about mixed precision.
"""
import importlib
import importlib.util
import sys
from pathlib import Path

from segmentation.errors import InputError
from segmentation.precision import policy_scope, with_float32_output
from segmentation.quiet_tf import import_tensorflow
from segmentation.settings import LEARNING_RATE


class ModelError(InputError):
    """The model cannot be found, built or loaded; the message says why and what to do."""


def load_unet_builder(model="exercises", source=None):
    """The `unet_model` function of `exercises`, `solutions`, or of the Python file `source`.

    Raises:
        ModelError: the module or file is missing, does not import, or has no `unet_model`.
    """
    if source is not None:
        return _builder_from_file(Path(source))
    if model not in ("exercises", "solutions"):
        raise ModelError(f"--model must be exercises or solutions, not {model!r}.")
    try:
        module = importlib.import_module(model)
    except ModuleNotFoundError as error:
        if error.name == model:
            raise ModelError(f"The `{model}/` folder is not part of this package, so --model "
                             f"{model} cannot be trained here. Use --model exercises (your own "
                             f"code) or --source FILE.py.") from None
        raise ModelError(f"Importing {model} failed: {error}.") from None
    return module.unet_model


def _builder_from_file(path):
    """Import the file at `path` under a private name and return its `unet_model`."""
    if not path.is_file():
        raise ModelError(f"The source file {path} does not exist. Give the path of a Python file "
                         f"that defines unet_model(input_size, n_filters, n_classes).")
    spec = importlib.util.spec_from_file_location(f"_unet_source_{abs(hash(str(path.resolve())))}",
                                                  path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's file: report any failure in one line
        raise ModelError(f"Importing {path} failed with {type(error).__name__}: {error}. "
                         f"Fix the file (try `python {path}`), then run the command again.") from None
    builder = getattr(module, "unet_model", None)
    if not callable(builder):
        raise ModelError(f"{path} has no function unet_model; define "
                         f"unet_model(input_size, n_filters, n_classes) there.")
    return builder


def build_model(builder, input_size, n_classes, policy="float32", n_filters=32):
    """Call `builder` under the dtype policy and return the model with float32 logits.

    Arguments:
        builder: a `unet_model` function.
        input_size: (H, W, 3).
        n_classes: output channels, the dataset's class count.
        policy: Keras dtype policy name ("float32", "mixed_bfloat16", "mixed_float16").
        n_filters: filters of the first block.

    Raises:
        ModelError: the builder raised, or its output has the wrong shape.
    """
    with policy_scope(policy):
        try:
            model = builder(input_size=tuple(input_size), n_filters=n_filters, n_classes=n_classes)
        except NotImplementedError as error:
            raise ModelError(f"{error} Check your progress with `python -m grader all`.") from None
        except Exception as error:  # the student's code: say what it raised, in one line
            raise ModelError(f"Building unet_model(input_size={tuple(input_size)}, n_filters="
                             f"{n_filters}, n_classes={n_classes}) raised {type(error).__name__}: "
                             f"{error}. Run `python -m grader all` to find the problem.") from None
        expected = (input_size[0], input_size[1], n_classes)
        found = tuple(getattr(model, "output", None).shape[1:]) if hasattr(model, "output") else None
        if found != tuple(expected):
            raise ModelError(f"unet_model returned a model with output shape {found}; a U-Net for "
                             f"this data must output {expected} (height, width, classes). "
                             f"Run `python -m grader all` to find the problem.")
        return with_float32_output(model)


def compile_model(model, n_classes, learning_rate=LEARNING_RATE):
    """Compile with the course's settings: Adam, sparse cross-entropy on logits, accuracy, mean IoU."""
    import_tensorflow()
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy", keras.metrics.MeanIoU(num_classes=n_classes, sparse_y_pred=False,
                                                   name="mean_iou")],
    )
    return model


def load_saved_model(path, compile=False):
    """Load a `.keras` model file; ModelError with a clear message if it is not one."""
    import_tensorflow()
    import keras

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"The model file {path} does not exist. Give the model.keras file "
                         f"that `python -m grader train` wrote into its run folder.")
    try:
        model = keras.models.load_model(path, compile=compile)
    except Exception as error:  # any reader failure means: not a usable Keras model file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(f"{path} is not a Keras model file that can be loaded ({reason}). "
                         f"Give the model.keras file that `python -m grader train` wrote "
                         f"into its run folder.") from None
    inputs = getattr(model, "inputs", None) or []
    shape = tuple(inputs[0].shape[1:]) if len(inputs) == 1 else ()
    if len(shape) != 3 or shape[2] != 3 or None in shape[:2]:
        raise ModelError(f"{path} holds a model whose input is {shape or 'not one image'}; this tool "
                         f"feeds RGB images of a fixed size (height, width, 3), like the U-Net it trains.")
    return model


def input_size(model):
    """(height, width) of the images a one-input model takes."""
    return tuple(int(d) for d in model.inputs[0].shape[1:3])
