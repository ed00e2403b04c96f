"""The reference U-Net: parameter counts, output shapes and block behaviour."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorflow.keras.layers import Conv2D, Dropout, Input, MaxPooling2D

from solutions import conv_block, unet_model, upsampling_block


def expected_unet_params(channels, filters, classes):
    """Closed form of the U-Net's parameter count (C channels, f filters, k classes)."""
    return 9 * channels * filters + 8433 * filters**2 + 108 * filters + filters * classes + classes


def test_default_model_has_course_parameter_count_and_shape():
    model = unet_model()
    assert model.count_params() == 8_640_471
    assert tuple(model.input.shape) == (None, 96, 128, 3)
    assert tuple(model.output.shape) == (None, 96, 128, 23)


@settings(max_examples=12, deadline=None)
@given(
    height=st.integers(1, 4).map(lambda n: 16 * n),
    width=st.integers(1, 4).map(lambda n: 16 * n),
    channels=st.integers(1, 4),
    filters=st.integers(1, 6),
    classes=st.integers(1, 30),
)
def test_unet_matches_closed_form_and_keeps_spatial_size(height, width, channels, filters, classes):
    model = unet_model((height, width, channels), n_filters=filters, n_classes=classes)
    assert model.count_params() == expected_unet_params(channels, filters, classes)
    assert tuple(model.output.shape) == (None, height, width, classes)


def test_unet_outputs_are_logits_not_probabilities():
    model = unet_model((16, 16, 3), n_filters=2, n_classes=4)
    last = model.layers[-1]
    assert isinstance(last, Conv2D) and last.get_config()["activation"] == "linear"


@settings(max_examples=10, deadline=None)
@given(
    filters=st.integers(1, 16),
    dropout=st.sampled_from([0, 0.1, 0.5]),
    max_pooling=st.booleans(),
)
def test_conv_block_shapes_and_layers(filters, dropout, max_pooling):
    inputs = Input((16, 24, 3))
    next_layer, skip = conv_block(inputs, filters, dropout, max_pooling)
    assert tuple(skip.shape) == (None, 16, 24, filters)
    if max_pooling:
        assert tuple(next_layer.shape) == (None, 8, 12, filters)
    else:
        assert next_layer is skip
    layers = [type(layer) for layer in _layers_between(inputs, next_layer)]
    assert layers.count(Dropout) == (1 if dropout > 0 else 0)
    assert layers.count(MaxPooling2D) == (1 if max_pooling else 0)


def test_upsampling_block_doubles_size_and_sets_filters():
    expansive, contractive = Input((6, 8, 12)), Input((12, 16, 5))
    out = upsampling_block(expansive, contractive, n_filters=7)
    assert tuple(out.shape) == (None, 12, 16, 7)


def test_reference_model_runs_on_a_batch():
    model = unet_model((32, 32, 3), n_filters=2, n_classes=5)
    logits = model(np.zeros((2, 32, 32, 3), np.float32))
    assert logits.shape == (2, 32, 32, 5)


def _layers_between(inputs, outputs):
    """The layers of a functional graph from `inputs` to `outputs`."""
    from tensorflow.keras import Model

    return Model(inputs, outputs).layers[1:]
