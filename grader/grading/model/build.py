"""Build one configuration with a graded function and check what it returns (runs in the child).

`build(exercise, function, args, ...)` calls the function the way the exercise table says
and returns a functional keras.Model from the inputs to what the function returned, plus
the block each layer came from (for exercises built from blocks). Whatever the student's
code does wrong (raises, returns the wrong thing) becomes a StudentFault with plain data.
"""
import contextlib
import types

from grader.grading import bounded
from grader.grading.student_errors import StudentFault, exception_data, grader_fault, raised_by_grader

BLOCK_LIMIT_S = 10.0  # one call of a block inside a model built from blocks (building one takes well under 1 s)
_limit_s = [BLOCK_LIMIT_S]  # the limit of the grading now (`blocks_limited`); changed in place, never rebound
# id(block) -> (block, its "block_timeout" fault): the blocks that ran past the block limit in this grading
# process, or past the time limit of an earlier exercise of the same grading (`known_to_hang`); never called
# again (filled only; the block is kept so that its id is never reused for another function)
_hung = {}


@contextlib.contextmanager
def blocks_limited(seconds):
    """Within it, one call of a block inside a model may take `seconds` (at most BLOCK_LIMIT_S): the parent
    gives each block call at most half of what the whole grading command may take, so that a model around a
    block that hangs is still graded, with the reference blocks, within the exercise's time limit."""
    saved = _limit_s[0]
    _limit_s[0] = min(BLOCK_LIMIT_S, seconds)
    try:
        yield
    finally:
        _limit_s[0] = saved


def known_to_hang(block, name, exercise, limit_s):
    """Record that the student's block `name` (the function `block`) did not finish within `limit_s`, the time
    limit of `exercise` (which grades it) earlier in the same grading: a model that calls it is then graded as if
    it had run past the block limit here, at once (a hang is waited on once)."""
    _hung.setdefault(id(block), (block, {"kind": "block_timeout", "in_function": name, "limit": limit_s,
                                         "in_exercise": exercise, "text": ""}))


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

    origins, returned = {}, []
    with keras.StatelessScope(initialize_variables=False):
        try:
            return _build(exercise, function, args, source, blocks, origins, returned)
        except StudentFault as fault:
            fault.built = _built_so_far(returned), origins
            raise


def built_so_far(fault):
    """(model, origins) of what a StudentFault of `build` left built: the model from the inputs to
    the last block that returned before the fault, or (None, {}) when no block had returned."""
    return getattr(fault, "built", None) or (None, {})


def _built_so_far(returned):
    """A keras.Model from the inputs to the last tensor a block returned, or None (also when it cannot be read:
    this runs while a fault of the student's code is raised, and must never replace it)."""
    try:
        return _model_up_to(returned[-1]) if returned else None
    except BaseException:  # noqa: B036 -- tensors the grader cannot walk back: draw nothing of them
        return None


def _model_up_to(output):
    import keras

    inputs, stack, seen = [], [output], set()
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        operation, node_index, _ = tensor._keras_history
        node = operation._inbound_nodes[node_index] if operation is not None else None
        if node is None or not node.input_tensors:
            inputs.append(tensor)
        else:
            stack.extend(node.input_tensors)
    return keras.Model(inputs[::-1] if len(inputs) > 1 else inputs[0], output)


def _build(exercise, function, args, source, blocks, origins, returned):
    import keras

    name = exercise.function  # never the function object's own __name__, which the student's code controls
    with _blocks_in_place(function, blocks or {}, origins, returned):
        inputs, result = _call(exercise.call, source, name, function, args)
    returns = exercise.returns
    if returns.kind == "tensors":
        outputs = _tensors(result, returns.count, name, returns.expected)
        return _model(inputs, outputs, name, source), origins
    if not issubclass(type(result), keras.Model):  # type(), never isinstance: a value may lie about its __class__
        raise StudentFault({"kind": "return", "function": name, "expected": returns.expected,
                            "found": _kind_of_value(result)})
    try:  # a Model subclass of the student's may override these
        outputs = result.outputs
        functional = result.inputs is not None and type(outputs) in (list, tuple) and len(outputs) == 1
    except AttributeError:
        functional = False
    except BaseException as error:  # noqa: B036 -- the student's property raised: say so, in their terms
        raise StudentFault(exception_data(error, source, name)) from None
    if not functional:
        raise StudentFault({"kind": "return", "function": name,
                            "expected": f"a functional {returns.expected.removeprefix('a ')} with one output",
                            "found": f"a {bounded.type_name(result)} without one output"})
    return result, origins


def _call(call, source, name, function, args):
    """Run the student's function as `call` says; any exception (SystemExit included) becomes a StudentFault."""
    try:
        return call(function, args)
    except StudentFault as fault:
        if raised_by_grader(fault):  # a graded function that was never defined (see sources/loaded.py)
            raise
        raise StudentFault(exception_data(fault, source, name)) from None  # the student's own StudentFault
    except BaseException as error:  # noqa: B036 -- SystemExit, KeyboardInterrupt: graded, never obeyed
        raise StudentFault(exception_data(error, source, name)) from None


def _tensors(result, count, name, expected):
    """The returned KerasTensor(s) as a list of `count`, or a StudentFault saying what came back.

    Only the value's real type and contents are read, never its own methods (a tuple
    subclass's `__iter__` or `__len__`, an object's `__class__` or `__eq__`).
    """
    import keras

    sequence = _contents(result)
    values = list(sequence) if sequence is not None else [result]
    if count == 1 and sequence is not None:
        values = None
    if values is None or len(values) != count or \
            not all(issubclass(type(value), keras.KerasTensor) for value in values):
        raise StudentFault({"kind": "return", "function": name, "expected": expected, "count": count,
                            "found": _kind_of_value(result)})
    return values


def _model(inputs, outputs, name, source):
    """A functional keras.Model from the configuration's inputs to the function's outputs."""
    import keras

    try:
        return keras.Model(inputs, outputs)
    except Exception as error:  # the outputs do not come from the given inputs
        text, _ = bounded.text(error)
        raise StudentFault({"kind": "disconnected", "function": name,
                            "text": ((text or "").strip().splitlines() or ["no details"])[0][:300]}) from None
    except BaseException as error:  # noqa: B036 -- KeyboardInterrupt, SystemExit from a layer of the student's
        raise StudentFault(exception_data(error, source, name)) from None


def _kind_of_value(value):
    """'a tuple of 3 values', 'None', 'a KerasTensor', ... for messages about return values."""
    if value is None:
        return "None"
    sequence = _contents(value)
    if sequence is not None:
        inner = ", ".join(bounded.type_name(item) for item in sequence[:4])
        count = len(sequence)
        return f"a {bounded.type_name(value)} of {count} value{'s' if count != 1 else ''} ({inner})"
    return f"a {bounded.type_name(value)}"


def _contents(value):
    """A tuple or list's items as a plain tuple (read past any method of a subclass), else None."""
    for kind in (tuple, list):
        if issubclass(type(value), kind):
            return tuple(kind.__getitem__(value, slice(None)))
    return None


@contextlib.contextmanager
def _blocks_in_place(function, blocks, origins, returned):
    """Put `blocks` into `function`'s module while it runs, each wrapped to record its layers
    (in `origins`) and the first tensor it returned (appended to `returned`)."""
    namespace = function.__globals__ if type(function) is types.FunctionType else None
    if type(namespace) is not dict or not blocks:
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in blocks}
    calls = [0]
    for name, block in blocks.items():
        namespace[name] = _recording(block, name, origins, calls, returned)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _recording(block, name, origins, calls, returned):
    """`block` wrapped so that every layer it creates is recorded as made by call number N."""
    import keras

    def recorded(*args, **kwargs):
        result = _bounded_call(block, name, args, kwargs)
        calls[0] += 1
        tag = {"block": calls[0], "function": name}
        stop = {id(value) for value in list(args) + list(kwargs.values()) if isinstance(value, keras.KerasTensor)}
        values = result if isinstance(result, (tuple, list)) else [result]
        tensors = [value for value in values if isinstance(value, keras.KerasTensor)]
        for value in tensors:
            _tag_back(value, stop, origins, tag)
        returned.extend(tensors[:1])
        return result

    recorded.__name__ = recorded.__qualname__ = name
    return recorded


def _bounded_call(block, name, args, kwargs):
    """`block(*args, **kwargs)` within the block limit (`blocks_limited`): a hang is charged to the block, once.

    A block that runs past it (or did so before in this process, or is `known_to_hang`)
    raises a StudentFault of kind "block_timeout" naming it, so the model around it is graded with
    the reference blocks instead of waiting out the exercise's whole time limit, and it is not
    waited on again.
    """
    known = _hung.get(id(block))
    if known is not None and known[0] is block:
        raise grader_fault(dict(known[1]))
    limit_s = _limit_s[0]
    fault = {"kind": "block_timeout", "in_function": name, "limit": limit_s, "text": ""}
    try:
        return bounded.within(limit_s, lambda: block(*args, **kwargs))
    except bounded.Overran:
        _hung[id(block)] = (block, fault)
        raise grader_fault(dict(fault)) from None


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
