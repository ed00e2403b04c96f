"""Descriptions of Keras models: the same for harmless differences, different for real ones, worded by layer."""
import pytest

from segmentation.quiet_tf import import_tensorflow

tf = import_tensorflow()

import keras  # noqa: E402

import solutions  # noqa: E402
from grader.exercises import COURSE  # noqa: E402
from grader.grading import compare, messages  # noqa: E402
from grader.grading.model.describe import describe  # noqa: E402


def _conv_block_model(block, shape=(16, 24, 3), **kwargs):
    inputs = keras.Input(shape)
    return keras.Model(inputs, list(block(inputs, **kwargs)))


def _variant_conv_block(inputs, n_filters=32, dropout_prob=0, max_pooling=True):
    """Written differently: layer objects made first (in reverse), tuples, HeNormal(), names, tf.nn.relu."""
    pool = tf.keras.layers.MaxPool2D(pool_size=(2, 2), name="my_pool")
    second = tf.keras.layers.Conv2D(n_filters, (3, 3), activation=tf.nn.relu, padding="same",
                                    kernel_initializer=tf.keras.initializers.HeNormal(seed=3), name="b")
    first = tf.keras.layers.Conv2D(filters=n_filters, kernel_size=3, strides=(1, 1), activation="relu",
                                   padding="same", kernel_initializer="he_normal", name="a")
    x = second(first(inputs))
    if dropout_prob:
        x = tf.keras.layers.Dropout(rate=dropout_prob)(x)
    return (pool(x) if max_pooling else x), x


@pytest.mark.parametrize("kwargs", [{"n_filters": 5}, {"n_filters": 4, "dropout_prob": 0.2, "max_pooling": False}])
def test_harmless_differences_give_the_same_description(kwargs):
    expected = describe(_conv_block_model(solutions.conv_block, **kwargs))
    found = describe(_conv_block_model(_variant_conv_block, **kwargs))
    assert found == expected
    assert compare.first_difference(expected, found) is None


def test_concatenate_axis_minus_one_equals_axis_three():
    def build(concat):
        a, b = keras.Input((4, 4, 2)), keras.Input((4, 4, 3))
        return describe(keras.Model([a, b], concat([a, b])))

    assert build(lambda t: keras.layers.concatenate(t, axis=3)) == \
        build(lambda t: keras.layers.Concatenate(axis=-1)(t))


def test_description_lists_kinds_shapes_params_settings_and_wiring():
    found = describe(_conv_block_model(solutions.conv_block, n_filters=4, dropout_prob=0.5))
    kinds = [layer["kind"] for layer in found["layers"]]
    assert kinds == ["Input", "Conv2D", "Conv2D", "Dropout", "MaxPooling2D"]
    assert [layer["inputs"] for layer in found["layers"]] == [[], [0], [1], [2], [3]]
    assert found["outputs"] == [4, 3]
    conv = found["layers"][1]
    assert conv["params"] == 3 * 3 * 3 * 4 + 4 and conv["shape"] == [16, 24, 4]
    assert conv["settings"]["kernel_initializer"] == "HeNormal" and conv["settings"]["kernel_size"] == [3, 3]
    assert found["layers"][3]["settings"] == {"rate": 0.5, "noise_shape": None}


def test_transposed_convolution_is_its_own_kind():
    expansive, contractive = keras.Input((3, 4, 6)), keras.Input((6, 8, 5))
    found = describe(keras.Model([expansive, contractive], solutions.upsampling_block(expansive, contractive, 7)))
    assert [layer["kind"] for layer in found["layers"]][:4] == ["Input", "Input", "Conv2DTranspose", "Concatenate"]


def test_skip_taken_before_dropout_is_a_different_graph():
    def skip_before_dropout(inputs, n_filters, dropout_prob, max_pooling):
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(inputs)
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(conv)
        dropped = keras.layers.Dropout(dropout_prob)(conv)
        return keras.layers.MaxPooling2D(2)(dropped), conv

    args = {"n_filters": 3, "dropout_prob": 0.3, "max_pooling": True}
    expected = describe(_conv_block_model(solutions.conv_block, **args))
    found = describe(_conv_block_model(skip_before_dropout, **args))
    finding = compare.first_difference(expected, found)
    assert finding["what"] == "outputs" and not finding["swapped"]


def _padding_finding():
    expected = describe(_conv_block_model(solutions.conv_block, shape=(96, 128, 3), n_filters=32))

    def valid(inputs, n_filters=32, dropout_prob=0, max_pooling=True):
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(inputs)
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="valid",
                                   kernel_initializer="he_normal")(conv)
        return keras.layers.MaxPooling2D(2)(conv), conv

    found = describe(_conv_block_model(valid, shape=(96, 128, 3), n_filters=32))
    return compare.first_difference(expected, found)


def test_first_difference_is_worded_with_layer_setting_and_consequence():
    context = messages.Context(COURSE.get("exercise1"), COURSE, args=COURSE.get("exercise1").course[0])
    message, hint = messages.finding_message(_padding_finding(), context)
    assert message == ("Conv2D #2 (layer 3): padding 'valid', expected 'same', so the output is "
                       "94x126 instead of 96x128.")
    assert "padding='same'" in hint


@pytest.mark.parametrize("layer, keywords, setting", [
    (keras.layers.Conv2D, {"bias_initializer": "ones"}, "bias_initializer"),
    (keras.layers.Conv2D, {"kernel_regularizer": "l2"}, "kernel_regularizer"),
    (keras.layers.Conv2D, {"activity_regularizer": keras.regularizers.L1(0.5)}, "activity_regularizer"),
    (keras.layers.Dropout, {"noise_shape": (None, 1, 1, None)}, "noise_shape"),
    (keras.layers.MaxPooling2D, {"padding": "same"}, "padding"),
])
def test_settings_that_change_training_or_odd_sizes_are_differences(layer, keywords, setting):
    """Found by the grader's fuzzing (bench/bench_fuzz.py): accepted before, though not equivalent."""
    arguments = {keras.layers.Conv2D: (4, 3), keras.layers.Dropout: (0.3,), keras.layers.MaxPooling2D: (2,)}[layer]

    def model(**extra):
        inputs = keras.Input((8, 8, 3))
        return describe(keras.Model(inputs, layer(*arguments, **extra)(inputs)))

    finding = compare.first_difference(model(), model(**keywords))
    assert finding["what"] == "setting" and finding["setting"] == setting
    context = messages.Context(COURSE.get("exercise1"), COURSE, args=COURSE.get("exercise1").course[0])
    message, hint = messages.finding_message(finding, context)
    assert messages.SETTING_NAMES[setting] in message and "Leave the" in hint
