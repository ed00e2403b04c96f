"""Grading corpus: correct, with a helper for the convolutions, keyword calls and a printed summary.

grade: all
expect: 100%
"""
from tensorflow import keras
from tensorflow.keras import layers


def _conv(x, filters):
    """One 3x3 ReLU convolution with He initialisation."""
    return layers.Conv2D(filters=filters, kernel_size=3, activation="relu", padding="same",
                         kernel_initializer="he_normal")(x)


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = _conv(_conv(inputs, n_filters), n_filters)
    if dropout_prob > 0:
        conv = layers.Dropout(dropout_prob)(conv)
    next_layer = layers.MaxPool2D(pool_size=2)(conv) if max_pooling else conv
    return [next_layer, conv]


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    up = layers.Conv2DTranspose(filters=n_filters, kernel_size=3, strides=2, padding="same")(expansive_input)
    return _conv(_conv(layers.concatenate(inputs=[up, contractive_input], axis=3), n_filters), n_filters)


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = keras.Input(shape=input_size)
    blocks = [conv_block(inputs=inputs, n_filters=n_filters)]
    for factor in (2, 4):
        blocks.append(conv_block(inputs=blocks[-1][0], n_filters=n_filters * factor))
    blocks.append(conv_block(inputs=blocks[-1][0], n_filters=n_filters * 8, dropout_prob=0.3))
    blocks.append(conv_block(inputs=blocks[-1][0], n_filters=n_filters * 16, dropout_prob=0.3,
                             max_pooling=False))
    x = blocks[-1][0]
    for block, factor in zip(reversed(blocks[:4]), (8, 4, 2, 1)):
        x = upsampling_block(expansive_input=x, contractive_input=block[1], n_filters=n_filters * factor)
    x = _conv(x, n_filters)
    model = keras.Model(inputs=inputs, outputs=layers.Conv2D(n_classes, kernel_size=1, padding="same")(x))
    model.summary()  # what students often leave in: prints, and must not disturb grading
    return model
