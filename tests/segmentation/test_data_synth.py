"""The synthetic CARLA-format sample: deterministic, varied, in the course layout, said to be synthetic."""
import json

import numpy as np
import pytest

from segmentation import synth
from segmentation.dataset import DataError, load_dataset
from segmentation.scenes import draw_scene
from segmentation.synth import is_synthetic_sample, write_frame, write_synthetic_dataset


def test_same_seed_same_bytes_and_another_seed_other_bytes(tmp_path):
    first = write_synthetic_dataset(tmp_path / "a", n=2, seed=5)
    second = write_synthetic_dataset(tmp_path / "b", n=2, seed=5)
    other = write_synthetic_dataset(tmp_path / "c", n=2, seed=6)
    files = sorted(p.relative_to(first) for p in first.rglob("*.png"))
    assert len(files) == 4
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).read_bytes() != (other / name).read_bytes()


def test_parallel_writing_gives_the_frames_written_one_by_one(tmp_path):
    together = write_synthetic_dataset(tmp_path / "pool", n=16, seed=2)  # uses worker processes
    for folder in ("CameraRGB", "CameraMask"):
        (tmp_path / "single" / folder).mkdir(parents=True)
    write_frame((tmp_path / "single", 2, 15))
    for folder in ("CameraRGB", "CameraMask"):
        name = f"{folder}/synthetic_0015.png"
        assert (together / name).read_bytes() == (tmp_path / "single" / name).read_bytes()


def test_scenes_cover_at_least_10_of_the_23_classes_across_20():
    present = set()
    per_scene = []
    for index in range(20):
        image, labels = draw_scene(np.random.default_rng([0, index]))
        assert image.shape == (480, 640, 3) and image.dtype == np.uint8
        assert labels.shape == (480, 640) and int(labels.max()) <= 22
        ids = set(np.unique(labels).tolist())
        per_scene.append(len(ids))
        present |= ids
    assert len(present) >= 10
    assert min(per_scene) >= 6  # every scene is a street, not a few blobs
    assert {7, 6, 8, 13, 1, 9, 10, 4, 5, 12} <= present  # road, lines, sidewalk, sky, ...
    assert 0 not in present  # every pixel is drawn as something: nothing is left Unlabeled


def test_classes_are_not_separable_by_colour_alone():
    """Many colours are shared by pixels of different classes (lighting, texture, noise)."""
    image, labels = draw_scene(np.random.default_rng([0, 3]))
    coarse = (image // 32).astype(np.int32)
    colour = coarse[..., 0] * 64 + coarse[..., 1] * 8 + coarse[..., 2]
    classes_per_colour = {}
    for c, label in zip(colour.ravel(), labels.ravel()):
        classes_per_colour.setdefault(int(c), set()).add(int(label))
    shared = sum(1 for classes in classes_per_colour.values() if len(classes) > 1)
    assert shared / len(classes_per_colour) > 0.3


def test_written_sample_is_a_valid_course_dataset_marked_synthetic(tmp_path):
    out = write_synthetic_dataset(tmp_path / "s", n=3, seed=0)
    dataset = load_dataset(out, strict=True)
    assert dataset.layout == "course" and len(dataset.pairs) == 3 and dataset.synthetic
    assert dataset.image_sizes == {(480, 640): 3}
    assert "SYNTHETIC" in dataset.describe()
    from PIL import Image

    with Image.open(dataset.pairs[0][0]) as image, Image.open(dataset.pairs[0][1]) as mask:
        assert image.mode == "RGBA" and mask.mode == "RGBA"
        mask = np.array(mask)
    assert (mask[..., 1] == 0).all() and (mask[..., 3] == 255).all()
    readme = (out / "README.txt").read_text()
    assert "SYNTHETIC" in readme and "NOT real CARLA" in readme and "--seed 0" in readme
    assert json.loads((out / "synthetic.json").read_text())["n"] == 3


def test_never_overwrites_a_folder_that_is_not_a_synthetic_sample(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "keep.txt").write_text("precious")
    with pytest.raises(DataError, match="not empty"):
        write_synthetic_dataset(tmp_path / "real", n=1)
    assert (tmp_path / "real" / "keep.txt").read_text() == "precious"
    sample = write_synthetic_dataset(tmp_path / "sample", n=2, seed=1)
    write_synthetic_dataset(sample, n=1, seed=1)  # an earlier sample is replaced
    assert len(list((sample / "CameraRGB").iterdir())) == 1
    assert not list(tmp_path.glob(".*partial*"))


def test_default_sample_is_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "_sample_location", lambda: tmp_path / "synthetic")
    monkeypatch.setattr(synth, "SAMPLE_SIZE", 2)
    folder = synth.default_sample_dir()
    assert is_synthetic_sample(folder, n=2, seed=synth.SAMPLE_SEED)
    stamp = (folder / "CameraRGB" / "synthetic_0000.png").stat().st_mtime_ns
    assert synth.default_sample_dir() == folder
    assert (folder / "CameraRGB" / "synthetic_0000.png").stat().st_mtime_ns == stamp
    marker = json.loads((folder / "synthetic.json").read_text())
    (folder / "synthetic.json").write_text(json.dumps({**marker, "generator_version": 0}))
    assert is_synthetic_sample(synth.default_sample_dir(), n=2)  # older generator: written again
    (folder / "synthetic.json").unlink()  # no longer ours: left alone, and said so
    with pytest.raises(DataError, match="not a synthetic sample"):
        synth.default_sample_dir()
