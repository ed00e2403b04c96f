"""The train / validation / test split: deterministic, complete, and saved to split.json."""
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmentation.split import read_split, split_pairs, write_split


def make_pairs(n, root="/data"):
    """n fake (image, mask) path pairs under `root`."""
    return [(Path(root) / "CameraRGB" / f"{i:04d}.png", Path(root) / "CameraMask" / f"{i:04d}.png")
            for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 120), seed=st.integers(0, 10**6))
def test_split_is_a_seeded_partition_with_a_validation_part(n, seed):
    pairs = make_pairs(n)
    split = split_pairs(pairs, seed=seed)
    parts = [split["train"], split["validation"], split["test"]]
    assert sorted(p for part in parts for p in part) == pairs  # every pair exactly once
    if n >= 2:
        assert split["validation"] and split["train"]
    if n >= 20:
        assert abs(len(split["train"]) - 0.8 * n) <= 1.5
        assert abs(len(split["test"]) - 0.1 * n) <= 1
    shuffled = list(pairs)
    random.Random(seed + 1).shuffle(shuffled)
    assert split_pairs(shuffled, seed=seed) == split  # input order does not matter


def test_different_seeds_give_different_splits():
    pairs = make_pairs(50)
    assert split_pairs(pairs, seed=0)["validation"] != split_pairs(pairs, seed=1)["validation"]


def test_train_on_everything_keeps_validation_and_test_for_measuring():
    pairs = make_pairs(30)
    split = split_pairs(pairs, seed=4, train_on_everything=True)
    assert split["train"] == pairs
    assert split["validation"] == split_pairs(pairs, seed=4)["validation"]
    assert len(split["test"]) == 3


def test_fractions_are_checked_and_used():
    pairs = make_pairs(20)
    split = split_pairs(pairs, fractions=(0.5, 0.25, 0.25))
    assert [len(split[k]) for k in ("train", "validation", "test")] == [10, 5, 5]
    with pytest.raises(ValueError, match="sum to 1"):
        split_pairs(pairs, fractions=(0.8, 0.3, 0.1))


def test_split_json_round_trip_with_paths_relative_to_the_data(tmp_path):
    root = tmp_path / "data"
    pairs = make_pairs(10, root)
    split = split_pairs(pairs, seed=7)
    path = tmp_path / "split.json"
    write_split(split, path, root=root, seed=7, train_on_everything=False)
    text = path.read_text()
    assert str(tmp_path / "data" / "CameraRGB") not in text  # stored relative to the root
    loaded = read_split(path)
    for part in ("train", "validation", "test"):
        assert loaded[part] == split[part]
    assert loaded["seed"] == 7 and loaded["counts"] == {"train": 8, "validation": 1, "test": 1}
