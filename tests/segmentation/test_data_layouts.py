"""Layout detection and validation: which pairs are usable, and every bad file named."""
import warnings
from pathlib import Path

import numpy as np
import pytest

from datafiles import (copy_dataset, set_mask_id, truncate, write_pair, write_png,
                       write_small_dataset)
from segmentation.classes import COURSE_CLASSES, LYFT_CLASSES, table_for_layout
from segmentation.dataset import DataError, DataWarning, load_dataset


# ------------------------------------------------------------------ real Lyft frames


def test_real_lyft_frames_are_detected_with_all_13_classes(lyft_dir):
    dataset = load_dataset(lyft_dir)
    assert dataset.layout == "lyft"
    assert dataset.classes is LYFT_CLASSES and dataset.classes.n_classes == 13
    assert len(dataset.pairs) == 10
    assert dataset.report == {}
    assert dataset.image_sizes == {(600, 800): 10}
    assert all(count > 0 for count in dataset.class_pixels)  # ids 0..12 all occur
    assert sum(dataset.class_pixels) == 10 * 600 * 800
    for image, mask in dataset.pairs:
        assert image.parent.name == "CameraRGB" and mask.parent.name == "CameraSeg"
        assert image.name == mask.name
    assert dataset.pairs == sorted(dataset.pairs)


@pytest.fixture
def corrupted_lyft(lyft_dir, tmp_path):
    """A copy of the real frames with one mask deleted, one PNG truncated, one id of 200."""
    root = copy_dataset(lyft_dir, tmp_path / "lyft")
    (root / "CameraSeg" / "bakamoridesu_0.png").unlink()
    truncate(root / "CameraRGB" / "nikolasent_train_1.png")
    set_mask_id(root / "CameraSeg" / "bakamoridesu_100.png", 200, row=300, col=400)
    return root


def test_corrupted_copy_reports_exactly_the_three_bad_files(corrupted_lyft):
    with pytest.warns(DataWarning) as caught:
        dataset = load_dataset(corrupted_lyft)
    assert set(dataset.report) == {"CameraRGB/bakamoridesu_0.png",
                                   "CameraRGB/nikolasent_train_1.png",
                                   "CameraSeg/bakamoridesu_100.png"}
    assert "no mask" in dataset.report["CameraRGB/bakamoridesu_0.png"]
    assert "truncated" in dataset.report["CameraRGB/nikolasent_train_1.png"]
    assert "200" in dataset.report["CameraSeg/bakamoridesu_100.png"]
    assert len(dataset.pairs) == 7
    message = str(caught[0].message)
    for name in dataset.report:
        assert name in message


def test_strict_mode_turns_the_bad_files_into_an_error(corrupted_lyft):
    with pytest.raises(DataError) as error:
        load_dataset(corrupted_lyft, strict=True)
    text = str(error.value)
    for name in ("bakamoridesu_0.png", "nikolasent_train_1.png", "bakamoridesu_100.png"):
        assert name in text
    assert "--strict" in text


# ------------------------------------------------------------------ generated folders


def test_course_layout_is_detected_from_its_mask_folder(tmp_path):
    write_small_dataset(tmp_path, n=3, layout="course")
    dataset = load_dataset(tmp_path)
    assert dataset.layout == "course" and dataset.classes is COURSE_CLASSES
    assert len(dataset.pairs) == 3 and not dataset.synthetic


def test_kaggle_form_with_data_a_to_e_subfolders_is_one_dataset(tmp_path):
    for letter in "AB":
        write_small_dataset(tmp_path / f"data{letter}", n=2, layout="lyft", seed=ord(letter))
    write_small_dataset(tmp_path / "dataC" / "dataC", n=2, layout="lyft")  # Kaggle's nesting
    (tmp_path / "dataA" / "CameraSeg" / "frame_001.png").unlink()
    with pytest.warns(DataWarning):
        dataset = load_dataset(tmp_path)
    assert dataset.layout == "lyft"
    assert len(dataset.pairs) == 5
    assert list(dataset.report) == ["dataA/CameraRGB/frame_001.png"]


def test_mask_ids_outside_the_table_are_reported_per_layout(tmp_path):
    image = np.zeros((8, 8, 3), np.uint8)
    write_pair(tmp_path, "ok.png", image, np.full((8, 8), 12), layout="lyft")
    write_pair(tmp_path, "bad.png", image, np.full((8, 8), 13), layout="lyft")
    with pytest.warns(DataWarning):
        dataset = load_dataset(tmp_path)
    assert [p[0].name for p in dataset.pairs] == ["ok.png"]
    assert "13" in dataset.report["CameraSeg/bad.png"] and "0..12" in dataset.report["CameraSeg/bad.png"]
    # the same id 13 (Sky) is fine in the course table
    course = tmp_path / "course"
    write_pair(course, "sky.png", image, np.full((8, 8), 13), layout="course")
    assert load_dataset(course).report == {}


def test_unpaired_mask_size_mismatch_and_foreign_files_are_each_named(tmp_path):
    write_small_dataset(tmp_path, n=2, layout="course")
    write_png(tmp_path / "CameraMask" / "orphan.png", np.zeros((12, 16, 4), np.uint8))
    write_pair(tmp_path, "small.png", np.zeros((12, 16, 3), np.uint8), np.zeros((12, 16)))
    write_png(tmp_path / "CameraMask" / "small.png", np.zeros((6, 8, 4), np.uint8))
    (tmp_path / "CameraRGB" / "notes.txt").write_text("not an image")
    (tmp_path / "CameraRGB" / "fake.png").write_text("not a png either")
    write_png(tmp_path / "CameraMask" / "fake.png", np.zeros((12, 16, 4), np.uint8))
    (tmp_path / "CameraRGB" / ".DS_Store").write_text("hidden files are ignored")
    with pytest.warns(DataWarning):
        dataset = load_dataset(tmp_path)
    assert len(dataset.pairs) == 2
    assert set(dataset.report) == {"CameraMask/orphan.png", "CameraRGB/small.png",
                                   "CameraRGB/notes.txt", "CameraRGB/fake.png"}
    assert "no image" in dataset.report["CameraMask/orphan.png"]
    assert "12x16" in dataset.report["CameraRGB/small.png"]
    assert "6x8" in dataset.report["CameraRGB/small.png"]
    assert "not a .png" in dataset.report["CameraRGB/notes.txt"]
    assert "not a readable image" in dataset.report["CameraRGB/fake.png"]


def test_palette_and_grey_masks_are_read_like_the_decoder_reads_them(tmp_path):
    from PIL import Image

    write_png(tmp_path / "CameraRGB" / "grey.png", np.zeros((4, 4, 3), np.uint8))
    write_png(tmp_path / "CameraSeg" / "grey.png", np.full((4, 4), 7, np.uint8))  # mode L
    write_png(tmp_path / "CameraRGB" / "palette.png", np.zeros((4, 4, 3), np.uint8))
    palette = Image.new("P", (4, 4), 1)
    palette.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)  # index 1 has red 200
    palette.save(tmp_path / "CameraSeg" / "palette.png")
    with pytest.warns(DataWarning):
        dataset = load_dataset(tmp_path)
    assert [p[0].name for p in dataset.pairs] == ["grey.png"]
    assert "200" in dataset.report["CameraSeg/palette.png"]


# ------------------------------------------------------------------ folder-level errors


def test_missing_folder_names_the_folder_and_the_expected_layouts(tmp_path):
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path / "nowhere")
    text = str(error.value)
    assert str(tmp_path / "nowhere") in text and "does not exist" in text
    assert "CameraMask" in text and "CameraSeg" in text


def test_empty_folder_says_which_layout_was_expected(tmp_path):
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path, layout="course")
    assert "empty" in str(error.value) and "CameraMask" in str(error.value)
    assert "CameraSeg" not in str(error.value)
    (tmp_path / "CameraRGB").mkdir()
    (tmp_path / "CameraSeg").mkdir()
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path)
    assert "no PNG files" in str(error.value) and "Lyft" in str(error.value)


def test_forced_layout_that_does_not_fit_points_at_the_detected_one(tmp_path):
    write_small_dataset(tmp_path, n=1, layout="lyft")
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path, layout="course")
    text = str(error.value)
    assert "CameraMask is missing" in text and "lyft layout" in text
    assert load_dataset(tmp_path, layout="lyft").layout == "lyft"


def test_both_mask_folders_need_a_layout_choice(tmp_path):
    write_small_dataset(tmp_path, n=1, layout="lyft")
    write_small_dataset(tmp_path, n=1, layout="course")
    with pytest.raises(DataError, match="--layout"):
        load_dataset(tmp_path)
    assert load_dataset(tmp_path, layout="course").layout == "course"


def test_folder_with_only_bad_files_is_not_usable(tmp_path):
    pairs = write_small_dataset(tmp_path, n=2, layout="course")
    for image, _ in pairs:
        truncate(image, keep=0.3)
    with pytest.raises(DataError, match="no usable image/mask pair"):
        load_dataset(tmp_path)


def test_unreadable_folder_is_a_data_error(tmp_path, monkeypatch):
    write_small_dataset(tmp_path, n=1)
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "CameraRGB":
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path)
    assert "Could not read" in str(error.value) and "Permission denied" in str(error.value)
    assert "CameraRGB" in str(error.value)


def test_clean_data_gives_no_warning(tmp_path):
    write_small_dataset(tmp_path, n=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_dataset(tmp_path)


# ------------------------------------------------------------------ class tables


def test_class_tables_have_names_and_distinct_colours():
    assert COURSE_CLASSES.n_classes == 23 and LYFT_CLASSES.n_classes == 13
    assert COURSE_CLASSES.names[7] == "Road" and COURSE_CLASSES.names[22] == "Terrain"
    assert LYFT_CLASSES.names[12] == "TrafficSigns"
    for table in (COURSE_CLASSES, LYFT_CLASSES):
        assert len(table.colors) == table.n_classes
        assert len(set(table.colors)) == table.n_classes
        assert all(0 <= c <= 255 for color in table.colors for c in color)
    assert table_for_layout("lyft") is LYFT_CLASSES
    with pytest.raises(ValueError, match="course"):
        table_for_layout("cityscapes")
