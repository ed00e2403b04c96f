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


def test_a_block_that_ran_out_of_time_in_its_own_exercise_costs_exercise3_only_its_dependency_check():
    hung = {"kind": "block_timeout", "in_function": "conv_block", "limit": 30, "in_exercise": "exercise1", "text": ""}

    def outcome(configs):
        failed = [Observation("error", error=hung)] * len(configs)
        return Outcome(own=failed, reference=_observations(configs, _model()),
                       mixed={"conv_block": failed, "upsampling_block": _observations(configs, _model())})

    result = _graded(outcome)
    [failed] = [check for check in result.checks if check.status != "passed"]
    assert result.score == result.max_score - failed.max_score and failed.name.startswith("dependencies:")
    assert ("conv_block (exercise1) did not finish within 30 s when exercise1 graded it (the time limit per "
            "exercise; --timeout changes it), so the grader does not call it again; unet_model is graded with the "
            "reference blocks instead.") in " ".join(failed.message.split())
