"""The tf.data input pipeline: PNG files -> batches of (images, masks) for the U-Net.

    pairs -> map(decode + resize, AUTOTUNE) -> cache -> shuffle -> map(flip, optional)
          -> batch -> map(to float) -> prefetch

- image: decoded with 3 channels (an alpha channel is dropped), resized bilinear,
  float32 in [0, 1], shape (batch, H, W, 3);
- mask: the class id is the red channel; resized `nearest` so ids are never blended,
  int32, shape (batch, H, W).

The cache holds uint8 tensors (a quarter of the memory of float32); the conversion to
float32 runs once per batch, after the cache. Augmentation flips each example with its
own seeded coin, new every epoch, the same flip for an image and its mask.
"""
from segmentation.dataset import DataError
from segmentation.quiet_tf import import_tensorflow

tf = import_tensorflow()

DEFAULT_IMAGE_SIZE = (96, 128)


def make_dataset(pairs, image_size=DEFAULT_IMAGE_SIZE, batch_size=32, shuffle=True,
                 augment=False, seed=0, cache=True):
    """A tf.data.Dataset of (images, masks) batches from (image_path, mask_path) pairs.

    Arguments:
        pairs: sequence of (image_path, mask_path), e.g. `load_dataset(...).pairs`.
        image_size: (height, width) every image and mask is resized to.
        batch_size: examples per batch (the last batch may be smaller).
        shuffle: reshuffle the examples every epoch (seeded by `seed`).
        augment: flip each example left-right with probability 1/2, image and mask alike.
        seed: seed of the shuffle and of the augmentation.
        cache: keep the decoded, resized examples in memory after the first epoch.

    Returns:
        A tf.data.Dataset yielding images float32 (batch, H, W, 3) in [0, 1] and
        masks int32 (batch, H, W) holding class ids.
    """
    if not pairs:
        raise DataError("The input pipeline got no image/mask pairs; check the data folder "
                        "with `python -m grader data check DIR`.")
    images = [str(image) for image, _ in pairs]
    masks = [str(mask) for _, mask in pairs]
    height, width = image_size
    dataset = tf.data.Dataset.from_tensor_slices((images, masks))
    dataset = dataset.map(lambda image, mask: decode_pair_uint8(image, mask, (height, width)),
                          num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(pairs), seed=seed, reshuffle_each_iteration=True)
    if augment:
        coins = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        dataset = tf.data.Dataset.zip((dataset, coins)).map(
            lambda pair, coin: flip_pair(pair[0], pair[1], coin), num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.batch(batch_size)
    dataset = dataset.map(to_model_inputs, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def decode_image_uint8(path, image_size=DEFAULT_IMAGE_SIZE):
    """Read a PNG image and resize it bilinear: uint8 tensor (H, W, 3); alpha is dropped."""
    image = tf.io.decode_png(tf.io.read_file(path), channels=3)
    image = tf.image.resize(image, image_size, method="bilinear")
    return tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)


def decode_mask_uint8(path, image_size=DEFAULT_IMAGE_SIZE):
    """Read a mask PNG, keep its red channel (the class id), resize `nearest`: uint8 (H, W)."""
    mask = tf.io.decode_png(tf.io.read_file(path), channels=3)[:, :, :1]
    mask = tf.image.resize(mask, image_size, method="nearest")
    return mask[:, :, 0]


def decode_pair_uint8(image_path, mask_path, image_size=DEFAULT_IMAGE_SIZE):
    """(image uint8 (H, W, 3), mask uint8 (H, W)) of one pair, as the cache stores them."""
    return decode_image_uint8(image_path, image_size), decode_mask_uint8(mask_path, image_size)


def flip_pair(image, mask, coin):
    """Flip image (H, W, 3) and mask (H, W) left-right together when the int64 `coin` is even."""
    return tf.cond(coin % 2 == 0,
                   lambda: (tf.reverse(image, axis=[1]), tf.reverse(mask, axis=[1])),
                   lambda: (image, mask))


def to_model_inputs(images, masks):
    """uint8 images and masks -> float32 images in [0, 1] and int32 masks."""
    return tf.cast(images, tf.float32) / 255.0, tf.cast(masks, tf.int32)


def load_image(path, image_size=DEFAULT_IMAGE_SIZE):
    """One image file as the model sees it: float32 (H, W, 3) in [0, 1] (e.g. for predict)."""
    return tf.cast(decode_image_uint8(str(path), image_size), tf.float32) / 255.0


def load_mask(path, image_size=DEFAULT_IMAGE_SIZE):
    """One mask file as the model is trained on it: int32 (H, W) class ids."""
    return tf.cast(decode_mask_uint8(str(path), image_size), tf.int32)


def decode_pair(image_path, mask_path, image_size=DEFAULT_IMAGE_SIZE):
    """(load_image(image_path), load_mask(mask_path)) for one pair."""
    return load_image(image_path, image_size), load_mask(mask_path, image_size)
