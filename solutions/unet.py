"""Reference U-Net for semantic segmentation of CARLA scenes.

The three functions mirror `exercises/unet.py` exactly (same names, signatures
and defaults); the grader compares a student's model against these.
"""
from tensorflow.keras.layers import (
    Conv2D,
    Conv2DTranspose,
    Dropout,
    Input,
    MaxPooling2D,
    concatenate,
)
from tensorflow.keras.models import Model


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    """Encoder block: two 3x3 ReLU convolutions, optional dropout and 2x2 max pooling.

    Arguments:
        inputs: tensor of shape (batch, H, W, C).
        n_filters: number of filters of each convolution.
        dropout_prob: dropout rate; no Dropout layer is added when it is 0.
        max_pooling: whether to halve the spatial size with MaxPooling2D(2).

    Returns:
        (next_layer, skip_connection): `skip_connection` has shape
        (batch, H, W, n_filters); `next_layer` has shape (batch, H/2, W/2, n_filters)
        when `max_pooling`, else it is `skip_connection` itself.
    """
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(2)(conv) if max_pooling else conv
    skip_connection = conv
    return next_layer, skip_connection


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    """Decoder block: 2x transposed convolution, concatenation with the skip, two convolutions.

    Arguments:
        expansive_input: tensor of shape (batch, H, W, C) from the previous decoder stage.
        contractive_input: skip connection of shape (batch, 2H, 2W, C') from the encoder.
        n_filters: number of filters of the transposed convolution and of each convolution.

    Returns:
        Tensor of shape (batch, 2H, 2W, n_filters).
    """
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    return conv


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    """The U-Net: five encoder blocks, four decoder blocks and a 1x1 classifier.

    Arguments:
        input_size: (H, W, C) of the input images; H and W must be multiples of 16.
        n_filters: filters of the first block; block i has n_filters * 2**i.
        n_classes: number of output classes.

    Returns:
        A keras.Model mapping (batch, H, W, C) images to (batch, H, W, n_classes) logits.
        The default model has 8,640,471 parameters.
    """
    inputs = Input(input_size)
    cblock1 = conv_block(inputs, n_filters)
    cblock2 = conv_block(cblock1[0], n_filters * 2)
    cblock3 = conv_block(cblock2[0], n_filters * 4)
    cblock4 = conv_block(cblock3[0], n_filters * 8, dropout_prob=0.3)
    cblock5 = conv_block(cblock4[0], n_filters * 16, dropout_prob=0.3, max_pooling=False)

    ublock6 = upsampling_block(cblock5[0], cblock4[1], n_filters * 8)
    ublock7 = upsampling_block(ublock6, cblock3[1], n_filters * 4)
    ublock8 = upsampling_block(ublock7, cblock2[1], n_filters * 2)
    ublock9 = upsampling_block(ublock8, cblock1[1], n_filters)

    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(ublock9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return Model(inputs=inputs, outputs=conv10)
