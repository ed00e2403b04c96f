"""The U-Net exercise: build a U-Net for semantic segmentation of CARLA street scenes.

Write your code between the `### START CODE HERE` and `### END CODE HERE` lines of
each function, ending with the `return` the docstring describes. Check your work with

    python -m grader exercise1     # conv_block
    python -m grader exercise2     # upsampling_block
    python -m grader exercise3     # unet_model
    python -m grader all

Keep the function names, arguments and defaults as they are: the grader calls them
with other sizes and filter counts than the defaults, so never hard-code a number
that comes in as an argument.
"""
from tensorflow.keras.layers import (  # noqa: F401  (the layers you will need)
    Conv2D,
    Conv2DTranspose,
    Dropout,
    Input,
    MaxPooling2D,
    concatenate,
)
from tensorflow.keras.models import Model  # noqa: F401

EXERCISE_FILE = "exercises/unet.py"


def _not_implemented(function, returns):
    """The friendly error an untouched (or unfinished) exercise raises."""
    return NotImplementedError(
        f"{function} is not implemented yet: write your code between "
        f"'### START CODE HERE' and '### END CODE HERE' in {EXERCISE_FILE}, "
        f"and finish with `return {returns}`."
    )


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    """Exercise 1: one encoder block of the U-Net.

    Arguments:
        inputs: the input tensor, shape (batch, H, W, C).
        n_filters: how many filters each convolution has (use this argument; never a number).
        dropout_prob: dropout rate between 0 and 1; add a Dropout layer only when it is > 0.
        max_pooling: when True, halve the height and width with max pooling.

    Layers, in this order:
        1. Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")
        2. Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")
        3. Dropout(dropout_prob), only if dropout_prob > 0
        4. MaxPooling2D(2), only if max_pooling is True

    Returns:
        (next_layer, skip_connection), in this order:
        - skip_connection: the tensor after step 3 (or step 2 without dropout),
          shape (batch, H, W, n_filters); the decoder will use it later.
        - next_layer: the tensor after step 4, shape (batch, H/2, W/2, n_filters);
          without max pooling it is the same tensor as skip_connection.
    """
    ### START CODE HERE

    ### END CODE HERE
    raise _not_implemented("conv_block", "next_layer, skip_connection")


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    """Exercise 2: one decoder block of the U-Net.

    Arguments:
        expansive_input: the tensor coming up the decoder, shape (batch, H, W, C).
        contractive_input: the skip connection from the matching encoder block,
            shape (batch, 2H, 2W, C').
        n_filters: how many filters each layer has (use this argument; never a number).

    Layers, in this order:
        1. Conv2DTranspose(n_filters, 3, strides=2, padding="same") on expansive_input:
           doubles the height and width to (batch, 2H, 2W, n_filters).
        2. concatenate([the result of step 1, contractive_input], axis=3): joins
           them along the channel axis (the upsampled tensor first).
        3. Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")
        4. Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")

    Returns:
        The tensor after step 4, shape (batch, 2H, 2W, n_filters).
    """
    ### START CODE HERE

    ### END CODE HERE
    raise _not_implemented("upsampling_block", "conv")


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    """Exercise 3: the whole U-Net, built from your two blocks.

    Arguments:
        input_size: (H, W, C) of one input image; H and W are multiples of 16.
        n_filters: filters of the first block (use this argument; never a number).
        n_classes: number of classes to predict, one output channel each.

    Layers, in this order (f = n_filters):
        inputs = Input(input_size)
        Encoder, each block fed with the first output (next_layer) of the one before:
            block 1: conv_block(inputs, f)
            block 2: conv_block(..., 2 * f)
            block 3: conv_block(..., 4 * f)
            block 4: conv_block(..., 8 * f, dropout_prob=0.3)
            block 5: conv_block(..., 16 * f, dropout_prob=0.3, max_pooling=False)
        Decoder, each block fed with the skip connection (second output) of an encoder block:
            block 6: upsampling_block(block 5's next_layer, block 4's skip, 8 * f)
            block 7: upsampling_block(block 6, block 3's skip, 4 * f)
            block 8: upsampling_block(block 7, block 2's skip, 2 * f)
            block 9: upsampling_block(block 8, block 1's skip, f)
        Head:
            Conv2D(f, 3, activation="relu", padding="same", kernel_initializer="he_normal")
            Conv2D(n_classes, 1, padding="same")   (no activation: the outputs are logits)

    Returns:
        keras.Model(inputs=inputs, outputs=<the last Conv2D>), mapping (batch, H, W, C)
        to (batch, H, W, n_classes). With the defaults it has 8,640,471 parameters.
    """
    ### START CODE HERE

    ### END CODE HERE
    raise _not_implemented("unet_model", "model")
