"""The configurations each exercise is built with: the course's own and some drawn from a seed.

A configuration is plain data:

    {"name": "random configuration 2", "origin": "random",
     "args": {"input_shape": [40, 24, 5], "n_filters": 13, "dropout_prob": 0.25, "max_pooling": False},
     "behaviour": False}

`args` are the arguments the grader passes to the student's function (shapes without
the batch dimension); `behaviour` says whether the outputs are also compared on a fixed
input. The random draws change at every run, so that numbers hard-coded from the
course's own tests cannot pass; the seed is printed so a failure can be replayed.
"""
import random

RANDOM_PER_EXERCISE = 3

COURSE = {
    "exercise1": [
        {"input_shape": [96, 128, 3], "n_filters": 32, "dropout_prob": 0, "max_pooling": True},
        {"input_shape": [96, 128, 3], "n_filters": 1024, "dropout_prob": 0.1, "max_pooling": True},
    ],
    "exercise2": [
        {"expansive_shape": [12, 16, 256], "contractive_shape": [24, 32, 128], "n_filters": 32},
    ],
    "exercise3": [
        {"input_size": [96, 128, 3], "n_filters": 32, "n_classes": 23},
        {"input_size": [192, 64, 4], "n_filters": 64, "n_classes": 16},
    ],
}

# The functions' own defaults: a value found equal to one of these where the
# configuration asked for another is the sign of a hard-coded number.
DEFAULTS = {
    "exercise1": {"n_filters": 32},
    "exercise2": {"n_filters": 32},
    "exercise3": {"input_size": [96, 128, 3], "n_filters": 32, "n_classes": 23},
}


def new_seed():
    """A fresh seed for the random configurations (printed in every report).

    A student bundle draws it from the seeds whose expectations it stores.
    """
    from grader import stored_expectations

    if stored_expectations.available():
        return stored_expectations.draw_seed()
    return random.SystemRandom().randrange(1, 1_000_000)


def configurations(exercise, seed):
    """The course's configurations of `exercise`, then RANDOM_PER_EXERCISE drawn from `seed`.

    The first course configuration and the first random one also get a behaviour check.
    """
    rng = random.Random(f"{exercise}-{seed}")
    drawn = DRAWS[exercise](rng)
    configs = [_config(f"course configuration {number}", "course", args, behaviour=number == 1)
               for number, args in enumerate(COURSE[exercise], start=1)]
    configs += [_config(f"random configuration {number}", "random", args, behaviour=number == 1)
                for number, args in enumerate(drawn, start=1)]
    return configs


def _config(name, origin, args, behaviour):
    return {"name": name, "origin": origin, "args": args, "behaviour": behaviour}


def _filters(rng, low, high, avoid=32):
    """A filter count in [low, high] that differs from the functions' default of 32."""
    return rng.choice([n for n in range(low, high + 1) if n != avoid])


def _draw_conv_block(rng):
    """Three encoder blocks: no pooling, dropout without pooling, dropout with pooling."""
    plans = [(0, False), (round(rng.uniform(0.05, 0.5), 2), False), (round(rng.uniform(0.05, 0.5), 2), True)]
    return [{
        "input_shape": [2 * rng.randint(3, 24), 2 * rng.randint(3, 24), rng.randint(1, 8)],
        "n_filters": _filters(rng, 3, 48),
        "dropout_prob": dropout,
        "max_pooling": pooling,
    } for dropout, pooling in plans]


def _draw_upsampling_block(rng):
    """Three decoder blocks with their own sizes, channel counts and filter counts."""
    draws = []
    for _ in range(RANDOM_PER_EXERCISE):
        height, width = rng.randint(2, 12), rng.randint(2, 12)
        draws.append({
            "expansive_shape": [height, width, rng.randint(2, 64)],
            "contractive_shape": [2 * height, 2 * width, rng.randint(2, 64)],
            "n_filters": _filters(rng, 3, 48),
        })
    return draws


def _draw_unet_model(rng):
    """Three small U-Nets (sizes multiples of 16, few filters, other class counts)."""
    return [{
        "input_size": [16 * rng.randint(1, 4), 16 * rng.randint(1, 4), rng.randint(1, 5)],
        "n_filters": _filters(rng, 2, 12),
        "n_classes": rng.choice([n for n in range(2, 31) if n != 23]),
    } for _ in range(RANDOM_PER_EXERCISE)]


DRAWS = {
    "exercise1": _draw_conv_block,
    "exercise2": _draw_upsampling_block,
    "exercise3": _draw_unet_model,
}


def shape_text(shape):
    """[96, 128, 3] -> '96x128x3'."""
    return "x".join("?" if size is None else str(size) for size in shape)


def describe_args(exercise, args):
    """A configuration in words: '96x128x3 input, 32 filters, dropout 0.1, no pooling'."""
    if exercise == "exercise1":
        text = f"{shape_text(args['input_shape'])} input, {args['n_filters']} filters"
        if args["dropout_prob"]:
            text += f", dropout {args['dropout_prob']}"
        return text + ("" if args["max_pooling"] else ", max_pooling=False")
    if exercise == "exercise2":
        return (f"{shape_text(args['expansive_shape'])} expansive and "
                f"{shape_text(args['contractive_shape'])} contractive input, {args['n_filters']} filters")
    return (f"{shape_text(args['input_size'])} input, {args['n_filters']} filters, "
            f"{args['n_classes']} classes")
