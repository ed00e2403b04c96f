"""The tf.data pipeline: shapes, dtypes, value ranges, and masks that keep valid ids."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datafiles import write_pair, write_small_dataset
from segmentation.dataset import DataError, load_dataset
from segmentation.pipeline import decode_pair, load_image, load_mask, make_dataset


def test_real_frames_give_batches_of_the_model_input_shape(lyft_dir):
    pairs = load_dataset(lyft_dir).pairs
    batches = list(make_dataset(pairs, batch_size=4, shuffle=False))
    assert [tuple(images.shape) for images, _ in batches] == [(4, 96, 128, 3)] * 2 + [(2, 96, 128, 3)]
    images, masks = batches[0]
    assert images.dtype.name == "float32" and masks.dtype.name == "int32"
    assert tuple(masks.shape) == (4, 96, 128)
    assert 0.0 <= float(np.min(images)) and float(np.max(images)) <= 1.0
    ids = set(np.unique(np.concatenate([m.numpy().ravel() for _, m in batches])).tolist())
    assert ids <= set(range(13)) and len(ids) >= 10


def test_cached_epochs_repeat_exactly_and_shuffled_epochs_differ(tmp_path):
    pairs = write_small_dataset(tmp_path, n=12, size=(24, 32))
    fixed = make_dataset(pairs, image_size=(16, 16), batch_size=12, shuffle=False)
    first, second = [list(fixed)[0][1].numpy() for _ in range(2)]  # one batch: the whole epoch
    np.testing.assert_array_equal(first, second)
    shuffled = make_dataset(pairs, image_size=(16, 16), batch_size=12, seed=3)
    epochs = [list(shuffled)[0][1].numpy() for _ in range(2)]
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled every epoch
    again = make_dataset(pairs, image_size=(16, 16), batch_size=12, seed=3)
    np.testing.assert_array_equal(list(again)[0][1].numpy(), epochs[0])  # same seed, same order
    assert sorted(map(bytes, first.reshape(12, -1))) == sorted(map(bytes, epochs[0].reshape(12, -1)))


def test_alpha_is_dropped_and_single_files_load_like_the_pipeline(tmp_path):
    (image_path, mask_path), = write_small_dataset(tmp_path, n=1, layout="course", size=(30, 40))
    image, mask = decode_pair(image_path, mask_path, (15, 20))
    assert tuple(image.shape) == (15, 20, 3) and tuple(mask.shape) == (15, 20)
    assert image.dtype.name == "float32" and mask.dtype.name == "int32"
    images, masks = next(iter(make_dataset([(image_path, mask_path)], image_size=(15, 20))))
    np.testing.assert_array_equal(images[0].numpy(), load_image(image_path, (15, 20)).numpy())
    np.testing.assert_array_equal(masks[0].numpy(), load_mask(mask_path, (15, 20)).numpy())


def test_no_pairs_is_a_data_error():
    with pytest.raises(DataError, match="data check"):
        make_dataset([])


sizes = st.tuples(st.integers(2, 40), st.integers(2, 40))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sizes, target=sizes, n_classes=st.sampled_from([13, 23]), seed=st.integers(0, 2**16),
       data=st.data())
def test_masks_keep_valid_ids_through_resizing_and_augmentation(source, target, n_classes, seed, data):
    ids_used = data.draw(st.lists(st.integers(0, n_classes - 1), min_size=1, max_size=6, unique=True))
    rng = np.random.default_rng(seed)
    ids = rng.choice(ids_used, size=source).astype(np.uint8)
    image = rng.integers(0, 256, (*source, 3), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as folder:
        pair = write_pair(Path(folder), "x.png", image, ids, layout="course" if n_classes == 23 else "lyft")
        images, masks = next(iter(make_dataset([pair] * 4, image_size=target, batch_size=4,
                                               augment=True, seed=seed)))
    assert tuple(masks.shape) == (4, *target) and masks.dtype.name == "int32"
    assert set(np.unique(masks.numpy()).tolist()) <= set(ids_used)  # nearest: no blended ids
    assert tuple(images.shape) == (4, *target, 3)
    assert 0.0 <= float(np.min(images)) and float(np.max(images)) <= 1.0


@settings(max_examples=15, deadline=None)
@given(height=st.integers(2, 24), width=st.integers(2, 24), seed=st.integers(0, 2**16))
def test_augmentation_flips_image_and_mask_together(height, width, seed):
    """The image's red channel encodes the mask (10 x id), so any mismatch shows."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 23, (height, width)).astype(np.uint8)
    ids[0, 0], ids[0, -1] = 1, 2  # not symmetric left-right, so a flip is visible
    image = np.dstack([ids * 10, rng.integers(0, 256, (height, width, 2))]).astype(np.uint8)
    with tempfile.TemporaryDirectory() as folder:
        pair = write_pair(Path(folder), "x.png", image, ids)
        dataset = make_dataset([pair] * 16, image_size=(height, width), batch_size=16,
                               augment=True, seed=seed)
        images, masks = next(iter(dataset))
    red = np.round(images.numpy()[..., 0] * 255).astype(int)
    np.testing.assert_array_equal(red, masks.numpy() * 10)
    flipped = [bool(np.array_equal(m, ids[:, ::-1])) for m in masks.numpy()]
    assert 0 < sum(flipped) < 16  # each example has its own coin
