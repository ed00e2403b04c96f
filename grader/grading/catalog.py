"""The exercises, the function each one grades, and the checks with their points."""
from grader.grading.configs import configurations
from grader.python_source import GRADED_FUNCTIONS

EXERCISES = list(GRADED_FUNCTIONS)  # ["exercise1", "exercise2", "exercise3"]

STRUCTURE_POINTS = 2
BEHAVIOUR_POINTS = 1
OWN_BLOCKS_POINTS = 2

OWN_BLOCKS_CHECK = "dependencies: unet_model with your own conv_block and upsampling_block"


def function_of(exercise):
    """The name of the function `exercise` grades ('conv_block' for 'exercise1')."""
    return GRADED_FUNCTIONS[exercise]


def exercise_of(function):
    """The exercise that grades `function` ('exercise1' for 'conv_block'), or None."""
    return {name: exercise for exercise, name in GRADED_FUNCTIONS.items()}.get(function)


def plan(exercise, seed):
    """The checks of `exercise` as plain data, each with its configuration and points.

    Returns a list of {"name", "kind": "structure"|"behaviour"|"own_blocks", "config", "max_score"}.
    """
    checks = []
    configs = configurations(exercise, seed)
    for config in configs:
        checks.append({"name": f"structure: {config['name']}", "kind": "structure",
                       "config": config, "max_score": STRUCTURE_POINTS})
    for config in configs:
        if config["behaviour"]:
            checks.append({"name": f"behaviour: {config['name']}", "kind": "behaviour",
                           "config": config, "max_score": BEHAVIOUR_POINTS})
    if exercise == "exercise3":
        checks.append({"name": OWN_BLOCKS_CHECK, "kind": "own_blocks", "config": None,
                       "max_score": OWN_BLOCKS_POINTS})
    return checks
