"""Configurations and check plans: valid, replayable, different per seed (pure: no TensorFlow)."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.exercises import COURSE
from grader.grading import checks, configs


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
            assert all(size % 2 == 0 for args in randoms if args["max_pooling"] for size in args["input_shape"][:2])
            assert all(COURSE.get(exercise).admits(args) is None for args in randoms)
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
