"""A wrong answer: a 5x5 kernel."""
from tensorflow.keras.layers import Conv2D


def conv_layer(inputs, n_filters=8):
    return Conv2D(n_filters, 5, activation="relu", padding="same")(inputs)
