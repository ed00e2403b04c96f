"""Comparing outputs: within the tolerance they match, beyond it (or NaN) they do not (pure: no TensorFlow)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.grading import compare


def _encoded(values):
    import numpy as np

    from grader.grading.model.behaviour import encode

    return encode(np.asarray(values, dtype=np.float32))


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=50),
       noise=st.floats(-1e-6, 1e-6))
def test_outputs_within_tolerance_match_and_beyond_it_do_not(values, noise):
    expected = [_encoded(values)]
    assert compare.outputs_difference(expected, [_encoded([v + noise for v in values])]) is None
    changed = list(values)
    changed[-1] += 1.0 + abs(changed[-1])
    finding = compare.outputs_difference(expected, [_encoded(changed)])
    assert finding["what"] == "values" and finding["position"] == [len(values) - 1]


def test_not_a_number_never_matches():
    finding = compare.outputs_difference([_encoded([1.0, 2.0])], [_encoded([1.0, float("nan")])])
    assert finding is not None and finding["position"] == [1]


def _description(*kinds):
    """A description of a chain of layers of these kinds (each fed by the one before)."""
    return {"layers": [{"kind": kind, "shape": [8, 8, 4], "params": 0, "weights": [], "settings": {},
                        "inputs": [index - 1] if index else [], "origin": None}
                       for index, kind in enumerate(kinds)],
            "outputs": [len(kinds) - 1]}


def test_two_neighbours_in_the_wrong_order_are_found_as_a_swap():
    from grader.grading.messages import Context, finding_message, mistake
    from grader.exercises import COURSE

    expected = _description("Input", "Conv2D", "Conv2D", "Dropout", "MaxPooling2D")
    finding = compare.first_difference(expected, _description("Input", "Conv2D", "Conv2D", "MaxPooling2D", "Dropout"))
    assert finding["change"] == "swapped" and finding["expected"] == ["Dropout", "MaxPooling2D"]
    context = Context(COURSE.get("exercise1"), COURSE, args={"dropout_prob": 0.1, "max_pooling": True})
    message, hint = finding_message(finding, context)
    assert message == ("Dropout and MaxPooling2D are in the wrong order after Conv2D #2 (layer 3): "
                       "the Dropout comes first, then the MaxPooling2D.")
    assert "then MaxPooling2D to the Dropout's output" in hint and "add Dropout" not in hint
    assert mistake(finding, context) == message.rstrip(".")


def test_a_layer_missing_or_extra_is_not_taken_for_a_swap():
    expected = _description("Input", "Conv2D", "Dropout", "MaxPooling2D")
    assert compare.first_difference(expected, _description("Input", "Conv2D", "MaxPooling2D"))["change"] == "missing"
    assert compare.first_difference(expected, _description("Input", "Conv2D", "Dropout", "Dropout",
                                                           "MaxPooling2D"))["change"] == "extra"
    assert compare.first_difference(expected, _description("Input", "Conv2D", "MaxPooling2D", "MaxPooling2D")
                                    )["change"] != "swapped"


def _pooled(height, width, padding, reference_padding="valid", kind="MaxPooling2D"):
    """(reference, student) descriptions of Input -> MaxPooling2D(2) on a height x width input."""
    def one(pad):
        return {"layers": [
            {"kind": "Input", "shape": [height, width, 4], "params": 0, "weights": [], "settings": {}, "inputs": [],
             "origin": None},
            {"kind": kind, "shape": [-(-height // 2), -(-width // 2), 4], "params": 0, "weights": [],
             "settings": {"pool_size": [2, 2], "strides": [2, 2], "padding": pad}, "inputs": [0], "origin": None}],
            "outputs": [1]}
    return one(reference_padding), one(padding)


def test_a_pooling_padding_that_pads_nothing_on_these_sizes_is_no_difference():
    from grader.exercises import COURSE_EQUIVALENCE

    expected, found = _pooled(96, 128, "same")
    assert compare.first_difference(expected, found) is not None  # without the exercise's rule it differs
    assert compare.first_difference(expected, found, COURSE_EQUIVALENCE) is None
    [inert] = compare.inert_differences(expected, found, COURSE_EQUIVALENCE)
    assert (inert["setting"], inert["found"], inert["reason"]) == ("padding", "same", "unpadded")


@settings(max_examples=60, deadline=None)
@given(height=st.integers(1, 60), width=st.integers(1, 60))
def test_a_pooling_padding_is_inert_exactly_where_same_pads_nothing(height, width):
    """The rule is computed from the sizes: on an odd size 'same' pads a row or column, and it counts."""
    from grader.exercises import COURSE_EQUIVALENCE

    expected, found = _pooled(height, width, "same")
    finding = compare.first_difference(expected, found, COURSE_EQUIVALENCE)
    if height % 2 == 0 and width % 2 == 0:
        assert finding is None
    else:
        assert finding is not None and finding["setting"] == "padding"


def _one_layer(kind, **settings):
    start = {"kind": "Input", "shape": [8, 8, 4], "params": 0, "weights": [], "settings": {}, "inputs": [],
             "origin": None}
    layer = {"kind": kind, "shape": [8, 8, 4], "params": 0, "weights": [], "inputs": [0], "origin": None,
             "settings": {"kernel_initializer": "HeNormal", "bias_initializer": "Zeros", "activation": "relu",
                          "kernel_regularizer": "none", **settings}}
    return {"layers": [start, layer], "outputs": [1]}


@pytest.mark.parametrize("kind, setting, value, inert", [
    ("Conv2D", "kernel_initializer", "GlorotUniform", False),   # the exercise asks for he_normal
    ("Conv2D", "activation", "linear", False),
    ("Conv2D", "bias_initializer", "Ones", True),                # starting weights only
    ("Conv2D", "kernel_regularizer", "L2(l2=0.01)", True),       # the training loss only
    ("Conv2DTranspose", "kernel_initializer", "GlorotUniform", True),
    ("Conv2DTranspose", "bias_initializer", "Ones", True),
    ("Conv2DTranspose", "activation", "linear", False),
])
def test_only_the_kinds_and_settings_the_table_names_are_ever_inert(kind, setting, value, inert):
    from grader.exercises import COURSE_EQUIVALENCE

    finding = compare.first_difference(_one_layer(kind), _one_layer(kind, **{setting: value}), COURSE_EQUIVALENCE)
    assert (finding is None) == inert
    assert compare.first_difference(_one_layer(kind), _one_layer(kind, **{setting: value}))["setting"] == setting
    expected, found = _pooled(8, 8, "same", kind="AveragePooling2D")
    assert compare.first_difference(expected, found, COURSE_EQUIVALENCE)["setting"] == "padding"
