"""Write the reference expectations a student bundle grades against (instructor side only).

`make(seeds)` runs the reference in this process (TensorFlow and `solutions/` needed)
and returns the data of `grader/expectations.json` (see grading/stored.py, which reads
it): for every exercise, the course configurations once and the random configurations
of each seed of the pool, each with the reference's description and, for behaviour
configurations, its Keras architecture; and the recipe of every reference block, from
which the bundle rebuilds it (block_recipes.py). It then checks that the outputs computed
from the stored architectures equal the reference's own, as block_recipes.py checks each
recipe, so a bundle can never grade against wrong numbers or with wrong blocks.
"""
import json
import random

from grader.exercises import COURSE
from grader.grading import reference
from grader.grading.compare import outputs_difference
from grader.grading.configs import configurations
from grader.grading.model.build import build
from grader.grading.stored import FORMAT, ExpectationsError, find_record
from grader.instructor import block_recipes

DEFAULT_POOL_SIZE = 20


def new_pool(size=DEFAULT_POOL_SIZE):
    """`size` distinct seeds, drawn afresh."""
    generator = random.SystemRandom()
    seeds = set()
    while len(seeds) < size:
        seeds.add(generator.randrange(1, 1_000_000))
    return sorted(seeds)


def _record(config, description, model_config):
    return {"name": config.name, "args": config.args, "description": description, "model": model_config}


def make(seeds, log=lambda line: None, table=COURSE):
    """The stored expectations for `seeds`, computed from the reference.

    Raises:
        ExpectationsError: the stored architecture does not reproduce the reference, or a reference
            block cannot be stored as a recipe that reproduces it (block_recipes.BlockRecipeError).
    """
    solutions = reference.load_reference(table)
    exercises = {}
    for exercise in table.exercises:
        function = solutions.function(exercise.function)
        blocks = reference.reference_blocks(exercise, table) if exercise.blocks else None

        def architecture(config):
            if not config.behaviour:
                return None
            model, _ = build(exercise, function, config.args, solutions, blocks)
            return json.loads(json.dumps(model.get_config()))

        entry = {"course": [], "random": {}}
        for seed in seeds:
            configs = configurations(exercise, seed)
            observed = reference.expectations(exercise, configs, seed, table)
            records = [_record(config, result.description, architecture(config))
                       for config, result in zip(configs, observed)]
            course = [record for config, record in zip(configs, records) if config.origin == "course"]
            if not entry["course"]:
                entry["course"] = course
            elif [record["description"] for record in course] != [r["description"] for r in entry["course"]]:
                raise ExpectationsError(f"the reference description of {exercise.name}'s course configurations "
                                        f"changes with the seed, so it cannot be stored once")
            entry["random"][str(seed)] = [record for config, record in zip(configs, records)
                                          if config.origin == "random"]
        _verify_outputs(exercise, seeds[0], entry, table)
        exercises[exercise.name] = entry
        log(f"{exercise.name}: {len(entry['course'])} course and {len(seeds)} x "
            f"{len(next(iter(entry['random'].values())))} random configurations")
    blocks = block_recipes.recipes(table, log)
    return {"format": FORMAT, "seeds": list(seeds), "exercises": exercises, "blocks": blocks}


def _verify_outputs(exercise, seed, entry, table):
    """Raise ExpectationsError unless the stored architectures give the reference's outputs."""
    configs = configurations(exercise, seed)
    observed = reference.expectations(exercise, configs, seed, table)
    computed = reference.from_records(exercise, configs, seed,
                                      [find_record(entry, config, seed) for config in configs])
    for config, wanted, got in zip(configs, observed, computed):
        if config.behaviour and outputs_difference(wanted.outputs, got.outputs) is not None:
            raise ExpectationsError(f"the stored architecture of {exercise.name}, {config.name} does not "
                                    f"reproduce the reference's outputs")
