"""The reference blocks stored as recipes (data, no code) and rebuilt in a student bundle's grading job.

The recipe of each block is traced from the reference and verified against it on calls the
course never makes; a block a recipe cannot hold, or a recipe that does not reproduce its
block, stops the release with a message naming the block.
"""
import json

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.exercises import CONV_BLOCK, UPSAMPLING_BLOCK
from grader.grading.model.rebuilt import rebuilt_block, value_class
from grader.instructor.block_recipes import BlockRecipeError, make_recipe, verify
from grader.instructor.solution_leaks import solution_statements
from solutions import unet


@pytest.fixture(scope="module")
def conv_recipe():
    return make_recipe(CONV_BLOCK, unet.conv_block)


@pytest.fixture(scope="module")
def upsampling_recipe():
    return make_recipe(UPSAMPLING_BLOCK, unet.upsampling_block)


def test_recipes_are_plain_data_with_the_references_signature_and_no_solution_code(conv_recipe, upsampling_recipe):
    for recipe, function in ((conv_recipe, unet.conv_block), (upsampling_recipe, unet.upsampling_block)):
        text = json.dumps(recipe)
        assert json.loads(text) == recipe
        squeezed = "".join(text.split())
        assert not [statement for statement in solution_statements() if statement in squeezed]
        rebuilt = rebuilt_block(recipe)
        assert rebuilt.__name__ == function.__name__ and rebuilt.__defaults__ == function.__defaults__
    pooled = {tuple(sorted(variant["when"].items())): [layer["class_name"] for layer in variant["layers"]]
              for variant in conv_recipe["variants"]}
    assert pooled[(("dropout_prob", "positive"), ("max_pooling", "positive"), ("n_filters", "positive"))] == \
        ["Conv2D", "Conv2D", "Dropout", "MaxPooling2D"]
    assert pooled[(("dropout_prob", "zero"), ("max_pooling", "zero"), ("n_filters", "positive"))] == \
        ["Conv2D", "Conv2D"]


def test_the_recipes_reproduce_the_reference_blocks_on_calls_the_course_never_makes(conv_recipe, upsampling_recipe):
    assert verify(CONV_BLOCK, unet.conv_block, conv_recipe, draws=12) > 12
    assert verify(UPSAMPLING_BLOCK, unet.upsampling_block, upsampling_recipe, draws=6) > 6


def test_a_rebuilt_block_is_called_as_the_reference_is(conv_recipe):
    import keras

    rebuilt = rebuilt_block(conv_recipe)
    inputs = keras.Input((8, 10, 3))
    with keras.StatelessScope(initialize_variables=False):
        next_layer, skip = rebuilt(inputs, 5, max_pooling=False, dropout_prob=0.4)
        pooled, _ = rebuilt(n_filters=6, inputs=inputs)
        for call in (lambda f: f(inputs, num_filters=5), lambda f: f(inputs, 5, 0, True, 1), lambda f: f()):
            with pytest.raises(Exception) as reference_error:
                call(unet.conv_block)
            with pytest.raises(Exception) as rebuilt_error:
                call(rebuilt)
            assert type(rebuilt_error.value) is type(reference_error.value)
            if isinstance(reference_error.value, TypeError):  # Python's own words for a wrong call
                assert str(rebuilt_error.value) == str(reference_error.value)
    assert next_layer is skip and tuple(skip.shape) == (None, 8, 10, 5)
    assert tuple(pooled.shape) == (None, 4, 5, 6)


def test_a_recipe_that_does_not_reproduce_its_block_stops_the_release(conv_recipe):
    broken = json.loads(json.dumps(conv_recipe))
    for variant in broken["variants"]:  # the Dropout's rate stored fixed instead of taken from dropout_prob
        variant["settings"] = [setting for setting in variant["settings"] if setting["argument"] != "dropout_prob"]
    with pytest.raises(BlockRecipeError, match=r"the recipe of the reference conv_block does not reproduce it on "
                                               r"conv_block\(inputs of shape .*dropout_prob=0\.\d+"):
        verify(CONV_BLOCK, unet.conv_block, broken, draws=12)


def _threshold_conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    from keras.layers import Conv2D, Dropout, MaxPooling2D

    conv = Conv2D(n_filters, 3, activation="relu", padding="same")(inputs)
    if dropout_prob > 0.6:  # a condition the classes of values (zero, positive, negative) cannot tell apart
        conv = Dropout(dropout_prob)(conv)
    return (MaxPooling2D(2)(conv) if max_pooling else conv), conv


def _halved_conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    from keras.layers import Conv2D

    conv = Conv2D(n_filters // 2 + 1, 3, padding="same")(inputs)
    return conv, conv


def test_a_block_a_recipe_cannot_hold_stops_the_release():
    recipe = make_recipe(CONV_BLOCK, _threshold_conv_block)  # traced with the course's rates: looks storable
    with pytest.raises(BlockRecipeError, match=r"does not reproduce it on .*dropout_prob=0\.(6[1-9]|[7-9])"):
        verify(CONV_BLOCK, _threshold_conv_block, recipe, draws=40)
    with pytest.raises(BlockRecipeError, match=r"the reference conv_block cannot be stored .*: the setting filters of its "
                                               r"layer 1 \(Conv2D\) depends on n_filters but is not its value"):
        make_recipe(CONV_BLOCK, _halved_conv_block)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False), st.none()),
       st.sampled_from([lambda value: value, lambda value: numpy.asarray(value)[()]]))
def test_value_classes_follow_python_truth_and_sign(value, as_given):
    kind = value_class(as_given(value))  # as Python or as a NumPy scalar (`n_filters * np.int64(2)`)
    if value is None:
        assert kind == "none"
    elif isinstance(value, bool) and as_given(value) is not value:
        assert kind is None  # a NumPy boolean is not a number: no variant, as for any other odd value
    else:
        assert (kind == "zero") == (not value) and (kind == "negative") == (value < 0)
