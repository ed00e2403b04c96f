"""Describe a Keras model as plain data: the one module of the grader that knows Keras.

A description lists the model's layer calls in a canonical topological order (the
model's inputs first, then a depth-first walk from the outputs that visits each
layer's inputs in argument order), so that two models built the same way get the
same list whatever their layer names, their creation order or the way the code was
written (loop or written-out blocks, `keras` or `tf.keras`, `3` or `(3, 3)`, ...):

    {"layers": [{"kind": "Conv2D", "shape": [96, 128, 32], "params": 896,
                 "weights": [[3, 3, 3, 32], [32]],
                 "settings": {"filters": 32, "kernel_size": [3, 3], ...},
                 "inputs": [0], "origin": {"block": 1, "function": "conv_block"} | None},
                ...],
     "outputs": [3, 2]}

`inputs` and `outputs` are positions in `layers`. Settings are normalised: kernel
sizes and strides as lists, activations by name ('linear' for none), initialisers by
class name ('he_normal' and HeNormal() are both 'HeNormal'), regularisers by class and
factors ('none' for none), concatenation axes as positive numbers. Student-defined
subclasses of Keras layers count as their Keras kind.
"""
import math

RENAMED_KINDS = {"InputLayer": "Input", "Functional": "Model", "Sequential": "Model"}


def canonical_nodes(model):
    """The model's layer calls in canonical order: a list of (operation, node, output tensor)."""
    order, seen = [], set()

    def add(tensor):
        key = _node_key(tensor)
        if key not in seen:
            seen.add(key)
            order.append((tensor._keras_history.operation, _node_of(tensor), tensor))

    for tensor in model.inputs:
        add(tensor)
    for output in model.outputs:
        stack = [(output, False)]
        while stack:  # iterative post-order walk: a layer comes after everything that feeds it
            tensor, parents_done = stack.pop()
            if _node_key(tensor) in seen:
                continue
            node = _node_of(tensor)
            if parents_done or node is None:
                add(tensor)
                continue
            stack.append((tensor, True))
            for parent in reversed(node.input_tensors):
                stack.append((parent, False))
    return order


def describe(model, origins=None):
    """The plain-data description of a functional `model` (see the module docstring).

    `origins` maps id(layer) to the block that made it ({"block": 4, "function": "conv_block"}).
    """
    origins = origins or {}
    nodes = canonical_nodes(model)
    position = {}
    for index, (_, node, tensor) in enumerate(nodes):
        position[_node_key(tensor)] = index
    layers, first_call = [], {}
    for index, (operation, node, tensor) in enumerate(nodes):
        entry = {
            "kind": kind_of(operation),
            "shape": _shape(tensor),
            "params": 0,
            "weights": [],
            "settings": settings_of(operation, tensor),
            "inputs": [position[_node_key(parent)] for parent in (node.input_tensors if node else [])],
            "origin": origins.get(id(operation)),
        }
        if id(operation) in first_call:
            entry["shared_with"] = first_call[id(operation)]
        else:
            first_call[id(operation)] = index
            entry["weights"] = [[int(size) for size in weight.shape] for weight in _weights(operation)]
            entry["params"] = sum(math.prod(shape) for shape in entry["weights"])
        layers.append(entry)
    return {"layers": layers, "outputs": [position[_node_key(tensor)] for tensor in model.outputs]}


def kind_of(operation):
    """The layer's Keras class name, normalised ('Input' for InputLayer; a subclass counts as its Keras base)."""
    if operation is None:
        return "Input"
    name = type(operation).__name__
    for cls in type(operation).__mro__:
        if cls.__module__.split(".")[0] in ("keras", "tf_keras"):
            name = cls.__name__
            break
    return RENAMED_KINDS.get(name, name)


def settings_of(operation, tensor):
    """The settings that matter for this kind of layer, normalised (see the module docstring)."""
    kind = kind_of(operation)
    if kind in ("Conv2D", "Conv2DTranspose"):
        return {
            "filters": int(operation.filters),
            "kernel_size": [int(size) for size in operation.kernel_size],
            "strides": [int(step) for step in operation.strides],
            "padding": str(operation.padding).lower(),
            "activation": activation_name(operation.activation),
            "kernel_initializer": type(operation.kernel_initializer).__name__,
            "use_bias": bool(operation.use_bias),
            "dilation_rate": [int(rate) for rate in operation.dilation_rate],
            "bias_initializer": type(operation.bias_initializer).__name__,
            "kernel_regularizer": regularizer_text(operation.kernel_regularizer),
            "bias_regularizer": regularizer_text(operation.bias_regularizer),
            "activity_regularizer": regularizer_text(operation.activity_regularizer),
        }
    if kind == "Dropout":
        noise_shape = operation.noise_shape
        return {"rate": float(operation.rate),
                "noise_shape": None if noise_shape is None else [None if size is None else int(size)
                                                                 for size in noise_shape]}
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return {"pool_size": [int(size) for size in operation.pool_size],
                "strides": [int(step) for step in operation.strides],
                "padding": str(operation.padding).lower()}
    if kind == "Concatenate":
        rank = len(tensor.shape)
        return {"axis": int(operation.axis) % rank}
    if kind in ("Activation", "Dense"):
        return {"activation": activation_name(operation.activation)}
    return {}


def regularizer_text(regularizer):
    """'none', or the regularizer's class with its factors: 'L2(l2=0.01)'."""
    if regularizer is None:
        return "none"
    name = type(regularizer).__name__
    if type(regularizer).__module__.split(".")[0] != "keras":
        return name
    factors = ", ".join(f"{key}={value:g}" for key, value in sorted(regularizer.get_config().items())
                        if isinstance(value, (int, float)))
    return f"{name}({factors})"


def activation_name(function):
    """'relu' for 'relu', tf.nn.relu, keras.activations.relu or a ReLU layer; 'linear' for none."""
    if function is None:
        return "linear"
    name = getattr(function, "__name__", None) or type(function).__name__
    name = name.lower()
    return {"re_lu": "relu"}.get(name, name)


def _node_key(tensor):
    history = tensor._keras_history
    return id(history.operation), history.node_index


def _node_of(tensor):
    history = tensor._keras_history
    if history.operation is None:
        return None
    return history.operation._inbound_nodes[history.node_index]


def _shape(tensor):
    return [None if size is None else int(size) for size in tuple(tensor.shape)[1:]]


def _weights(operation):
    return list(getattr(operation, "weights", None) or [])
