"""Grading corpus: correct, with (3, 3) kernels, (2, 2) strides and pools, HeNormal() objects and tf.nn.relu.

grade: all
expect: 100%
"""
import tensorflow as tf

layers = tf.keras.layers


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = layers.Conv2D(filters=n_filters, kernel_size=(3, 3), strides=(1, 1), activation=tf.nn.relu,
                         padding="same", kernel_initializer=tf.keras.initializers.HeNormal())(inputs)
    conv = layers.Conv2D(filters=n_filters, kernel_size=(3, 3), activation=tf.keras.activations.relu,
                         padding="same", kernel_initializer=tf.keras.initializers.HeNormal(seed=1))(conv)
    if dropout_prob > 0:
        conv = layers.Dropout(rate=dropout_prob)(conv)
    if max_pooling:
        next_layer = layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2))(conv)
    else:
        next_layer = conv
    return next_layer, conv


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    up = layers.Conv2DTranspose(n_filters, kernel_size=(3, 3), strides=(2, 2), padding="same")(expansive_input)
    merge = layers.concatenate([up, contractive_input], axis=3)
    conv = layers.Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                         kernel_initializer=tf.keras.initializers.HeNormal())(merge)
    conv = layers.Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                         kernel_initializer=tf.keras.initializers.HeNormal())(conv)
    return conv


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = tf.keras.Input(input_size)
    cblock1 = conv_block(inputs, n_filters)
    cblock2 = conv_block(cblock1[0], n_filters * 2)
    cblock3 = conv_block(cblock2[0], n_filters * 4)
    cblock4 = conv_block(cblock3[0], n_filters * 8, dropout_prob=0.3)
    cblock5 = conv_block(cblock4[0], n_filters * 16, dropout_prob=0.3, max_pooling=False)
    ublock6 = upsampling_block(cblock5[0], cblock4[1], n_filters * 8)
    ublock7 = upsampling_block(ublock6, cblock3[1], n_filters * 4)
    ublock8 = upsampling_block(ublock7, cblock2[1], n_filters * 2)
    ublock9 = upsampling_block(ublock8, cblock1[1], n_filters)
    conv9 = layers.Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                          kernel_initializer="he_normal")(ublock9)
    conv10 = layers.Conv2D(n_classes, (1, 1), padding="same", activation=None)(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)
