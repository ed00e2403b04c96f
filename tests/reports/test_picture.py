"""The picture of a grading: the U-Net as a U, a block as its layers, the first difference marked on both.

The pictures are drawn from descriptions saved from real gradings (picture_fixtures.py) and
compared with stored PNGs with a tolerance, so that a change in the drawing is seen.
"""
import io

import numpy as np
import pytest
from PIL import Image

from grader.reports import html_report, picture
from grader.reports.model_layout import describe_in_words, layout
from picture_fixtures import DATA, pair, report

TOLERANCE = 2.0  # mean absolute difference per channel, out of 255: fonts may render a hair apart


def _pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def test_the_same_report_gives_the_same_png_bytes():
    first = picture.png(report("wrong_unet_hard_coded_filters.py"))
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.png(report("wrong_unet_hard_coded_filters.py")) == first  # the panels kept from before
    picture._panel_pixels.cache_clear()
    assert picture.png(report("wrong_unet_hard_coded_filters.py")) == first  # every panel drawn afresh


@pytest.mark.parametrize("name, stored", [("wrong_unet_hard_coded_filters.py", "picture_unet_filters.png"),
                                          ("wrong_unet_wrong_skip.py", "picture_stopped.png")])
def test_the_picture_matches_the_stored_one(name, stored):
    drawn = _pixels(picture.png(report(name)))
    expected = _pixels((DATA / stored).read_bytes())
    assert drawn.shape == expected.shape, "the picture's size changed"
    difference = np.abs(drawn - expected).mean()
    assert difference < TOLERANCE, f"the picture differs from {stored} by {difference:.2f} on average"


def test_the_fault_is_drawn_in_the_picture_in_vermillion():
    pixels = _pixels(picture.png(report("wrong_unet_hard_coded_filters.py")))
    vermillion = np.array([0xD5, 0x5E, 0x00])
    assert (np.abs(pixels - vermillion).sum(axis=2) < 30).sum() > 500


def test_a_unet_is_a_u_of_blocks_with_four_skip_connections_across():
    found = layout(pair("wrong_unet_hard_coded_filters.py").reference)
    assert found.shape == "u"
    titles = [box.title for box in found.boxes]
    assert titles[:3] == ["Input", "block 1: conv_block", "block 2: conv_block"]
    assert [box.row for box in found.boxes] == [0, 0, 1, 2, 3, 4, 3, 2, 1, 0, 0, 0]
    skips = [(found.boxes[a].title, found.boxes[b].title) for a, b, skip in found.arrows if skip]
    assert skips == [("block 4: conv_block", "block 6: upsampling_block"),
                     ("block 3: conv_block", "block 7: upsampling_block"),
                     ("block 2: conv_block", "block 8: upsampling_block"),
                     ("block 1: conv_block", "block 9: upsampling_block")]
    assert found.boxes[1].lines == ("out 96x32x64", "64 filters", "3 layers")


def test_the_first_difference_is_marked_in_the_same_block_on_both_sides():
    found = pair("wrong_unet_hard_coded_filters.py")
    student = [box.title for box in layout(found.student, found.found_at).boxes if box.marked]
    reference = [box.title for box in layout(found.reference, found.expected_at).boxes if box.marked]
    assert student == reference == ["block 1: conv_block"]
    assert found.difference.startswith("Conv2D #1 (layer 2, in block 1: conv_block): filters 32, expected 64")


def test_a_block_is_its_layers_in_order_with_the_faulty_layer_marked():
    found = pair("wrong_conv_block_valid_padding.py")
    boxes = layout(found.student, found.found_at).boxes
    assert [box.title for box in boxes] == ["Input", "Conv2D #1", "Conv2D #2", "MaxPooling2D #1"]
    assert [box.marked for box in boxes] == [False, False, True, False]
    assert "padding 'valid'" in boxes[2].lines[-1]
    assert boxes[2].lines[0] == "out 94x126x32"


def test_a_model_that_stopped_is_drawn_as_far_as_it_was_built():
    found = pair("wrong_unet_wrong_skip.py")
    assert found.stopped.startswith("unet_model raised ValueError")
    boxes = layout(found.student).boxes
    assert boxes[-1].title == "block 6: upsampling_block"
    assert describe_in_words(found.student).startswith("a U of 7 boxes")


def test_the_alt_text_says_what_both_pictures_show_and_the_fault():
    exercise = report("wrong_unet_hard_coded_filters.py").exercises[0]
    alt = html_report.alt_text(exercise)
    assert "Your model: a U of 12 boxes over 5 levels with 4 skip connections" in alt
    assert "the first difference is marked in block 1: conv_block" in alt
    assert "First difference: Conv2D #1 (layer 2, in block 1: conv_block): filters 32, expected 64" in alt


def test_a_report_without_models_has_no_picture():
    from dataclasses import replace

    empty = report("wrong_unet_hard_coded_filters.py")
    empty = replace(empty, exercises=tuple(replace(exercise, models=None) for exercise in empty.exercises))
    assert picture.png(empty) is None
