"""Compare a student's description with the reference's: the first difference, as plain data.

Runs in the parent on plain data (see describe.py for the format). A finding names the
layer by its position, its kind and its number among layers of that kind, says what
differs (expected versus found) and carries the consequence (output shape, parameters)
so that messages.py can word it. `None` means no difference.

A difference in a setting that changes no output on this configuration is no difference
when the exercise's `Equivalence` (exercise table) says so: a setting that only chooses a
layer's starting weights and that the exercise does not ask for (the behaviour checks give
both models the same weights), one that changes only how the model trains (a regularizer),
or the padding of a pooling layer whose input it tiles
exactly, so that 'same' pads nothing (an even size for MaxPooling2D(2)). Whether the
padding pads is computed from the configuration's own sizes, layer by layer, never
assumed. `inert_differences` lists those differences, for the exercise's notes.
"""
import math
import base64
import difflib

FLOAT_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-4   # times the largest reference value (at least 1)
RELATIVE_TOLERANCE = 1e-3


def label(description, index):
    """{"kind", "number", "position", "origin"} naming layer `index` ("Conv2D #2, layer 3")."""
    layers = description["layers"]
    kind = layers[index]["kind"]
    number = sum(1 for layer in layers[:index + 1] if layer["kind"] == kind)
    return {"kind": kind, "number": number, "position": index + 1, "origin": layers[index].get("origin")}


def first_difference(expected, found, equivalence=None):
    """The first structural difference between two descriptions, or None when they match.

    Order: the sequence of layer kinds (two neighbours in the wrong order are found as
    such, change "swapped"), then layer by layer (settings, wiring, output shape,
    parameters), then which tensors are returned. A setting difference that
    `equivalence` (an exercises.Equivalence, or None) finds inert here is passed over.
    """
    return _kinds_difference(expected, found) or _layer_difference(expected, found, equivalence) or \
        _outputs_difference(expected, found)


def inert_differences(expected, found, equivalence):
    """The setting differences that change no output on this configuration (see the module
    docstring): [{"what": "inert", "at", "setting", "expected", "found", "reason"}], where
    reason is "initial_weights", "training_only" or "unpadded"; [] when the layer kinds differ."""
    if equivalence is None or [layer["kind"] for layer in expected["layers"]] != \
            [layer["kind"] for layer in found["layers"]]:
        return []
    inert = []
    for index, (wanted, got) in enumerate(zip(expected["layers"], found["layers"])):
        for setting, value in wanted["settings"].items():
            if _same(value, got["settings"].get(setting)):
                continue
            reason = _inert_reason(expected, found, index, setting, equivalence)
            if reason:
                inert.append({"what": "inert", "at": label(expected, index), "setting": setting, "expected": value,
                              "found": got["settings"].get(setting), "reason": reason})
    return inert


def _inert_reason(expected, found, index, setting, equivalence):
    """Why the difference in `setting` of layer `index` changes no output here, or None when it may."""
    if equivalence is None:
        return None
    wanted, got = expected["layers"][index], found["layers"][index]
    kind = wanted["kind"]
    if setting in equivalence.initial_weights_only.get(kind, ()):
        return "initial_weights"
    if setting in equivalence.training_only.get(kind, ()):
        return "training_only"
    if setting == "padding" and kind in equivalence.padding_where_unpadded and \
            {wanted["settings"]["padding"], got["settings"].get("padding")} == {"same", "valid"} and \
            _pads_nothing(expected, wanted) and _pads_nothing(found, got):
        return "unpadded"
    return None


def _pads_nothing(description, layer):
    """Whether 'same' padding adds nothing to this layer's input (so 'valid' computes the same): in each
    spatial dimension, the windows tile the input exactly, as TensorFlow pads (out - 1) * stride + window - size."""
    if len(layer["inputs"]) != 1:
        return False
    sizes = description["layers"][layer["inputs"][0]]["shape"][:2]
    settings = layer["settings"]
    windows = settings.get("pool_size") or settings.get("kernel_size")
    strides = settings.get("strides")
    dilation = settings.get("dilation_rate") or [1, 1]
    if not windows or not strides or any(size is None for size in sizes):
        return False
    for size, window, stride, rate in zip(sizes, windows, strides, dilation):
        span = (window - 1) * rate + 1
        if (math.ceil(size / stride) - 1) * stride + span - size != 0:
            return False
    return True


def _kinds_difference(expected, found):
    expected_kinds = [layer["kind"] for layer in expected["layers"]]
    found_kinds = [layer["kind"] for layer in found["layers"]]
    if expected_kinds == found_kinds:
        return None
    swapped = _swapped(expected, found, expected_kinds, found_kinds)
    if swapped:
        return swapped
    matcher = difflib.SequenceMatcher(None, expected_kinds, found_kinds, autojunk=False)
    for operation, e_start, e_end, f_start, f_end in matcher.get_opcodes():
        if operation == "equal":
            continue
        finding = {
            "what": "layers",
            "change": {"delete": "missing", "insert": "extra", "replace": "replaced"}[operation],
            "expected": expected_kinds[e_start:e_end],
            "found": found_kinds[f_start:f_end],
            "after": label(expected, e_start - 1) if e_start > 0 else None,
            "at": label(expected, min(e_start, len(expected_kinds) - 1)),
            "found_at": label(found, min(f_start, len(found_kinds) - 1)) if found_kinds else None,
            "expected_count": len(expected_kinds),
            "found_count": len(found_kinds),
        }
        if f_end < len(found_kinds) or operation != "delete":
            finding["found_origin"] = found["layers"][min(f_start, len(found_kinds) - 1)].get("origin")
        return finding
    return None


def _swapped(expected, found, expected_kinds, found_kinds):
    """A "layers" finding with change "swapped" when the first two layers that differ in kind are
    the expected two in the other order (Dropout, MaxPooling2D called as MaxPooling2D, Dropout)."""
    first = next(index for index, (e, f) in enumerate(zip(expected_kinds + [None], found_kinds + [None]))
                 if e != f)
    pair = slice(first, first + 2)
    if len(expected_kinds[pair]) < 2 or expected_kinds[pair] != found_kinds[pair][::-1]:
        return None
    return {"what": "layers", "change": "swapped", "expected": expected_kinds[pair], "found": found_kinds[pair],
            "after": label(expected, first - 1) if first > 0 else None, "at": label(expected, first),
            "found_at": label(found, first), "expected_count": len(expected_kinds),
            "found_count": len(found_kinds), "found_origin": found["layers"][first].get("origin")}


def _layer_difference(expected, found, equivalence=None):
    for index, (wanted, got) in enumerate(zip(expected["layers"], found["layers"])):
        where = label(expected, index)
        where["found_origin"] = got.get("origin")
        for setting, value in wanted["settings"].items():
            if not _same(value, got["settings"].get(setting)) and \
                    not _inert_reason(expected, found, index, setting, equivalence):
                return {"what": "setting", "at": where, "setting": setting, "expected": value,
                        "found": got["settings"].get(setting),
                        "shape": _pair(wanted["shape"], got["shape"]),
                        "params": _pair(wanted["params"], got["params"])}
        if wanted["inputs"] != got["inputs"] or wanted.get("shared_with") != got.get("shared_with"):
            return {"what": "wiring", "at": where,
                    "expected": [label(expected, i) for i in wanted["inputs"]],
                    "found": [label(found, i) for i in got["inputs"]],
                    "shared_with": (label(found, got["shared_with"]) if "shared_with" in got else None)}
        if wanted["shape"] != got["shape"]:
            return {"what": "shape", "at": where, "expected": wanted["shape"], "found": got["shape"]}
        if wanted["params"] != got["params"] or wanted["weights"] != got["weights"]:
            return {"what": "params", "at": where, "expected": wanted["params"], "found": got["params"]}
    return None


def _outputs_difference(expected, found):
    if expected["outputs"] == found["outputs"]:
        return None
    return {"what": "outputs",
            "swapped": sorted(expected["outputs"]) == sorted(found["outputs"]) and len(set(found["outputs"])) > 1,
            "expected": [label(expected, i) for i in expected["outputs"]],
            "found": [label(found, i) for i in found["outputs"]]}


def observation_matches(expected, observed, equivalence=None):
    """Whether one Observation matches its reference in structure and, when run, in behaviour."""
    if not observed.ok:
        return False
    if first_difference(expected.description, observed.description, equivalence) is not None:
        return False
    return expected.outputs is None or outputs_difference(expected.outputs, observed.outputs or []) is None


def all_match(expectations, observations, equivalence=None):
    """Whether every configuration of an exercise matches its reference (`equivalence`: see first_difference)."""
    return observations is not None and all(
        observation_matches(expected, observed, equivalence)
        for expected, observed in zip(expectations, observations))


def weights_line_up(expected, found):
    """Whether the reference's weights fit the student's model array for array (same shapes, same order)."""
    return ([layer["weights"] for layer in expected["layers"]] ==
            [layer["weights"] for layer in found["layers"]])


def outputs_difference(expected_outputs, found_outputs):
    """The first output that differs beyond the tolerance, as a finding, or None.

    Each output is {"shape", "data"} (float32 in base64, see behaviour.py). A value is
    within the tolerance when |found - expected| <= ABSOLUTE_TOLERANCE * scale +
    RELATIVE_TOLERANCE * |expected|, scale being the largest |expected| (at least 1); NaN
    never is. The finding names the value furthest beyond it.
    """
    import numpy as np

    if len(expected_outputs) != len(found_outputs):
        return {"what": "output_count", "expected": len(expected_outputs), "found": len(found_outputs)}
    for number, (wanted, got) in enumerate(zip(expected_outputs, found_outputs), start=1):
        if wanted["shape"] != got["shape"]:
            return {"what": "output_shape", "output": number, "expected": wanted["shape"], "found": got["shape"]}
        expected_values, found_values = _decode(wanted), _decode(got)
        scale = max(1.0, float(np.max(np.abs(expected_values), initial=0.0)))
        difference = np.abs(expected_values - found_values)
        excess = difference - ABSOLUTE_TOLERANCE * scale - RELATIVE_TOLERANCE * np.abs(expected_values)
        excess = np.where(np.isnan(excess), np.inf, excess)
        if excess.size and float(excess.max()) > 0:
            worst_at = int(np.argmax(excess))
            return {"what": "values", "output": number, "position": _unravel(worst_at, wanted["shape"]),
                    "expected": float(expected_values[worst_at]), "found": float(found_values[worst_at]),
                    "difference": float(difference[worst_at]), "scale": scale}
    return None


def _decode(encoded):
    """An encoded output's values as float64 numbers (their float32 values, exactly)."""
    import numpy as np

    return np.frombuffer(base64.b64decode(encoded["data"]), dtype="<f4").astype(np.float64)


def _unravel(index, shape):
    position = []
    for size in reversed(shape):
        position.append(index % size)
        index //= size
    return list(reversed(position))


def _same(expected, found):
    if isinstance(expected, float) or isinstance(found, float):
        try:
            return abs(float(expected) - float(found)) <= FLOAT_TOLERANCE
        except (TypeError, ValueError):
            return False
    return expected == found


def _pair(expected, found):
    return None if expected == found else {"expected": expected, "found": found}
