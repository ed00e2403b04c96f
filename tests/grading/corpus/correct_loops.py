"""Grading corpus: correct, written with loops instead of written-out blocks.

grade: all
expect: 100%
"""
from tensorflow.keras.layers import Conv2D, Conv2DTranspose, Dropout, Input, MaxPooling2D, concatenate
from tensorflow.keras.models import Model


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    x = inputs
    for _ in range(2):
        x = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(x)
    if dropout_prob > 0:
        x = Dropout(dropout_prob)(x)
    return (MaxPooling2D(2)(x) if max_pooling else x), x


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    x = concatenate([Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input),
                     contractive_input], axis=3)
    for _ in range(2):
        x = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(x)
    return x


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    x, skips = inputs, []
    for level in range(5):
        dropout = 0.3 if level >= 3 else 0
        x, skip = conv_block(x, n_filters * 2 ** level, dropout_prob=dropout, max_pooling=level < 4)
        skips.append(skip)
    for level in reversed(range(4)):
        x = upsampling_block(x, skips[level], n_filters * 2 ** level)
    x = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(x)
    outputs = Conv2D(n_classes, 1, padding="same")(x)
    return Model(inputs=inputs, outputs=outputs)
