"""The grading pipeline's parts, in this process: configurations, descriptions, comparison,
wording, integrity watch and the report renderers (no child process, fast)."""
import json
import sys
import types
import xml.etree.ElementTree as ET

import keras
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import solutions
from grader.exercises import COURSE
from grader.grading import checks, compare, configs, integrity, messages
from grader.grading.model.describe import describe
from grader.grading.records import CheckResult, ExerciseResult, Report
from grader.reports import gradescope, json_report, junit, text


# ---------------------------------------------------------------- configurations

@settings(max_examples=40, deadline=None)
@given(seed=st.integers(1, 10**9))
def test_random_configurations_are_valid_and_replayable(seed):
    for exercise in ("exercise1", "exercise2", "exercise3"):
        drawn = configs.configurations(COURSE.get(exercise), seed)
        assert drawn == configs.configurations(COURSE.get(exercise), seed)
        course = [config for config in drawn if config.origin == "course"]
        assert [config.args for config in course] == list(COURSE.get(exercise).course)
        randoms = [config.args for config in drawn if config.origin == "random"]
        assert len(randoms) >= 3
        assert all(args["n_filters"] != 32 for args in randoms)
        if exercise == "exercise1":
            assert any(not args["max_pooling"] and args["dropout_prob"] > 0 for args in randoms)
            assert all(size % 2 == 0 for args in randoms for size in args["input_shape"][:2])
        if exercise == "exercise2":
            assert all(args["contractive_shape"][:2] == [2 * n for n in args["expansive_shape"][:2]]
                       for args in randoms)
        if exercise == "exercise3":
            assert all(size % 16 == 0 for args in randoms for size in args["input_size"][:2])
            assert all(args["n_classes"] != 23 for args in randoms)


def test_different_seeds_draw_different_configurations():
    draws = {json.dumps([config.wire() for config in configs.configurations(COURSE.get("exercise3"), seed)])
             for seed in range(1, 11)}
    assert len(draws) == 10


def test_plan_gives_points_per_check():
    exercise = COURSE.get("exercise3")
    planned = checks.plan(exercise, configs.configurations(exercise, 1), COURSE)
    assert sum(check.max_score for check in planned) == 14
    assert [check.kind for check in planned].count("structure") == 5
    assert planned[-1].kind == "own_blocks"


# ---------------------------------------------------------------- descriptions

def _conv_block_model(block, shape=(16, 24, 3), **kwargs):
    inputs = keras.Input(shape)
    return keras.Model(inputs, list(block(inputs, **kwargs)))


def _variant_conv_block(inputs, n_filters=32, dropout_prob=0, max_pooling=True):
    """Written differently: layer objects made first (in reverse), tuples, HeNormal(), names, tf.nn.relu."""
    pool = tf.keras.layers.MaxPool2D(pool_size=(2, 2), name="my_pool")
    second = tf.keras.layers.Conv2D(n_filters, (3, 3), activation=tf.nn.relu, padding="same",
                                    kernel_initializer=tf.keras.initializers.HeNormal(seed=3), name="b")
    first = tf.keras.layers.Conv2D(filters=n_filters, kernel_size=3, strides=(1, 1), activation="relu",
                                   padding="same", kernel_initializer="he_normal", name="a")
    x = second(first(inputs))
    if dropout_prob:
        x = tf.keras.layers.Dropout(rate=dropout_prob)(x)
    return (pool(x) if max_pooling else x), x


@pytest.mark.parametrize("kwargs", [{"n_filters": 5}, {"n_filters": 4, "dropout_prob": 0.2, "max_pooling": False}])
def test_harmless_differences_give_the_same_description(kwargs):
    expected = describe(_conv_block_model(solutions.conv_block, **kwargs))
    found = describe(_conv_block_model(_variant_conv_block, **kwargs))
    assert found == expected
    assert compare.first_difference(expected, found) is None


def test_concatenate_axis_minus_one_equals_axis_three():
    def build(concat):
        a, b = keras.Input((4, 4, 2)), keras.Input((4, 4, 3))
        return describe(keras.Model([a, b], concat([a, b])))

    assert build(lambda t: keras.layers.concatenate(t, axis=3)) == \
        build(lambda t: keras.layers.Concatenate(axis=-1)(t))


def test_description_lists_kinds_shapes_params_settings_and_wiring():
    found = describe(_conv_block_model(solutions.conv_block, n_filters=4, dropout_prob=0.5))
    kinds = [layer["kind"] for layer in found["layers"]]
    assert kinds == ["Input", "Conv2D", "Conv2D", "Dropout", "MaxPooling2D"]
    assert [layer["inputs"] for layer in found["layers"]] == [[], [0], [1], [2], [3]]
    assert found["outputs"] == [4, 3]
    conv = found["layers"][1]
    assert conv["params"] == 3 * 3 * 3 * 4 + 4 and conv["shape"] == [16, 24, 4]
    assert conv["settings"]["kernel_initializer"] == "HeNormal" and conv["settings"]["kernel_size"] == [3, 3]
    assert found["layers"][3]["settings"] == {"rate": 0.5}


def test_transposed_convolution_is_its_own_kind():
    expansive, contractive = keras.Input((3, 4, 6)), keras.Input((6, 8, 5))
    found = describe(keras.Model([expansive, contractive], solutions.upsampling_block(expansive, contractive, 7)))
    assert [layer["kind"] for layer in found["layers"]][:4] == ["Input", "Input", "Conv2DTranspose", "Concatenate"]


def test_skip_taken_before_dropout_is_a_different_graph():
    def skip_before_dropout(inputs, n_filters, dropout_prob, max_pooling):
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(inputs)
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(conv)
        dropped = keras.layers.Dropout(dropout_prob)(conv)
        return keras.layers.MaxPooling2D(2)(dropped), conv

    args = {"n_filters": 3, "dropout_prob": 0.3, "max_pooling": True}
    expected = describe(_conv_block_model(solutions.conv_block, **args))
    found = describe(_conv_block_model(skip_before_dropout, **args))
    finding = compare.first_difference(expected, found)
    assert finding["what"] == "outputs" and not finding["swapped"]


# ---------------------------------------------------------------- comparison and wording

def _padding_finding():
    expected = describe(_conv_block_model(solutions.conv_block, shape=(96, 128, 3), n_filters=32))

    def valid(inputs, n_filters=32, dropout_prob=0, max_pooling=True):
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                   kernel_initializer="he_normal")(inputs)
        conv = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="valid",
                                   kernel_initializer="he_normal")(conv)
        return keras.layers.MaxPooling2D(2)(conv), conv

    found = describe(_conv_block_model(valid, shape=(96, 128, 3), n_filters=32))
    return compare.first_difference(expected, found)


def test_first_difference_is_worded_with_layer_setting_and_consequence():
    context = messages.Context(COURSE.get("exercise1"), COURSE, args=COURSE.get("exercise1").course[0])
    message, hint = messages.finding_message(_padding_finding(), context)
    assert message == ("Conv2D #2 (layer 3): padding 'valid', expected 'same', so the output is "
                       "94x126 instead of 96x128.")
    assert "padding='same'" in hint


def _encoded(values):
    import numpy as np

    from grader.grading.model.behaviour import encode

    return encode(np.asarray(values, dtype=np.float32))


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=50),
       noise=st.floats(-1e-6, 1e-6))
def test_outputs_within_tolerance_match_and_beyond_it_do_not(values, noise):
    expected = [_encoded(values)]
    assert compare.outputs_difference(expected, [_encoded([v + noise for v in values])]) is None
    changed = list(values)
    changed[-1] += 1.0 + abs(changed[-1])
    finding = compare.outputs_difference(expected, [_encoded(changed)])
    assert finding["what"] == "values" and finding["position"] == [len(values) - 1]


def test_not_a_number_never_matches():
    finding = compare.outputs_difference([_encoded([1.0, 2.0])], [_encoded([1.0, float("nan")])])
    assert finding is not None and finding["position"] == [1]


# ---------------------------------------------------------------- integrity watch

def test_integrity_watch_names_replaced_functions_and_swapped_code():
    module = types.ModuleType("grader._integrity_probe")
    exec("def f():\n    return 1\n\nclass C:\n    def m(self):\n        return 1\n", module.__dict__)
    sys.modules[module.__name__] = module
    try:
        before = integrity.snapshot()
        assert integrity.changes(before) == []
        module.f.__code__ = (lambda: 2).__code__
        module.C.m = lambda self: 2
        module.new_submodule = types.ModuleType("x")  # importing a submodule is not tampering
        assert integrity.changes(before) == ["grader._integrity_probe.C", "grader._integrity_probe.f"]
    finally:
        del sys.modules[module.__name__]


# ---------------------------------------------------------------- renderers

REPORT = Report(
    seed=42, source="work.py", output="hello\n", output_dropped=0,
    versions={"grader": "0.1.0", "tensorflow": "2.x"},
    exercises=(ExerciseResult("exercise1", "conv_block", (
        CheckResult("structure: course configuration 1", "passed", 2, 2, "Matches the reference."),
        CheckResult("behaviour: <odd> & \"chars\"", "failed", 0, 1, "Differs at \x01 position (1, 2).\nHint: look."),
        CheckResult("structure: random configuration 1", "error", 0, 1, "conv_block raised ValueError: boom"),
    )),),
)


def test_text_report_ends_with_the_score_and_shows_prints_apart():
    shown = text.render(REPORT)
    assert shown.splitlines()[-1].startswith("Score: 2/4 (50%)")
    assert "seed 42" in shown.splitlines()[0]
    assert "  | hello" in shown
    assert "FAIL   0/1  behaviour" in shown and "Hint: look." in shown and "ERROR  0/1" in shown


def test_json_report_keeps_only_the_documented_keys():
    data = json.loads(json_report.render(REPORT))
    assert set(data) == {"score", "max_score", "exercises", "versions"}
    assert set(data["exercises"][0]) == {"name", "function", "score", "max_score", "checks"}
    assert set(data["exercises"][0]["checks"][0]) == {"name", "status", "score", "max_score", "message"}


def test_junit_is_well_formed_even_with_control_characters():
    root = ET.fromstring(junit.render(REPORT).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    failure = suite.findall("testcase")[1].find("failure")
    assert failure.get("message") == "Differs at ? position (1, 2)."


def test_gradescope_marks_errors_as_failed_tests():
    data = gradescope.data(REPORT)
    assert data["score"] == 2
    assert [test["status"] for test in data["tests"]] == ["passed", "failed", "failed"]
    assert data["tests"][0]["name"] == "exercise1 (conv_block): structure: course configuration 1"
