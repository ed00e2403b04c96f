"""A test-only exercise table with one tiny exercise: a single Conv2D layer, `conv_layer`.

It shows that an exercise is one record: grading it touches no module of the grader.
"""
from pathlib import Path

from grader.exercises import Exercise, ExerciseTable, Returns, other_than_default, shape_text

HERE = Path(__file__).resolve().parent


def _draw(rng):
    return [{"input_shape": [rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 4)],
             "n_filters": other_than_default(rng, 2, 12, default=8)} for _ in range(3)]


def _call(function, args):
    import keras

    inputs = [keras.Input(tuple(args["input_shape"]))]
    return inputs, function(inputs[0], args["n_filters"])


def _kernel_hint(finding, context):
    if finding["what"] == "setting" and finding["setting"] == "kernel_size":
        return "conv_layer uses a 3x3 kernel: Conv2D(n_filters, 3, ...)."
    return None


CONV_LAYER = Exercise(
    name="exercise4",
    function="conv_layer",
    course=({"input_shape": [8, 8, 3], "n_filters": 8},),
    draw=_draw,
    call=_call,
    returns=Returns("tensors", count=1, expected="one tensor", names=("the output",), statement="return x"),
    describe_args=lambda args: f"{shape_text(args['input_shape'])} input, {args['n_filters']} filters",
    defaults={"n_filters": 8},
    hints=(_kernel_hint,),
)

FOURTH = ExerciseTable(exercises=(CONV_LAYER,), reference=str(HERE / "reference.py"),
                       stubs="exercises.unet", locator=f"{HERE / 'table.py'}:FOURTH")
