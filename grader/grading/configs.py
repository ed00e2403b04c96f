"""The configurations each exercise is built with: the course's own and some drawn from a seed.

A configuration (records.Config) is plain data:

    Config(name="random configuration 2", origin="random",
           args={"input_shape": [40, 24, 5], "n_filters": 13, "dropout_prob": 0.25, "max_pooling": False},
           behaviour=False)

`args` are the arguments the grader passes to the student's function (shapes without
the batch dimension); `behaviour` says whether the outputs are also compared on a fixed
input. The exercise table says what the course's configurations are and how random
ones are drawn. The random draws change at every run, so that numbers hard-coded from
the course's own tests cannot pass; the seed is printed so a failure can be replayed.
"""
import random

from grader.grading import stored
from grader.grading.records import Config
from segmentation.errors import UsageError


def chosen_seed(seed):
    """`seed` (given with --seed) checked against a bundle's stored pool, or a new one when None.

    Raises:
        UsageError: a bundle holds no expectations for `seed`; the message lists what to do.
    """
    if seed is not None and stored.available():
        try:
            stored.check_seed(seed)
        except stored.ExpectationsError as error:
            raise UsageError(str(error)) from None
    return seed if seed is not None else new_seed()


def new_seed():
    """A fresh seed for the random configurations (printed in every report).

    A student bundle draws it from the seeds whose expectations it stores.
    """
    if stored.available():
        return stored.draw_seed()
    return random.SystemRandom().randrange(1, 1_000_000)


def configurations(exercise, seed):
    """The course's configurations of `exercise` (an Exercise), then the ones drawn from `seed`.

    The first course configuration and the first random one also get a behaviour check.
    """
    rng = random.Random(f"{exercise.name}-{seed}")
    drawn = exercise.draw(rng)
    configs = [Config(f"course configuration {number}", "course", dict(args), behaviour=number == 1)
               for number, args in enumerate(exercise.course, start=1)]
    configs += [Config(f"random configuration {number}", "random", args, behaviour=number == 1)
                for number, args in enumerate(drawn, start=1)]
    return configs
