"""Reference blocks rebuilt from a stored recipe: a student bundle's reference blocks (runs in the child).

A student bundle has no solution code, yet an exercise built from blocks (`unet_model`)
is graded with the reference blocks too, as in the full package. At release the reference
block is traced into a recipe, plain JSON data (grader/instructor/block_recipes.py
writes and verifies it; grading/stored.py reads it):

    {"function": "conv_block",
     "parameters": [{"name": "inputs", "default": null}, {"name": "n_filters", "default": 32}, ...],
     "tensors": ["inputs"],                 (the parameters that take the block's input tensors)
     "variants": [{"when": {"n_filters": "positive", "dropout_prob": "zero", "max_pooling": "positive"},
                   "layers": [{"module": "keras.layers", "class_name": "Conv2D", "config": {...}}, ...],
                   "settings": [{"layer": 0, "setting": "filters", "argument": "n_filters"}, ...],
                   "calls": [{"layer": 0, "args": [{"argument": "inputs"}], "kwargs": {}}, ...],
                   "returns": {"kind": "tuple", "items": [{"call": 3}, {"call": 2}]}}, ...]}

Each variant is the block's layer graph for one class of its other arguments' values
(`value_class`: zero, positive, negative or none: a Dropout only when dropout_prob is
positive, a MaxPooling2D only when max_pooling is true). A layer is its Keras
configuration without its name (shape-agnostic); `settings` says which of its settings
take an argument's value; `calls` are the layer calls in order, each input an argument
of the block or an earlier call's output (a list for layers such as Concatenate);
`returns` the block's return value. `rebuilt_block(recipe)` turns it back into a
function with the reference's own signature, so a student's `unet_model` calls it as it
would call the reference (positionally or by keyword), and Python words a wrong call alike.
"""
import copy
import keyword
import numbers


class RecipeError(Exception):
    """A stored recipe cannot be turned into a block (a damaged or foreign expectations file)."""


def value_class(value):
    """The class of an argument's value that chooses a block's variant: 'zero', 'positive', 'negative'
    (any real number, NumPy's too, and booleans alike: True counts as 1, as `if max_pooling:` sees it),
    'none', or None for a value of another kind."""
    if value is None:
        return "none"
    if isinstance(value, numbers.Real):
        if value != value:  # NaN
            return None
        return "zero" if value == 0 else "positive" if value > 0 else "negative"
    return None


def rebuilt_block(recipe):
    """The block function the recipe describes, with the reference's signature (see the module docstring).

    Raises:
        RecipeError: the recipe's names are not plain Python names.
    """
    name = recipe["function"]
    parameters = recipe["parameters"]
    names = [parameter["name"] for parameter in parameters]
    for text in [name, *names]:
        if not (isinstance(text, str) and text.isidentifier() and not keyword.iskeyword(text)):
            raise RecipeError(f"the stored recipe of {name!r} names {text!r}, which is not a Python name")
    first_default = next((index for index, parameter in enumerate(parameters) if "default" in parameter),
                         len(parameters))
    if any("default" not in parameter for parameter in parameters[first_default:]):
        raise RecipeError(f"the stored recipe of {name} has a parameter without a default after one with a default")

    def body(*values):
        return build_variant(recipe, dict(zip(names, values)))

    # Only the `def` line is made from the recipe (checked names, no values), so that Python itself
    # binds the arguments and words a wrong call exactly as it would for the reference.
    text = f"def {name}({', '.join(names)}):\n    return _body({', '.join(names)})\n"
    namespace = {"_body": body}
    exec(compile(text, __file__, "exec"), namespace)  # noqa: S102 -- checked names only, see above
    function = namespace[name]
    function.__defaults__ = tuple(parameter["default"] for parameter in parameters[first_default:]) or None
    function.__doc__ = f"The reference {name}, rebuilt from the stored recipe (grader/grading/model/rebuilt.py)."
    return function


def choose_variant(recipe, values):
    """The variant of `recipe` for the arguments `values` ({name: value}), or None when it has none."""
    classes = {name: value_class(value) for name, value in values.items() if name not in recipe["tensors"]}
    for variant in recipe["variants"]:
        if all(classes.get(name) == wanted for name, wanted in variant["when"].items()):
            return variant
    return None


def build_variant(recipe, values):
    """Call the layers of the variant chosen by `values` on the block's input tensors; what the block returns.

    Raises:
        ValueError: no variant of the recipe fits these arguments' values (the reference was never
            seen to accept them at release).
    """
    import keras

    variant = choose_variant(recipe, values)
    if variant is None:
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items() if name not in recipe["tensors"])
        raise ValueError(f"{recipe['function']}() was called with {shown}: the reference accepts no such "
                         f"values in the course's tests")
    configs = copy.deepcopy(variant["layers"])  # Keras may change what it deserializes
    for setting in variant["settings"]:
        configs[setting["layer"]]["config"][setting["setting"]] = values[setting["argument"]]
    layers = [keras.saving.deserialize_keras_object(config) for config in configs]
    outputs = []

    def tensor(reference):
        if isinstance(reference, list):
            return [tensor(item) for item in reference]
        if "argument" in reference:
            return values[reference["argument"]]
        return outputs[reference["call"]]

    for call in variant["calls"]:
        outputs.append(layers[call["layer"]](*[tensor(argument) for argument in call["args"]], **call["kwargs"]))
    returns = variant["returns"]
    if returns["kind"] == "tensor":
        return tensor(returns["items"][0])
    items = [tensor(item) for item in returns["items"]]
    return tuple(items) if returns["kind"] == "tuple" else items
