"""The verdict a careful teacher would give, on notebooks in the course's own layout: equivalent code passes
with a note, a default the course never relies on costs nothing, a mistake is said once, hints name the
real cause, a notebook is recognised by its content. All graded in one batch (one TensorFlow start)."""
import re

import nbformat
import pytest

from course_layout import CONV_BLOCK, UNET_MODEL, UPSAMPLING_BLOCK, course_cells, write_course_notebook
from grader.exercises import COURSE
from grader.grading import sources
from grader.reports import json_report, text
from grading_helpers import grade_reports, not_passed

SEED = 5

POOL_SAME = CONV_BLOCK.replace("MaxPooling2D(pool_size=(2, 2))(conv)", "MaxPooling2D(pool_size=(2, 2), padding='same')(conv)")
TRANSPOSE_HE_NORMAL = UPSAMPLING_BLOCK.replace("                 padding='same')(expansive_input)",
                                              "                 padding='same',\n"
                                              "                 kernel_initializer='he_normal')(expansive_input)")
UNET_OTHER_DEFAULT = UNET_MODEL.replace("def unet_model(input_size=(96, 128, 3),", "def unet_model(input_size=(192, 256, 3),")
UPSAMPLING_NO_DEFAULT = UPSAMPLING_BLOCK.replace("contractive_input, n_filters=32):", "contractive_input, n_filters):")
RENAMED_CONV_BLOCK = CONV_BLOCK.replace("n_filters", "num_filters")
RENAMED_UNET = re.sub(r"conv_block\((\w+(?:\[0\])?), n_filters", r"conv_block(\1, num_filters=n_filters", UNET_MODEL)
TRANSPOSE_RELU = UPSAMPLING_BLOCK.replace("                 padding='same')(expansive_input)",
                                         "                 padding='same', activation='relu')(expansive_input)")
PAIR_PASSED = UNET_MODEL.replace("cblock2 = conv_block(cblock1[0], n_filters*2)", "cblock2 = conv_block(cblock1, n_filters*2)")
TEMPLATE_NONE = CONV_BLOCK.replace("    conv = Conv2D(n_filters, # Number of filters\n                  3,   # Kernel size",
                                   "    conv = Conv2D(None, # Number of filters\n                  None,   # Kernel size", 1)
EXTRA_BATCH_NORM = CONV_BLOCK.replace("    # if dropout_prob > 0", "    conv = tf.keras.layers.BatchNormalization()(conv)\n"
                                                            "    # if dropout_prob > 0")

NOTEBOOKS = {
    "equivalent": {"conv_block": POOL_SAME, "upsampling_block": TRANSPOSE_HE_NORMAL},
    "defaults_the_course_never_uses": {"unet_model": UNET_OTHER_DEFAULT, "upsampling_block": UPSAMPLING_NO_DEFAULT},
    "renamed_keyword": {"conv_block": RENAMED_CONV_BLOCK, "unet_model": RENAMED_UNET,
                        "upsampling_block": TRANSPOSE_RELU},
    "renamed_keyword_only_in_unet": {"unet_model": RENAMED_UNET},
    "pair_passed": {"unet_model": PAIR_PASSED},
    "template_none": {"conv_block": TEMPLATE_NONE},
    "extra_batch_norm": {"conv_block": EXTRA_BATCH_NORM},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, warm_grader):
    """{name: (JSON report, text report, Report)} of every notebook above, and of the course's notebook saved
    under other names (.json, .txt, no suffix)."""
    folder = tmp_path_factory.mktemp("verdict")
    paths = {name: write_course_notebook(folder / f"{name}.ipynb", **cells) for name, cells in NOTEBOOKS.items()}
    for name in ("work.json", "work.txt", "work"):
        paths[name] = write_course_notebook(folder / name)
    jobs = [(sources.resolve_file(path), COURSE.names) for path in paths.values()]
    reports = grade_reports(warm_grader, jobs, SEED, timeout_s=120)
    return {name: (json_report.data(report), " ".join(text.render(report).split()), report)
            for name, report in zip(paths, reports)}


def _scores(report):
    return {exercise["name"]: exercise["score"] for exercise in report["exercises"]}


def test_a_setting_that_changes_no_output_on_admitted_inputs_passes_with_a_note(graded):
    report, shown, _ = graded["equivalent"]
    assert report["score"] == report["max_score"] == 36, not_passed(report)
    assert ("Note: MaxPooling2D #1: padding 'same', the reference's 'valid': this changes nothing here, since "
            "on the inputs conv_block admits (any height and width without max pooling, even ones with it) "
            "'same' pads nothing") in shown
    assert ("Note: Conv2DTranspose #1: kernel initializer HeNormal, the reference's GlorotUniform: this only "
            "chooses the starting weights") in shown
    assert "Note: MaxPooling2D #1, #2, #3 and #4: padding 'same'" in shown  # exercise3, with the student's blocks


def test_defaults_the_course_never_relies_on_cost_nothing_and_are_said(graded):
    report, shown, _ = graded["defaults_the_course_never_uses"]
    assert report["score"] == 36, not_passed(report)
    assert ("Note: unet_model's `def` line (cell 14 (`# GRADED FUNCTION: unet_model`)) has input_size=(192, 256, 3); "
            "the exercise's is input_size=(96, 128, 3). The course always passes input_size, so this costs no "
            "points") in shown
    assert "upsampling_block's `def` line (cell 11 (`# GRADED FUNCTION: upsampling_block`)) gives n_filters no default" \
        in shown


def test_a_renamed_keyword_grades_exercise3_with_the_students_own_blocks_and_names_the_keyword(graded):
    report, shown, result = graded["renamed_keyword"]
    exercise3 = result.exercises[2]
    assert exercise3.notes and "calls conv_block with `num_filters=`" in exercise3.notes[0]
    assert "(rename it to n_filters)" in exercise3.notes[0]
    messages = not_passed(report)
    assert "unexpected keyword argument" not in messages
    assert "Conv2DTranspose #1 (layer 18, in block 6: upsampling_block): activation 'relu', expected 'linear'" in messages
    assert _scores(report)["exercise1"] == 12  # conv_block(inputs, 32) and the other calls pass it positionally
    assert "a fault of exercise3" not in messages  # the reference blocks could not tell which function is at fault


def test_a_keyword_the_exercises_block_does_not_take_is_named_with_the_right_one(graded):
    report, _, _ = graded["renamed_keyword_only_in_unet"]
    messages = not_passed(report)
    assert "The exercise's conv_block has no argument num_filters: it takes n_filters" in messages
    assert "defaults of the exercise's `def` line" not in messages and "defaults of your `def` line" not in messages


def test_a_pair_passed_for_one_tensor_gets_the_hint_of_its_real_cause(graded):
    report, _, _ = graded["pair_passed"]
    assert _scores(report)["exercise1"] == 12 and _scores(report)["exercise3"] < 14
    assert "Pass one of them, e.g. cblock1[0] (next_layer) to the next conv_block, not cblock1." in not_passed(report)


def test_the_templates_none_is_named_as_such(graded):
    report, _, _ = graded["template_none"]
    assert "This is still the template's `None`: fill in the filters and kernel size" in not_passed(report)


def test_one_mistake_is_said_once_with_the_configurations_it_holds_for(graded):
    report, _, result = graded["extra_batch_norm"]
    checks = [check for check in result.exercises[0].checks if check.name.startswith("structure")]
    assert all(check.status == "failed" and check.score == 0 for check in checks)  # points still per configuration
    first, *others = checks
    assert "The same on course configuration 2 and random configurations 1, 2 and 3 (5 configurations in all)." \
        in first.message
    assert all(check.message == f"The same mistake as on course configuration 1: {first.mistake}." for check in others)
    assert "defaults of your `def` line" not in not_passed(report)  # every configuration fails: not the defaults


@pytest.mark.parametrize("name", ["work.json", "work.txt", "work"])
def test_a_notebook_is_recognised_by_its_content_whatever_its_name(graded, name):
    report, shown, _ = graded[name]
    assert report["score"] == 36, not_passed(report)
    assert f"Note: {name} is graded as the Jupyter notebook it holds, though its name does not end in .ipynb" in shown


@pytest.mark.parametrize("content", ['{"cells": [', '{"nbformat": 4, "cells": 7}', "def conv_block(): pass"])
def test_a_truncated_or_other_file_under_another_name_still_gets_the_refusal(tmp_path, content):
    path = tmp_path / "work.json"
    path.write_text(content)
    with pytest.raises(sources.SourceError, match="is not a .py file; the grader grades Python files"):
        sources.resolve_file(path)


HANGING_CONV_BLOCK = CONV_BLOCK.replace('    """\n    Convolutional downsampling block\n    """\n',
                                        '    """\n    Convolutional downsampling block\n    """\n'
                                        '    while True:\n        pass\n')


def test_a_block_that_hangs_is_charged_once_to_itself_and_exercise3_counts_with_the_reference_blocks(
        tmp_path, warm_grader):
    assert "while True" in HANGING_CONV_BLOCK
    path = write_course_notebook(tmp_path / "hangs.ipynb", conv_block=HANGING_CONV_BLOCK)
    (report,) = grade_reports(warm_grader, [(sources.resolve_file(path), ["exercise3"])], SEED, timeout_s=60)
    [exercise3] = report.exercises
    failed = [check for check in exercise3.checks if check.status != "passed"]
    assert [check.name for check in failed] == ["dependencies: unet_model with your own conv_block and upsampling_block"]
    assert exercise3.score == 12
    assert "conv_block (exercise1) did not finish within 10 s when unet_model called it" in " ".join(
        failed[0].message.split())
