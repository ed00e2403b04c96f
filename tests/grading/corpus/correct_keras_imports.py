"""Grading corpus: correct, with `import keras` and `keras.layers.X` instead of tensorflow.keras.

grade: all
expect: 100%
"""
import keras


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                               kernel_initializer="he_normal")(inputs)
    conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                               kernel_initializer="he_normal")(conv)
    if dropout_prob:
        conv = keras.layers.Dropout(dropout_prob)(conv)
    next_layer = keras.layers.MaxPooling2D(2)(conv) if max_pooling else conv
    return next_layer, conv


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    up = keras.layers.Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = keras.layers.concatenate([up, contractive_input], axis=3)
    conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                               kernel_initializer="he_normal")(merge)
    return keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                               kernel_initializer="he_normal")(conv)


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = keras.Input(shape=input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, 0.3)
    c5 = conv_block(c4[0], 16 * n_filters, 0.3, False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                kernel_initializer="he_normal")(u9)
    conv10 = keras.layers.Conv2D(n_classes, 1, padding="same")(conv9)
    return keras.Model(inputs, conv10)
