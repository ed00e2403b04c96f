"""Run a model on a fixed input with fixed weights, for the behaviour checks (runs in the child).

Weights are generated, not copied: the k-th weight array in the canonical layer order
gets values drawn from (seed, configuration, k) and its shape. Two models whose weight
shapes line up therefore get exactly the same weights; so giving the student's model
"the reference's weights" needs no reference model in memory. Outputs travel to the
parent as float32 bytes in base64 (plain JSON data).
"""
import base64

from grader.grading.model.describe import canonical_nodes
from grader.grading.student_errors import StudentFault, exception_data


def outputs_on_fixed_input(model, seed, config_index, source, function):
    """Set the generated weights, run `model` on the fixed input and return its encoded outputs.

    Raises:
        StudentFault: the model's own code raised while running.
    """
    import keras
    import numpy as np

    try:  # the layers (a student's custom ones too) are asked for their weights, then run
        mapping = []
        seen = set()
        for operation, _, _ in canonical_nodes(model):
            if operation is None or id(operation) in seen:
                continue
            seen.add(id(operation))
            for weight in list(getattr(operation, "weights", None) or []):
                shape = tuple(int(size) for size in weight.shape)
                mapping.append((weight, _generated(shape, seed, config_index, len(mapping))))
        inputs = [fixed_input([int(size) for size in tensor.shape[1:]], seed, config_index, number)
                  for number, tensor in enumerate(model.inputs)]
        # The weights are given to the layers for this one call; the model's own variables
        # were never initialised (see build.py), which keeps building fast.
        with keras.StatelessScope(state_mapping=mapping, initialize_variables=False):
            results = model(inputs, training=False)
        results = list(results) if type(results) in (list, tuple) else [results]
        return [encode(np.asarray(result, dtype=np.float32)[0]) for result in results]
    except BaseException as error:  # noqa: B036 -- a student's custom layer may raise anything
        raise StudentFault(exception_data(error, source, function)) from None


def fixed_input(shape, seed, config_index, number):
    """One input image: uniform values in [0, 1) of `shape` (no batch), with a batch of 1."""
    import numpy as np

    rng = np.random.default_rng([seed, config_index, 1_000_003 + number])
    return rng.random((1, *shape), dtype=np.float32)


def _generated(shape, seed, config_index, position):
    """He-scaled uniform values for kernels (variance 2 / fan-in), small ones (standard deviation 0.1)
    for biases: outputs stay near 1. Uniform values are drawn, and scaled in place, about three times
    faster than normal ones, which counts for a U-Net's millions of weights."""
    import numpy as np

    rng = np.random.default_rng([seed, config_index, position])
    values = rng.random(shape, dtype=np.float32)
    fan_in = max(1, int(np.prod(shape[:-1]))) if len(shape) >= 2 else None
    limit = np.float32((6.0 / fan_in) ** 0.5 if fan_in else 0.1 * 3 ** 0.5)
    values *= 2 * limit
    values -= limit
    return values


def encode(array):
    """{"shape", "data"}: a float32 array as plain JSON data."""
    return {"shape": list(array.shape), "data": base64.b64encode(array.astype("<f4").tobytes()).decode("ascii")}
