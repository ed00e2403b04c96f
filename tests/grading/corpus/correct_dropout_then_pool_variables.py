"""Grading corpus: correct, with other variable names, `is True` tests and axis=3 given by keyword.

grade: all
expect: 100%
"""
from tensorflow.keras.layers import Conv2D, Conv2DTranspose, Dropout, Input, MaxPooling2D, concatenate
from tensorflow.keras.models import Model


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    first = Conv2D(n_filters, kernel_size=3, activation="relu", padding="same",
                   kernel_initializer="he_normal")
    second = Conv2D(n_filters, kernel_size=3, activation="relu", padding="same",
                    kernel_initializer="he_normal")
    features = second(first(inputs))
    features = Dropout(dropout_prob)(features) if dropout_prob > 0 else features
    pooled = MaxPooling2D(pool_size=(2, 2))(features) if max_pooling is True else features
    return pooled, features


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    upsampled = Conv2DTranspose(n_filters, (3, 3), strides=(2, 2), padding="same")(expansive_input)
    joined = concatenate([upsampled, contractive_input], axis=3)
    refined = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(joined)
    refined = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(refined)
    return refined


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    image = Input(input_size)
    down = []
    tensor = image
    for depth, dropout in enumerate([0, 0, 0, 0.3, 0.3]):
        tensor, skip = conv_block(tensor, n_filters * (2 ** depth), dropout, max_pooling=depth != 4)
        down.append(skip)
    for depth in (3, 2, 1, 0):
        tensor = upsampling_block(tensor, down[depth], n_filters * (2 ** depth))
    tensor = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(tensor)
    return Model(image, Conv2D(n_classes, 1, padding="same")(tensor))
