"""Build one configuration with a graded function and check what it returns (runs in the child).

`build(exercise, function, args, ...)` calls the function the way the exercise table says
and returns a functional keras.Model from the inputs to what the function returned, plus
the block each layer came from (for exercises built from blocks). Whatever the student's
code does wrong (raises, returns the wrong thing) becomes a StudentFault with plain data.
"""
import contextlib
import functools

from grader.grading.student_errors import StudentFault, exception_data


def build(exercise, function, args, source, blocks=None):
    """Call `function` for one configuration; return (model, origins).

    The layers' weights are created but not initialised (a Keras stateless scope): the
    grader only reads their shapes and, for behaviour checks, supplies its own values.
    That makes building a 34-million-parameter U-Net take milliseconds instead of a second.

    Arguments:
        exercise: the Exercise (grader/exercises.py): how to call the function, what it returns.
        function: the graded function (the student's or the reference's).
        args: the configuration's arguments (see configs.py).
        source: the LoadedSource whose files count as the student's.
        blocks: for an exercise built from blocks, {function name: f} to put into the
            function's module while it runs (the student's own or the reference's), so
            each layer can be traced to the block call that made it.

    Raises:
        StudentFault: the function raised, or returned something that is not what the
            exercise asks for.
    """
    import keras

    with keras.StatelessScope(initialize_variables=False):
        return _build(exercise, function, args, source, blocks)


def _build(exercise, function, args, source, blocks):
    import keras

    name = function.__name__ if hasattr(function, "__name__") else exercise.function
    origins = {}
    with _blocks_in_place(function, blocks or {}, origins):
        inputs, result = _call(exercise.call, source, name, function, args)
    returns = exercise.returns
    if returns.kind == "tensors":
        outputs = _tensors(result, returns.count, name, returns.expected)
        return _model(inputs, outputs, name), origins
    if not isinstance(result, keras.Model):
        raise StudentFault({"kind": "return", "function": name, "expected": returns.expected,
                            "found": _kind_of_value(result)})
    if not hasattr(result, "inputs") or not hasattr(result, "outputs") or len(result.outputs or []) != 1:
        raise StudentFault({"kind": "return", "function": name,
                            "expected": f"a functional {returns.expected.removeprefix('a ')} with one output",
                            "found": f"a {type(result).__name__} without one output"})
    return result, origins


def _call(call, source, name, function, args):
    """Run the student's function as `call` says; any exception (SystemExit included) becomes a StudentFault."""
    try:
        return call(function, args)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: B036 -- SystemExit from student code is graded, not obeyed
        raise StudentFault(exception_data(error, source, name)) from None


def _tensors(result, count, name, expected):
    """The returned KerasTensor(s) as a list of `count`, or a StudentFault saying what came back."""
    import keras

    values = list(result) if isinstance(result, (tuple, list)) else [result]
    if count == 1 and isinstance(result, (tuple, list)):
        values = None
    if values is None or len(values) != count or not all(isinstance(v, keras.KerasTensor) for v in values):
        raise StudentFault({"kind": "return", "function": name, "expected": expected, "count": count,
                            "found": _kind_of_value(result)})
    return values


def _model(inputs, outputs, name):
    """A functional keras.Model from the configuration's inputs to the function's outputs."""
    import keras

    try:
        return keras.Model(inputs, outputs)
    except Exception as error:  # the outputs do not come from the given inputs
        raise StudentFault({"kind": "disconnected", "function": name,
                            "text": str(error).strip().splitlines()[0][:300]}) from None


def _kind_of_value(value):
    """'a tuple of 3 values', 'None', 'a KerasTensor', ... for messages about return values."""
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(type(item).__name__ for item in value[:4])
        return f"a {type(value).__name__} of {len(value)} value{'s' if len(value) != 1 else ''} ({inner})"
    return f"a {type(value).__name__}"


@contextlib.contextmanager
def _blocks_in_place(function, blocks, origins):
    """Put `blocks` into `function`'s module while it runs, each wrapped to record its layers."""
    namespace = getattr(function, "__globals__", None)
    if namespace is None or not blocks:
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in blocks}
    calls = [0]
    for name, block in blocks.items():
        namespace[name] = _recording(block, name, origins, calls)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _recording(block, name, origins, calls):
    """`block` wrapped so that every layer it creates is recorded as made by call number N."""
    import keras

    @functools.wraps(block)
    def recorded(*args, **kwargs):
        result = block(*args, **kwargs)
        calls[0] += 1
        tag = {"block": calls[0], "function": name}
        stop = {id(value) for value in list(args) + list(kwargs.values()) if isinstance(value, keras.KerasTensor)}
        values = result if isinstance(result, (tuple, list)) else [result]
        for value in values:
            if isinstance(value, keras.KerasTensor):
                _tag_back(value, stop, origins, tag)
        return result

    return recorded


def _tag_back(tensor, stop, origins, tag):
    """Record `tag` for every layer between the block's input tensors and `tensor`."""
    stack = [tensor]
    while stack:
        current = stack.pop()
        if id(current) in stop:
            continue
        operation, node_index, _ = current._keras_history
        if operation is None or id(operation) in origins or not operation._inbound_nodes:
            continue
        node = operation._inbound_nodes[node_index]
        if not node.input_tensors:  # an Input layer
            continue
        origins[id(operation)] = tag
        stack.extend(node.input_tensors)
