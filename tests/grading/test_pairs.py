"""The model pair a picture draws (grading/pairs.py): which configuration, the words, the marked layers."""
from grader.exercises import COURSE
from grader.grading.configs import configurations
from grader.grading.messages import Context
from grader.grading.pairs import model_pair
from grader.grading.records import Observation, Outcome
from picture_fixtures import PAIRS

SAVED = PAIRS["wrong_unet_hard_coded_filters.py"]
EXERCISE = COURSE.get("exercise3")


def _pair(outcome, differing=1):
    configs = configurations(EXERCISE, 7)
    expectations = [Observation("ok", description=SAVED["reference"]) for _ in configs]
    if outcome.own is not None and len(outcome.own) == 1:
        right = Observation("ok", description=SAVED["reference"])
        outcome.own = [right] * differing + outcome.own + [right] * (len(configs) - differing - 1)
    return model_pair(configs, expectations, outcome, Context(EXERCISE, COURSE, display="unet.py", seed=7))


def test_the_first_configuration_that_differs_is_drawn_with_the_report_words():
    pair = _pair(Outcome(own=[Observation("ok", description=SAVED["student"])]), differing=1)
    assert pair.config == "course configuration 2"
    assert pair.difference.startswith("Conv2D #1 (layer 2, in block 1: conv_block): filters 32, expected 64")
    assert (pair.expected_at, pair.found_at) == (1, 1)
    assert pair.stopped is None


def test_a_model_that_matches_is_drawn_without_a_difference():
    configs = configurations(EXERCISE, 7)
    right = Observation("ok", description=SAVED["reference"])
    pair = _pair(Outcome(own=[right] * len(configs)))
    assert pair.config == "course configuration 1" and pair.difference is None and pair.stopped is None
    assert pair.student == pair.reference


def test_code_that_stopped_is_drawn_as_far_as_it_was_built_with_where_it_stopped():
    stopped = PAIRS["wrong_unet_wrong_skip.py"]
    error = {"kind": "exception", "type": "ValueError", "text": "shapes differ", "function": "unet_model",
             "where": "unet.py, line 40", "code": "ublock7 = upsampling_block(ublock6, cblock2[1], n_filters * 4)",
             "in_function": "unet_model"}
    pair = _pair(Outcome(own=[Observation("error", error=error, built=stopped["student"])]), differing=0)
    assert pair.student == stopped["student"]
    assert pair.stopped.startswith("unet_model raised ValueError: shapes differ")


def test_a_source_that_did_not_load_has_only_the_reference_and_why():
    error = {"kind": "syntax", "where": "unet.py, line 3", "text": "invalid syntax", "code": "def conv_block(:"}
    pair = _pair(Outcome(error=error, phase="load"))
    assert pair.student is None and pair.config == "course configuration 1"
    assert pair.stopped.startswith("Syntax error in unet.py, line 3")
