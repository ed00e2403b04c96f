"""Grading corpus: correct, with the Concatenate layer class on axis=-1 and named layers.

grade: all
expect: 100%
"""
from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Concatenate, Conv2D, Conv2DTranspose, Dropout, MaxPooling2D

_block_count = {"down": 0, "up": 0}


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    _block_count["down"] += 1
    prefix = f"down{_block_count['down']}"
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal",
                  name=f"{prefix}_conv_a")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal",
                  name=f"{prefix}_conv_b")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob, name=f"{prefix}_dropout")(conv)
    skip_connection = conv
    next_layer = MaxPooling2D(pool_size=2, name=f"{prefix}_pool")(conv) if max_pooling else conv
    return next_layer, skip_connection


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    _block_count["up"] += 1
    prefix = f"up{_block_count['up']}"
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same", name=f"{prefix}_transpose")(expansive_input)
    merge = Concatenate(axis=-1, name=f"{prefix}_merge")([up, contractive_input])
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal",
                  name=f"{prefix}_conv_a")(merge)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal",
                  name=f"{prefix}_conv_b")(conv)
    return conv


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(shape=input_size, name="image")
    next1, skip1 = conv_block(inputs, n_filters)
    next2, skip2 = conv_block(next1, n_filters * 2)
    next3, skip3 = conv_block(next2, n_filters * 4)
    next4, skip4 = conv_block(next3, n_filters * 8, dropout_prob=0.3)
    bottom, _ = conv_block(next4, n_filters * 16, dropout_prob=0.3, max_pooling=False)
    x = upsampling_block(bottom, skip4, n_filters * 8)
    x = upsampling_block(x, skip3, n_filters * 4)
    x = upsampling_block(x, skip2, n_filters * 2)
    x = upsampling_block(x, skip1, n_filters)
    x = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal", name="head")(x)
    logits = Conv2D(n_classes, 1, padding="same", name="logits")(x)
    return Model(inputs=inputs, outputs=logits, name="my_unet")
