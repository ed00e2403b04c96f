"""Reference expectations stored as data: how a student bundle grades without `solutions/`.

`python -m grader release` runs the reference solutions once, on the instructor's
machine, and stores in `grader/expectations.json` what the grader compares against
(see grader/instructor/expectations.py, which writes it):

- for every course configuration and for the random configurations drawn from each
  seed of a pool (20 by default), the reference's description (layers, settings,
  wiring, parameter counts: plain data, see grading/model/describe.py);
- for every configuration with a behaviour check, the reference network's Keras
  architecture (`Model.get_config()`, layer settings and wiring as JSON, no code).
  The behaviour check's weights and input are generated from the run's seed (see
  grading/model/behaviour.py), so the expected outputs are computed in the grading
  process from that stored architecture (grading/reference.py);
- for every reference block (a function another exercise is built from), its recipe:
  its signature and layer graph as data (Keras layer configurations and their wiring,
  see grading/model/rebuilt.py), from which the grading job rebuilds the reference
  block, so that an exercise built from blocks is graded with the reference blocks
  as in the full package (format 2).

This module only reads the file. In a bundle, seeds are drawn from the pool, so the
printed seed replays a run exactly.
"""
import json
import os
import random
from pathlib import Path

# In a sandbox (sandbox.py) the file is bound elsewhere, where only the grader's own code can read it.
FILE = Path(os.environ.get("UNET_GRADER_EXPECTATIONS") or Path(__file__).resolve().parent.parent / "expectations.json")
FORMAT = 2

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


def find_record(entry, config, seed):
    """The stored record of `config` (drawn with `seed`) in one exercise's `entry`, or None."""
    records = entry["course"] if config.origin == "course" else entry["random"].get(str(seed), [])
    for record in records:
        if record["name"] == config.name and record["args"] == config.args:
            return record
    return None


def block_recipe(function):
    """The stored recipe of the reference block `function` (see grading/model/rebuilt.py).

    Raises:
        ExpectationsError: the file has no recipe for it.
    """
    recipe = _data().get("blocks", {}).get(function)
    if recipe is None:
        raise ExpectationsError(f"{FILE} stores no recipe of the reference {function}. "
                                f"Release the bundle again with this grader.")
    return recipe


def records(exercise, configs, seed):
    """The stored record ({"name", "args", "description", "model"}) of each of `configs`.

    Raises:
        ExpectationsError: the file has no record for one of the configurations.
    """
    entry = _data()["exercises"][exercise.name]
    found = []
    for config in configs:
        record = find_record(entry, config, seed)
        if record is None:
            raise ExpectationsError(f"no stored reference for {exercise.name}, {config.name} "
                                    f"{config.args} with seed {seed}")
        found.append(record)
    return found
