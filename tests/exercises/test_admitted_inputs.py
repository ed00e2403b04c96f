"""The exercise table's verdict rules: each exercise admits a set of inputs, its random configurations are
drawn across exactly that set, and its parameters, defaults and always-passed arguments agree with the
reference's `def` lines (pure: no TensorFlow)."""
import inspect
import random

import pytest

import solutions
from grader.exercises import COURSE, LEFT_AT_DEFAULTS


@pytest.mark.parametrize("exercise", COURSE.exercises, ids=lambda exercise: exercise.name)
def test_every_configuration_is_one_the_exercise_admits(exercise):
    for args in exercise.course:
        assert exercise.admits(args) is None, args
    for seed in range(300):
        for args in exercise.draw(random.Random(f"{exercise.name}-{seed}")):
            assert exercise.admits(args) is None, args


def test_conv_block_draws_odd_sizes_where_it_admits_them_and_even_ones_with_pooling():
    exercise = COURSE.get("exercise1")
    drawn = [args for seed in range(200) for args in exercise.draw(random.Random(seed))]
    unpooled = [size for args in drawn if not args["max_pooling"] for size in args["input_shape"][:2]]
    pooled = [size for args in drawn if args["max_pooling"] for size in args["input_shape"][:2]]
    assert any(size % 2 for size in unpooled) and any(size % 2 == 0 for size in unpooled)
    assert pooled and all(size % 2 == 0 for size in pooled)
    assert exercise.admits({"input_shape": [7, 8, 3], "max_pooling": True}) is not None
    assert COURSE.get("exercise3").admits({"input_size": [40, 64, 3]}) is not None


@pytest.mark.parametrize("exercise", COURSE.exercises, ids=lambda exercise: exercise.name)
def test_parameters_and_defaults_are_the_reference_def_lines(exercise):
    signature = inspect.signature(getattr(solutions, exercise.function))
    assert tuple(signature.parameters) == exercise.parameters
    for name, value in exercise.defaults.items():
        default = signature.parameters[name].default
        assert (list(default) if isinstance(default, tuple) else default) == value
    assert set(exercise.always_passed) <= set(exercise.parameters)


@pytest.mark.parametrize("exercise", COURSE.exercises, ids=lambda exercise: exercise.name)
def test_always_passed_arguments_are_passed_by_every_configuration_and_free_defaults_by_all(exercise):
    left = {name for args in exercise.course for name in args.get(LEFT_AT_DEFAULTS, ())}
    assert not left & set(exercise.always_passed)
    assert set(exercise.free_defaults) == set(exercise.defaults) - left


def test_the_course_configurations_are_called_as_the_course_notebook_calls_them():
    """conv_block(inputs, 32), upsampling_block(e, c, 32), unet_model((96, 128, 3)): positional, no keywords."""
    calls = {}

    def recorder(name):
        def record(*args, **kwargs):
            calls[name] = (len(args), sorted(kwargs), args[-1])
            return None
        return record

    for exercise in COURSE.exercises:
        exercise.call(recorder(exercise.function), exercise.course[0])
    assert calls == {"conv_block": (2, [], 32), "upsampling_block": (3, [], 32),
                     "unet_model": (1, [], (96, 128, 3))}
