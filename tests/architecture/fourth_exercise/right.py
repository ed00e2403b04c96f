"""A right answer written differently from the reference (keyword arguments, keras, a tuple kernel)."""
import keras


def conv_layer(inputs, n_filters=8):
    layer = keras.layers.Conv2D(filters=n_filters, kernel_size=(3, 3), padding="same", activation=keras.activations.relu)
    return layer(inputs)
