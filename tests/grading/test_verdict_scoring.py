"""Scoring in the parent, on plain data (no TensorFlow): equivalent settings noted once, never costing points."""
from grader.exercises import COURSE
from grader.grading import checks
from grader.grading.configs import configurations
from grader.grading.messages import Context
from grader.grading.records import Observation, Outcome

SEED = 5


def _model(pool_padding="valid"):
    layers = [{"kind": "Input", "shape": [96, 128, 3], "params": 0, "weights": [], "settings": {}, "inputs": [],
               "origin": None},
              {"kind": "MaxPooling2D", "shape": [48, 64, 3], "params": 0, "weights": [], "inputs": [0],
               "settings": {"pool_size": [2, 2], "strides": [2, 2], "padding": pool_padding},
               "origin": {"block": 1, "function": "conv_block"}}]
    return {"layers": layers, "outputs": [1]}


def _observations(configs, description):
    return [Observation("ok", description=description, outputs=[] if config.behaviour else None) for config in configs]


def _graded(outcome, exercise="exercise3"):
    exercise = COURSE.get(exercise)
    configs = configurations(exercise, SEED)
    expectations = _observations(configs, _model())
    context = Context(exercise, COURSE, display="work.ipynb", seed=SEED)
    return checks.score_exercise(checks.plan(exercise, configs, COURSE), expectations, outcome(configs), context)


def test_an_equivalent_setting_passes_with_one_note_for_every_configuration():
    result = _graded(lambda configs: Outcome(own=_observations(configs, _model("same"))), exercise="exercise1")
    assert result.score == result.max_score
    assert len(result.notes) == 1 and result.notes[0].startswith("MaxPooling2D #1: padding 'same', the reference's 'valid'")
