"""Reports with real model pairs for the picture and HTML tests (descriptions saved from real gradings).

reports/data/model_pairs.json holds the ModelPairs of three corpus sources, graded with seed 7:
wrong_conv_block_valid_padding.py (exercise1), wrong_unet_hard_coded_filters.py and
wrong_unet_wrong_skip.py (exercise3: the second stops in block 7, after six blocks returned).
"""
import json
from pathlib import Path

from grader.grading.records import CheckResult, ExerciseResult, ModelPair, Report

DATA = Path(__file__).resolve().parent / "reports" / "data"
PAIRS = json.loads((DATA / "model_pairs.json").read_text(encoding="utf-8"))
EXERCISES = {"wrong_conv_block_valid_padding.py": ("exercise1", "conv_block"),
             "wrong_unet_hard_coded_filters.py": ("exercise3", "unet_model"),
             "wrong_unet_wrong_skip.py": ("exercise3", "unet_model")}


def pair(name):
    """The ModelPair saved for corpus source `name`."""
    return ModelPair(**PAIRS[name])


def exercise_result(name):
    """An ExerciseResult of corpus source `name`: one failed check worded as its pair's difference."""
    exercise, function = EXERCISES[name]
    found = pair(name)
    words = found.difference or found.stopped
    checks = (CheckResult("structure, course configuration 1", "failed", 0, 2,
                          f"{words}\n    conv = Conv2D(n_filters, 3, padding='valid')(conv)\n"
                          f"Hint: use padding='same'.", "a mistake"),
              CheckResult("behaviour, course configuration 1", "passed", 1, 1, "The outputs match."))
    return ExerciseResult(exercise, function, checks, models=found)


def report(*names):
    """A Report of the exercise results of `names`."""
    return Report(source="unet.py", seed=7, exercises=tuple(exercise_result(name) for name in names),
                  versions={"grader": "test"})
