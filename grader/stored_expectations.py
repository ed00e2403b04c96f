"""Reference expectations stored as data: how a student bundle grades without `solutions/`.

`python -m grader release` runs the reference solutions once, on the instructor's
machine, and stores in `grader/expectations.json` what the grader compares against:

- for every course configuration and for the random configurations drawn from each
  seed of a pool (20 by default), the reference's description (layers, settings,
  wiring, parameter counts: plain data, see grading/describe.py);
- for every configuration with a behaviour check, the reference network's Keras
  architecture (`Model.get_config()`, layer settings and wiring as JSON, no code).
  The behaviour check's weights and input are generated from the run's seed (see
  grading/behaviour.py), so the expected outputs are computed in the grading process
  from that stored architecture: the same numbers the solutions give, for a few KB
  instead of megabytes of stored outputs per seed.

In a bundle, seeds are drawn from the pool, so the printed seed replays a run exactly.
"""
import json
import random
from pathlib import Path

FILE = Path(__file__).resolve().parent / "expectations.json"
FORMAT = 1
DEFAULT_POOL_SIZE = 20

_loaded = {}


class ExpectationsError(Exception):
    """The stored expectations cannot serve a request; the message says why and what to do."""


def available():
    """Whether this installation grades against stored expectations (a student bundle)."""
    return FILE.is_file()


def _data():
    if "data" not in _loaded:
        with open(FILE, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") != FORMAT:
            raise ExpectationsError(f"{FILE} has format {data.get('format')!r}; this grader reads "
                                    f"format {FORMAT}. Release the bundle again with this grader.")
        _loaded["data"] = data
    return _loaded["data"]


def pool():
    """The seeds whose random configurations the bundle has expectations for."""
    return list(_data()["seeds"])


def draw_seed():
    """A seed drawn at random from the pool."""
    return random.SystemRandom().choice(pool())


def check_seed(seed):
    """Raise ExpectationsError unless `seed` is one of the pool's."""
    seeds = pool()
    if seed not in seeds:
        raise ExpectationsError(
            f"This bundle stores the reference for {len(seeds)} seeds only ({', '.join(map(str, seeds))}); "
            f"--seed {seed} is not one of them. Leave out --seed to draw one, or give one of those.")


def _record(config, description, model_config):
    return {"name": config["name"], "args": config["args"], "description": description,
            "model": model_config}


def make(seeds, log=lambda line: None):
    """The stored expectations for `seeds`, computed from the solutions (instructor side only).

    Runs the reference in this process (TensorFlow and `solutions/` needed), then checks
    that the outputs computed from the stored architectures equal the reference's own
    outputs for the first seed, so a bundle can never grade against wrong numbers.

    Raises:
        ExpectationsError: the stored architecture does not reproduce the reference.
    """
    from grader.grading import reference
    from grader.grading.build import build
    from grader.grading.catalog import EXERCISES, function_of
    from grader.grading.configs import configurations
    from grader.grading.sources import load

    solutions = load({"kind": "package", "name": "solutions"})
    exercises = {}
    for exercise in EXERCISES:
        function = solutions.function(function_of(exercise))
        blocks = reference.reference_blocks() if exercise == "exercise3" else None

        def architecture(config):
            if not config["behaviour"]:
                return None
            model, _ = build(exercise, function, config["args"], solutions, blocks)
            return json.loads(json.dumps(model.get_config()))

        entry = {"course": [], "random": {}}
        for seed in seeds:
            configs = configurations(exercise, seed)
            observed = reference.expectations(exercise, configs, seed)
            records = [_record(config, result["description"], architecture(config))
                       for config, result in zip(configs, observed)]
            course = [record for config, record in zip(configs, records) if config["origin"] == "course"]
            if not entry["course"]:
                entry["course"] = course
            elif [record["description"] for record in course] != [r["description"] for r in entry["course"]]:
                raise ExpectationsError(f"the reference description of {exercise}'s course configurations "
                                        f"changes with the seed, so it cannot be stored once")
            entry["random"][str(seed)] = [record for config, record in zip(configs, records)
                                          if config["origin"] == "random"]
        _verify_outputs(exercise, seeds[0], configurations(exercise, seeds[0]), entry)
        exercises[exercise] = entry
        log(f"{exercise}: {len(entry['course'])} course and {len(seeds)} x "
            f"{len(next(iter(entry['random'].values())))} random configurations")
    return {"format": FORMAT, "seeds": list(seeds), "exercises": exercises}


def _verify_outputs(exercise, seed, configs, entry):
    """Raise ExpectationsError unless the stored architectures give the reference's outputs."""
    from grader.grading import reference
    from grader.grading.compare import outputs_difference

    observed = reference.expectations(exercise, configs, seed)
    computed = _observations(exercise, configs, seed, entry)
    for config, wanted, got in zip(configs, observed, computed):
        if config["behaviour"] and outputs_difference(wanted["outputs"], got["outputs"]) is not None:
            raise ExpectationsError(f"the stored architecture of {exercise}, {config['name']} does not "
                                    f"reproduce the reference's outputs")


def new_pool(size=DEFAULT_POOL_SIZE):
    """`size` distinct seeds, drawn afresh."""
    generator = random.SystemRandom()
    seeds = set()
    while len(seeds) < size:
        seeds.add(generator.randrange(1, 1_000_000))
    return sorted(seeds)


def _find(entry, config, seed):
    records = entry["course"] if config["origin"] == "course" else entry["random"].get(str(seed), [])
    for record in records:
        if record["name"] == config["name"] and record["args"] == config["args"]:
            return record
    return None


def _observations(exercise, configs, seed, entry):
    import keras

    from grader.grading.behaviour import outputs_on_fixed_input

    results = []
    for index, config in enumerate(configs):
        record = _find(entry, config, seed)
        if record is None:
            raise ExpectationsError(f"no stored reference for {exercise}, {config['name']} "
                                    f"{config['args']} with seed {seed}")
        outputs = None
        if config["behaviour"]:
            with keras.StatelessScope(initialize_variables=False):
                model = keras.Model.from_config(json.loads(json.dumps(record["model"])))
            outputs = outputs_on_fixed_input(model, seed, index, None, exercise)
        results.append({"status": "ok", "description": record["description"], "outputs": outputs})
    return results


def expectations(exercise, configs, seed):
    """The reference's observations of `configs` (as grading/reference.py gives them), from the file.

    Raises:
        ExpectationsError: the file has no record for one of the configurations.
    """
    return _observations(exercise, configs, seed, _data()["exercises"][exercise])
