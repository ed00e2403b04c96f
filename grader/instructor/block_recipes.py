"""The reference blocks as recipes: how a student bundle grades with them without solution code (instructor side).

`recipes(table)` traces every reference block (a function another exercise is built
from: `conv_block`, `upsampling_block`) into a recipe, plain JSON data stored in the
bundle's `grader/expectations.json` (the format is described in grading/model/rebuilt.py,
which rebuilds the block from it in the grading job):

1. the reference's signature (parameter names and defaults), and which parameters take
   the block's input tensors: seen in the calls that the exercise's own configurations make
   (the course's and those drawn from a few seeds);
2. one variant per class of the other arguments' values (zero, positive, negative; see
   rebuilt.value_class) that the reference accepts: its layer graph traced on Keras inputs
   (each layer's configuration without its name, the calls and their inputs, what it returns);
3. which layer settings take an argument's value (n_filters -> filters, dropout_prob -> rate):
   traced again with another value of the same class, a setting that changes must equal the
   argument, and nothing else may change.

Then it verifies the recipe: on many calls, the ones the configurations make and drawn
ones the course never makes (other filter counts and dropout rates, odd sizes with
pooling, positional and keyword calls), the rebuilt block must give the reference's
description (grading/model/describe.py) and, with the same weights, the same outputs,
bit for bit, and fail where the reference fails. A block that a recipe cannot store, or
a recipe that does not reproduce its block, stops the release (BlockRecipeError): a
bundle never grades with wrong blocks.
"""
import inspect
import itertools
import json
import random

from grader.exercises import COURSE
from grader.grading import reference
from grader.grading.configs import configurations
from grader.grading.model.behaviour import outputs_on_fixed_input
from grader.grading.model.describe import describe
from grader.grading.model.rebuilt import rebuilt_block, value_class
from grader.grading.stored import ExpectationsError

TRACE_SEEDS = range(6)  # the seeds whose drawn configurations give the calls a block is traced and verified on
VERIFY_DRAWS = 40  # drawn calls (beyond the configurations' own) on which each recipe must reproduce its block
MAX_RUN_ELEMENTS = 60_000  # run a drawn call on the fixed input only when its input tensors are this small
_SUPPORTED_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD,)


class BlockRecipeError(ExpectationsError):
    """A reference block cannot be stored as a recipe, or its recipe does not reproduce it."""


def _refuse(function, why):
    return BlockRecipeError(
        f"the reference {function} cannot be stored for the student bundle as a recipe: {why}. The bundle "
        f"would grade the exercises built from {function} without reference blocks, or with wrong ones, so "
        f"the release stops. Keep {function} to built-in Keras layers called on its arguments, each setting "
        f"either fixed or one argument's value, and release again.")


def recipes(table=COURSE, log=lambda line: None):
    """{block function: its verified recipe} for every function an exercise of `table` is built from.

    Raises:
        BlockRecipeError: a block cannot be stored, or its recipe does not reproduce it.
    """
    solutions = reference.load_reference(table)
    blocks = list({block.name: block for exercise in table.exercises for block in table.blocks_of(exercise)}.values())
    found = {}
    for block in blocks:
        function = solutions.function(block.function)
        recipe = make_recipe(block, function)
        checked = verify(block, function, recipe)
        found[block.function] = recipe
        log(f"{block.function}: a recipe of {len(recipe['variants'])} variant(s), reproducing the reference "
            f"on {checked} calls")
    return found


def make_recipe(exercise, function):
    """The recipe of the reference block `function`, which `exercise` grades (see the module docstring)."""
    import keras

    name = exercise.function
    signature = inspect.signature(function)
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.kind not in _SUPPORTED_KINDS:
            raise _refuse(name, f"its parameter {parameter} is not a plain one (no *args, **kwargs or keyword-only)")
        entry = {"name": parameter.name}
        if parameter.default is not inspect.Parameter.empty:
            if not _plain(parameter.default):
                raise _refuse(name, f"the default of {parameter.name} ({parameter.default!r}) is not plain data")
            entry["default"] = parameter.default
        parameters.append(entry)
    calls = _calls(exercise, signature)
    tensors = [key for key, value in calls[0].items() if isinstance(value, keras.KerasTensor)]
    pools = _pools(calls, tensors)
    shapes = _shapes(calls[0], tensors)
    variants = []
    for classes in itertools.product(*[_classes(pools[key]) for key in pools]):
        variant = _variant(name, function, tensors, shapes, pools, dict(zip(pools, classes)))
        if variant is not None:
            variants.append(variant)
    if not variants:
        raise _refuse(name, "it raised on every call it was traced with")
    return json.loads(json.dumps({"function": name, "parameters": parameters, "tensors": tensors,
                                  "variants": variants}))


def _plain(value):
    """Whether `value` is JSON data that comes back from JSON as it is (no tuples, no objects)."""
    try:
        return json.loads(json.dumps(value)) == value and type(json.loads(json.dumps(value))) is type(value)
    except (TypeError, ValueError):
        return False


def _calls(exercise, signature):
    """The arguments ({parameter: value}, defaults applied) of every call that the configurations of
    `exercise` (the course's and those drawn from TRACE_SEEDS) make of the graded function."""
    import keras

    calls = []

    def capture(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(dict(bound.arguments))

    seen = []
    for seed in TRACE_SEEDS:
        for config in configurations(exercise, seed):
            if config.args not in seen:
                seen.append(config.args)
    with keras.StatelessScope(initialize_variables=False):
        for args in seen:
            exercise.call(capture, args)
    return calls


def _shapes(call, tensors):
    """{tensor parameter: its shape without the batch} in one call."""
    return {key: [int(size) for size in call[key].shape[1:]] for key in tensors}


def _pools(calls, tensors):
    """{other parameter: the values to trace it with}: those the calls pass, with zero and the negative
    of each number, and both booleans for a boolean (so every class of value is tried)."""
    pools = {}
    for call in calls:
        for key, value in call.items():
            if key in tensors:
                continue
            pool = pools.setdefault(key, [])
            derived = [True, False] if isinstance(value, bool) else \
                [value, type(value)(0), -value] if isinstance(value, (int, float)) else [value]
            for item in [value, *derived]:
                if not any(item == known and type(item) is type(known) for known in pool):
                    pool.append(item)
    return pools


def _classes(pool):
    """The classes of the values in `pool`, in order of first appearance."""
    return list(dict.fromkeys(value_class(value) for value in pool))


def _variant(name, function, tensors, shapes, pools, classes):
    """The variant of the block for the values of `classes` ({parameter: class}), or None when the
    reference raises on them."""
    chosen = {key: [value for value in pools[key] if value_class(value) == wanted] for key, wanted in classes.items()}
    base = {key: values[0] for key, values in chosen.items()}
    graph = _try_trace(name, function, tensors, shapes, base)
    if graph is None:
        return None
    settings = []
    for key, values in chosen.items():
        for other_value in values[1:]:
            if other_value == base[key]:
                continue
            other = _try_trace(name, function, tensors, shapes, {**base, key: other_value})
            if other is not None:
                settings += _settings(name, key, base[key], other_value, graph, other)
                break
    return {"when": classes, **graph, "settings": settings}


def _try_trace(name, function, tensors, shapes, values):
    """The block's layer graph for `values`, or None when the reference raises on them."""
    import keras

    inputs = {key: keras.Input(tuple(shapes[key])) for key in tensors}
    try:
        with keras.StatelessScope(initialize_variables=False):
            result = function(**inputs, **values)
    except Exception:  # noqa: BLE001 -- the reference does not accept these values: no variant for them
        return None
    return trace(name, inputs, result)


def trace(name, inputs, result):
    """The layer graph ({"layers", "calls", "returns"}) between `inputs` ({parameter: KerasTensor}) and
    `result`, what the block returned (see grading/model/rebuilt.py for the format).

    Raises:
        BlockRecipeError: the graph holds something a recipe cannot store.
    """
    import keras

    argument_of = {id(tensor): key for key, tensor in inputs.items()}
    layers, layer_index, calls, call_index = [], {}, [], {}

    def reference_of(tensor):
        if id(tensor) in argument_of:
            return {"argument": argument_of[id(tensor)]}
        operation, node_index, _ = tensor._keras_history
        if operation is None or not operation._inbound_nodes:
            raise _refuse(name, "it uses a tensor that does not come from its arguments")
        key = (id(operation), node_index)
        if key not in call_index:
            visit(operation, operation._inbound_nodes[node_index], key)
        return {"call": call_index[key]}

    def argument(value):
        if isinstance(value, keras.KerasTensor):
            return reference_of(value)
        if isinstance(value, (list, tuple)) and value and all(isinstance(item, keras.KerasTensor) for item in value):
            return [reference_of(item) for item in value]
        raise _refuse(name, f"a layer is called with {type(value).__name__} {value!r}, not tensors")

    def visit(operation, node, key):
        if not isinstance(operation, keras.layers.Layer):
            raise _refuse(name, f"it applies {type(operation).__name__}, an operation that is not a Keras layer")
        if len(node.outputs) != 1:
            raise _refuse(name, f"its {type(operation).__name__} has {len(node.outputs)} outputs")
        arguments = [argument(value) for value in node.arguments.args]
        kwargs = dict(node.arguments.kwargs)
        if not _plain(kwargs):
            raise _refuse(name, f"its {type(operation).__name__} is called with {kwargs!r}")
        if id(operation) not in layer_index:
            layer_index[id(operation)] = len(layers)
            layers.append(_layer(name, operation))
        call_index[key] = len(calls)
        calls.append({"layer": layer_index[id(operation)], "args": arguments, "kwargs": kwargs})

    if isinstance(result, keras.KerasTensor):
        returns = {"kind": "tensor", "items": [reference_of(result)]}
    elif type(result) in (tuple, list) and all(isinstance(item, keras.KerasTensor) for item in result):
        returns = {"kind": type(result).__name__, "items": [reference_of(item) for item in result]}
    else:
        raise _refuse(name, f"it returns {type(result).__name__}, not a tensor or a tuple or list of tensors")
    return {"layers": layers, "calls": calls, "returns": returns}


def _layer(name, operation):
    """A layer's Keras serialization without its name and its built shapes (a recipe is shape-agnostic)."""
    import keras

    serialized = keras.saving.serialize_keras_object(operation)
    if not str(serialized.get("module", "")).startswith("keras") or serialized.get("registered_name"):
        raise _refuse(name, f"its layer {type(operation).__name__} is not a built-in Keras layer")
    serialized.pop("build_config", None)
    serialized["config"].pop("name", None)
    try:
        return json.loads(json.dumps(serialized))
    except (TypeError, ValueError):
        raise _refuse(name, f"the configuration of its {type(operation).__name__} is not plain data") from None


def _settings(name, key, value, other_value, graph, other):
    """[{"layer", "setting", "argument": key}] for the settings that change from `graph` (traced with
    key=value) to `other` (key=other_value): each must be the argument's value; nothing else may change."""
    if (graph["calls"], graph["returns"], len(graph["layers"])) != (other["calls"], other["returns"],
                                                                    len(other["layers"])):
        raise _refuse(name, f"its layers or their wiring change between {key}={value!r} and {key}={other_value!r}, "
                            f"two values of one class ({value_class(value)})")
    found = []
    for index, (layer, other_layer) in enumerate(zip(graph["layers"], other["layers"])):
        config, other_config = layer["config"], other_layer["config"]
        if {**layer, "config": None} != {**other_layer, "config": None} or config.keys() != other_config.keys():
            raise _refuse(name, f"its layer {index + 1} changes kind between {key}={value!r} and "
                                f"{key}={other_value!r}")
        for setting in config:
            if config[setting] == other_config[setting]:
                continue
            if config[setting] != json.loads(json.dumps(value)) or \
                    other_config[setting] != json.loads(json.dumps(other_value)):
                raise _refuse(name, f"the setting {setting} of its layer {index + 1} ({layer['class_name']}) depends on "
                                    f"{key} but is not its value ({config[setting]!r} for {key}={value!r})")
            found.append({"layer": index, "setting": setting, "argument": key})
    return found


def verify(exercise, function, recipe, draws=VERIFY_DRAWS):
    """Check that the block rebuilt from `recipe` is the reference `function`: the same signature, and on the
    configurations' calls and `draws` drawn ones the same description and outputs, or an error where the
    reference raises. Returns the number of calls compared.

    Raises:
        BlockRecipeError: it is not; the message names the call.
    """
    name = exercise.function
    rebuilt = rebuilt_block(json.loads(json.dumps(recipe)))
    if str(inspect.signature(rebuilt)) != str(inspect.signature(function)):
        raise _refuse(name, f"the rebuilt signature {inspect.signature(rebuilt)} is not the reference's "
                            f"{inspect.signature(function)}")
    signature = inspect.signature(function)
    calls = _calls(exercise, signature)
    tensors = recipe["tensors"]
    pools = _pools(calls, tensors)
    rng = random.Random(f"{name}-recipe")
    planned = [(call, len(signature.parameters), False) for call in calls]
    small = [call for call in calls if all(_elements(call[key]) <= MAX_RUN_ELEMENTS for key in tensors)]
    for _ in range(draws):
        call = dict(rng.choice(small or calls))
        for key in pools:
            call[key] = _drawn_value(rng, pools[key])
        planned.append((call, rng.randint(0, len(signature.parameters)), True))
    for index, (call, positional, run) in enumerate(planned):
        shapes = _shapes(call, tensors)
        values = {key: value for key, value in call.items() if key not in tensors}
        expected = _observed(function, signature, tensors, shapes, values, positional, index, run)
        found = _observed(rebuilt, signature, tensors, shapes, values, positional, index, run)
        difference = _difference(expected, found)
        if difference:
            shown = ", ".join([f"{key} of shape {shapes[key]}" for key in tensors] +
                              [f"{key}={value!r}" for key, value in values.items()])
            raise BlockRecipeError(
                f"the recipe of the reference {name} does not reproduce it on {name}({shown}), called with "
                f"{positional} positional argument(s): {difference}. Its layers depend on its arguments in a way "
                f"a recipe cannot store (a recipe tells an argument's values apart only as zero, positive or "
                f"negative, and a setting must be fixed or one argument's value). The bundle would grade with a "
                f"wrong {name}, so the release stops; write {name} that way (`if dropout_prob > 0:`, "
                f"`Conv2D(n_filters, ...)`), or see grader/instructor/block_recipes.py.")
    return len(planned)


def _elements(tensor):
    total = 1
    for size in tensor.shape[1:]:
        total *= int(size)
    return total


def _drawn_value(rng, pool):
    """A value for an argument: one of `pool`, or one the course never passes, of the same kind."""
    if all(isinstance(value, bool) for value in pool):
        return rng.choice([True, False, 0, 1])
    numbers = [value for value in pool if isinstance(value, (int, float)) and not isinstance(value, bool)]
    if numbers and rng.random() < 0.6:
        if all(isinstance(value, int) for value in numbers):
            return rng.randint(1, 64)
        return rng.choice([0, 0.0, round(rng.uniform(0.01, 0.95), 3)])
    return rng.choice([value for value in pool if value_class(value) != "negative"] or pool)


def _observed(function, signature, tensors, shapes, values, positional, index, run):
    """What a call of the block gives: {"returns", "description", "outputs"} or {"error"}."""
    import keras

    inputs = {key: keras.Input(tuple(shapes[key])) for key in tensors}
    arguments = [{**inputs, **values}[key] for key in signature.parameters]
    names = list(signature.parameters)
    try:
        with keras.StatelessScope(initialize_variables=False):
            result = function(*arguments[:positional], **dict(zip(names[positional:], arguments[positional:])))
            flat = [result] if isinstance(result, keras.KerasTensor) else list(result)
            model = keras.Model([inputs[key] for key in tensors], flat)
            description = describe(model)
        outputs = outputs_on_fixed_input(model, 1, index, None, "block") if run else None
    except Exception as error:  # noqa: BLE001 -- the block raised: the rebuilt one must raise too
        return {"error": f"{type(error).__name__}: {error}"[:300]}
    return {"returns": type(result).__name__, "description": description, "outputs": outputs}


def _difference(expected, found):
    """What differs between two observations of a call, in words, or None."""
    if "error" in expected or "error" in found:
        if ("error" in expected) != ("error" in found):
            return (f"the reference {'raised ' + expected['error'] if 'error' in expected else 'worked'}, "
                    f"the rebuilt block {'raised ' + found['error'] if 'error' in found else 'worked'}")
        return None
    if expected["returns"] != found["returns"]:
        return f"the reference returns a {expected['returns']}, the rebuilt block a {found['returns']}"
    if expected["description"] != found["description"]:
        for number, (wanted, got) in enumerate(zip(expected["description"]["layers"],
                                                   found["description"]["layers"]), start=1):
            if wanted != got:
                return f"layer {number} is {got}, the reference's is {wanted}"
        return "the layers or the outputs differ"
    if expected["outputs"] != found["outputs"]:
        return "with the same weights the outputs differ"
    return None
