"""The reference expectations: what the reference gives for each configuration (runs in the child).

`expectations(exercise, configs, seed, table)` returns one Observation per configuration,
computed before any student code is imported, so student code cannot change it. A
student bundle has no reference solutions: it computes them from the expectations
stored at release time (stored.py) instead, and rebuilds the reference blocks from their
stored recipes (model/rebuilt.py).
"""
import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path

from grader.grading import stored
from grader.grading.model.behaviour import outputs_on_fixed_input
from grader.grading.model.observe import observe_all
from grader.grading.model.rebuilt import rebuilt_block
from grader.grading.records import Observation
from grader.grading.sources.loaded import LoadedSource

REFERENCE_MODULE = "_reference_solutions"  # the name a reference given as a .py file is loaded under
_preloaded = {}  # exercise name -> its reference blocks, loaded before any student code (see preload_blocks)


class ReferenceFailure(Exception):
    """The reference solutions could not be built: a fault of the grader, never of the student."""


def reference_file(table):
    """The reference's .py file when it is loaded from a file (a table's .py reference, or in a sandbox), else None."""
    if os.environ.get("UNET_GRADER_REFERENCE"):  # in a sandbox (sandbox.py): where only the grader can read it
        return os.environ["UNET_GRADER_REFERENCE"]
    return table.reference if table.reference.endswith(".py") else None


def load_reference(table):
    """The table's reference module (importable by name, or a .py file) as a LoadedSource."""
    path = reference_file(table)
    if path:
        spec = importlib.util.spec_from_file_location(REFERENCE_MODULE, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(table.reference)
    return LoadedSource(module, Path(module.__file__).parent)


def expectations(exercise, configs, seed, table):
    """One Observation of the reference per configuration (see model/observe.py)."""
    if stored.available():
        return from_stored(exercise, configs, seed)
    reference = load_reference(table)
    function = reference.function(exercise.function)
    blocks = reference_blocks(exercise, table) if exercise.blocks else None
    observed = observe_all(exercise, function, configs, seed, reference, blocks,
                           stop_on_not_implemented=False)
    for config, result in zip(configs, observed):
        if not result.ok:
            raise ReferenceFailure(f"the reference {exercise.function} failed on {config.name} "
                                   f"{config.args}: {result.error}")
    return observed


def reference_blocks(exercise, table):
    """{function name: the reference function} of the blocks `exercise` is built from (in a
    bundle, rebuilt from their stored recipes)."""
    if exercise.name in _preloaded:
        return _preloaded[exercise.name]
    if stored.available():
        return {block.function: rebuilt_block(stored.block_recipe(block.function))
                for block in table.blocks_of(exercise)}
    reference = load_reference(table)
    return {block.function: reference.function(block.function) for block in table.blocks_of(exercise)}


def preload_blocks(table):
    """Load the reference blocks of every exercise built from blocks now, before any student code runs
    (in a bundle, rebuild them from the stored recipes: the guard keeps the file out of reach afterwards),
    then take the reference out of sys.modules: a later `import` of it by the student is then a fresh
    import, which the guard (guard.py) stops."""
    for exercise in table.exercises:
        if exercise.blocks:
            _preloaded[exercise.name] = reference_blocks(exercise, table)
    package = table.reference_package
    for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
        del sys.modules[name]


def guarded_places(table):
    """The reference's folder and the stored expectations: what student code may not open."""
    places = [str(stored.FILE)]
    if reference_file(table):
        return places + [str(Path(reference_file(table)).resolve().parent)]
    spec = importlib.util.find_spec(table.reference_package)
    if spec is not None and spec.submodule_search_locations:
        places += [str(Path(folder).resolve()) for folder in spec.submodule_search_locations]
    return places


def from_stored(exercise, configs, seed):
    """The reference's observations of `configs`, from the bundle's stored expectations."""
    return from_records(exercise, configs, seed, stored.records(exercise, configs, seed))


def from_records(exercise, configs, seed, records):
    """The reference's observations of `configs` from their stored records (descriptions, architectures)."""
    import keras

    results = []
    for index, (config, record) in enumerate(zip(configs, records)):
        outputs = None
        if config.behaviour:
            with keras.StatelessScope(initialize_variables=False):
                model = keras.Model.from_config(json.loads(json.dumps(record["model"])))
            outputs = outputs_on_fixed_input(model, seed, index, None, exercise.function)
        results.append(Observation("ok", description=record["description"], outputs=outputs))
    return results
