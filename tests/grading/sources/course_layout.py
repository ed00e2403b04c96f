"""A notebook in the layout of the course this exercise comes from, written for the tests.

Its first code cell imports what the course's environment has and ours does not
(`pandas`, `imageio`, the course's `test_utils` and `outputs`); data cells read
`./data/CameraRGB`; the graded cells carry the course's markers (`# UNQ_C1`, `# GRADED
FUNCTION: conv_block`) and correct solutions in the course's own style (`tf.keras.Model`,
`pool_size=(2, 2)`); test cells call `comparator(summary(model), outputs.xxx)`; a
training cell fits the model; `%matplotlib inline` is there too.
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = """\
import tensorflow as tf
import numpy as np

from tensorflow.keras.layers import Input
from tensorflow.keras.layers import Conv2D
from tensorflow.keras.layers import MaxPooling2D
from tensorflow.keras.layers import Dropout
from tensorflow.keras.layers import Conv2DTranspose
from tensorflow.keras.layers import concatenate

from test_utils import summary, comparator"""

DATA = """\
import os
import numpy as np # linear algebra
import pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)

import imageio

import matplotlib.pyplot as plt
%matplotlib inline

path = ''
image_path = os.path.join(path, './data/CameraRGB/')
mask_path = os.path.join(path, './data/CameraMask/')
image_list_orig = os.listdir(image_path)
image_list = [image_path+i for i in image_list_orig]
mask_list = [mask_path+i for i in image_list_orig]"""

SHOW = """\
N = 2
img = imageio.imread(image_list[N])
mask = imageio.imread(mask_list[N])

fig, arr = plt.subplots(1, 2, figsize=(14, 10))
arr[0].imshow(img)
arr[0].set_title('Image')
arr[1].imshow(mask[:, :, 0])
arr[1].set_title('Segmentation')"""

PIPELINE = """\
image_list_ds = tf.data.Dataset.list_files(image_list, shuffle=False)
mask_list_ds = tf.data.Dataset.list_files(mask_list, shuffle=False)
dataset = tf.data.Dataset.from_tensor_slices((image_list, mask_list))

def process_path(image_path, mask_path):
    img = tf.io.read_file(image_path)
    img = tf.image.decode_png(img, channels=3)
    img = tf.image.convert_image_dtype(img, tf.float32)
    mask = tf.io.read_file(mask_path)
    mask = tf.image.decode_png(mask, channels=3)
    mask = tf.math.reduce_max(mask, axis=-1, keepdims=True)
    return img, mask

def preprocess(image, mask):
    input_image = tf.image.resize(image, (96, 128), method='nearest')
    input_mask = tf.image.resize(mask, (96, 128), method='nearest')
    return input_image, input_mask

image_ds = dataset.map(process_path)
processed_image_ds = image_ds.map(preprocess)"""

CONV_BLOCK = """\
# UNQ_C1
# GRADED FUNCTION: conv_block
def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    \"\"\"
    Convolutional downsampling block
    \"\"\"
    conv = Conv2D(n_filters, # Number of filters
                  3,   # Kernel size
                  activation='relu',
                  padding='same',
                  kernel_initializer='he_normal')(inputs)
    conv = Conv2D(n_filters, # Number of filters
                  3,   # Kernel size
                  activation='relu',
                  padding='same',
                  kernel_initializer='he_normal')(conv)
    # if dropout_prob > 0 add a dropout layer, with the variable dropout_prob as parameter
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    # if max_pooling is True add a MaxPooling2D with 2x2 pool_size
    if max_pooling:
        next_layer = MaxPooling2D(pool_size=(2, 2))(conv)
    else:
        next_layer = conv
    skip_connection = conv
    return next_layer, skip_connection"""

CONV_BLOCK_TEST = """\
input_size=(96, 128, 3)
n_filters = 32
inputs = Input(input_size)
cblock1 = conv_block(inputs, n_filters * 1)
model1 = tf.keras.Model(inputs=inputs, outputs=cblock1)

output1 = [['InputLayer', [(None, 96, 128, 3)], 0],
            ['Conv2D', (None, 96, 128, 32), 896, 'same', 'relu', 'HeNormal'],
            ['Conv2D', (None, 96, 128, 32), 9248, 'same', 'relu', 'HeNormal'],
            ['MaxPooling2D', (None, 48, 64, 32), 0]]

print('Block 1:')
for layer in summary(model1):
    print(layer)

comparator(summary(model1), output1)"""

UPSAMPLING_BLOCK = """\
# UNQ_C2
# GRADED FUNCTION: upsampling_block
def upsampling_block(expansive_input, contractive_input, n_filters=32):
    \"\"\"
    Convolutional upsampling block
    \"\"\"
    up = Conv2DTranspose(
                 n_filters,    # number of filters
                 3,    # Kernel size
                 strides=2,
                 padding='same')(expansive_input)
    # Merge the previous output and the contractive_input
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters,   # Number of filters
                 3,     # Kernel size
                 activation='relu',
                 padding='same',
                 kernel_initializer='he_normal')(merge)
    conv = Conv2D(n_filters,  # Number of filters
                 3,   # Kernel size
                 activation='relu',
                 padding='same',
                 kernel_initializer='he_normal')(conv)
    return conv"""

UPSAMPLING_TEST = """\
input_size1=(12, 16, 256)
input_size2 = (24, 32, 128)
n_filters = 32
expansive_inputs = Input(input_size1)
contractive_inputs =  Input(input_size2)
cblock1 = upsampling_block(expansive_inputs, contractive_inputs, n_filters * 1)
model1 = tf.keras.Model(inputs=[expansive_inputs, contractive_inputs], outputs=cblock1)
comparator(summary(model1), output2)"""

UNET_MODEL = """\
# UNQ_C3
# GRADED FUNCTION: unet_model
def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    \"\"\"
    Unet model
    \"\"\"
    inputs = Input(input_size)
    # Contracting Path (encoding)
    cblock1 = conv_block(inputs, n_filters)
    cblock2 = conv_block(cblock1[0], n_filters*2)
    cblock3 = conv_block(cblock2[0], n_filters*4)
    cblock4 = conv_block(cblock3[0], n_filters*8, dropout_prob=0.3)
    cblock5 = conv_block(cblock4[0], n_filters*16, dropout_prob=0.3, max_pooling=False)

    # Expanding Path (decoding)
    ublock6 = upsampling_block(cblock5[0], cblock4[1],  n_filters*8)
    ublock7 = upsampling_block(ublock6, cblock3[1],  n_filters*4)
    ublock8 = upsampling_block(ublock7, cblock2[1],  n_filters*2)
    ublock9 = upsampling_block(ublock8, cblock1[1],  n_filters)

    conv9 = Conv2D(n_filters,
                 3,
                 activation='relu',
                 padding='same',
                 kernel_initializer='he_normal')(ublock9)

    conv10 = Conv2D(n_classes, 1, padding='same')(conv9)

    model = tf.keras.Model(inputs=inputs, outputs=conv10)

    return model"""

UNET_TEST = """\
import outputs
img_height = 96
img_width = 128
num_channels = 3

unet = unet_model((img_height, img_width, num_channels))
comparator(summary(unet), outputs.unet_model_output)
unet.summary()"""

TRAINING = """\
unet.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])
EPOCHS = 40
VAL_SUBSPLITS = 5
BUFFER_SIZE = 500
BATCH_SIZE = 32
train_dataset = processed_image_ds.cache().shuffle(BUFFER_SIZE).batch(BATCH_SIZE)
model_history = unet.fit(train_dataset, epochs=EPOCHS)"""

PLOT = """\
def display(display_list):
    plt.figure(figsize=(15, 15))
    title = ['Input Image', 'True Mask', 'Predicted Mask']
    for i in range(len(display_list)):
        plt.subplot(1, len(display_list), i+1)
        plt.title(title[i])
        plt.imshow(tf.keras.preprocessing.image.array_to_img(display_list[i]))
        plt.axis('off')
    plt.show()

plt.plot(model_history.history["accuracy"])"""


def course_cells(conv_block=CONV_BLOCK, upsampling_block=UPSAMPLING_BLOCK, unet_model=UNET_MODEL):
    """The notebook's cells (markdown and code), the graded ones as given."""
    return [
        new_markdown_cell("# Image Segmentation with U-Net\n\nWelcome to the final assignment of Week 3!"),
        new_code_cell(SETUP), new_markdown_cell("## 2 - Load and Split the Data"),
        new_code_cell(DATA), new_code_cell(SHOW), new_code_cell(PIPELINE),
        new_markdown_cell("### Exercise 1 - conv_block"), new_code_cell(conv_block), new_code_cell(CONV_BLOCK_TEST),
        new_markdown_cell("### Exercise 2 - upsampling_block"), new_code_cell(upsampling_block),
        new_code_cell(UPSAMPLING_TEST),
        new_markdown_cell("### Exercise 3 - unet_model"), new_code_cell(unet_model), new_code_cell(UNET_TEST),
        new_code_cell(TRAINING), new_code_cell(PLOT),
    ]


def write_course_notebook(path, **graded):
    """Write the course-layout notebook to `path` (graded cells replaceable by keyword); return the path."""
    notebook = new_notebook(cells=course_cells(**graded), metadata={
        "coursera": {"course_slug": "convolutional-neural-networks", "graded_item_id": "omTWV"},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}})
    nbformat.write(notebook, str(path))
    return path


def nbconvert_script(cells):
    """The notebook's code as `jupyter nbconvert --to script` writes it (magics as get_ipython() calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    parts = ["#!/usr/bin/env python\n# coding: utf-8\n"]
    count = 0
    for cell in cells:
        if cell.cell_type == "markdown":
            parts.append("\n".join(f"# {line}" for line in cell.source.splitlines()) + "\n")
        else:
            count += 1
            parts.append(f"# In[{count}]:\n\n\n{transform(cell.source)}")
    return "\n\n".join(parts)


def jupytext_script(cells):
    """The notebook as jupytext's percent format writes it (magics commented out)."""
    parts = ["# ---\n# jupyter:\n#   kernelspec:\n#     name: python3\n# ---\n"]
    for cell in cells:
        if cell.cell_type == "markdown":
            parts.append("# %% [markdown]\n" + "\n".join(f"# {line}" for line in cell.source.splitlines()))
        else:
            source = "\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                               for line in cell.source.splitlines())
            parts.append(f"# %%\n{source}")
    return "\n\n".join(parts) + "\n"
