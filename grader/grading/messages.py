"""Every sentence the grader says about a student's code, and the hints for common mistakes.

Findings (compare.py) and errors (student_errors.py, supervisor.py) are plain data;
this module alone turns them into words, so every check speaks the same way:

    "Conv2D #2 (layer 3): padding 'valid', expected 'same', so the output is 94x126
     instead of 96x128."

Each public function returns (message, hint); the hint is None when no common mistake fits.
A Context goes with each call. The hints for mistakes typical of one exercise are in its
record of the exercise table (grader/exercises.py); the ones here fit any exercise.
"""
import difflib
import re
from dataclasses import dataclass

from grader.exercises import keras_shapes, shape_text, unexpected_keyword


@dataclass(frozen=True)
class Context:
    """What a message is about.

    Attributes:
        exercise: the Exercise graded.
        table: the ExerciseTable it belongs to.
        display: the student's file as they know it ("exercises/unet.py").
        seed: the seed of the random configurations.
        memory_mb: the memory cap of the grading process.
        args: the configuration's arguments, or None when the message is not about one.
        full_calls_pass: whether the configurations that pass every argument match the reference
            (None when not known): a hint that blames the `def` line's defaults holds only then.
    """

    exercise: object
    table: object
    display: str = "your file"
    seed: int = None
    memory_mb: int = None
    args: dict = None
    full_calls_pass: bool = None

    @property
    def function(self):
        """The graded function's name."""
        return self.exercise.function

SETTING_NAMES = {
    "filters": "filters", "kernel_size": "kernel size", "strides": "strides", "padding": "padding",
    "activation": "activation", "kernel_initializer": "kernel initializer", "use_bias": "use_bias",
    "dilation_rate": "dilation rate", "rate": "dropout rate", "pool_size": "pool size",
    "axis": "concatenation axis", "bias_initializer": "bias initializer", "kernel_regularizer": "kernel regularizer",
    "bias_regularizer": "bias regularizer", "activity_regularizer": "activity regularizer",
    "noise_shape": "noise shape",
}

LIST_SHOWN_UP_TO = 8


# ---------------------------------------------------------------- layers and values

def layer_text(label):
    """'Conv2D #2 (layer 3)', with the block for U-Net layers: 'Conv2D #7 (layer 8, in block 4: conv_block)'."""
    text = f"{label['kind']} #{label['number']} (layer {label['position']}"
    origin = label.get("origin")
    if origin:
        text += f", in block {origin['block']}: {origin['function']}"
    return text + ")"


def value_text(setting, value):
    """A setting's value as written in code: 3x3 for kernel sizes, 'same' for strings."""
    if isinstance(value, list) and None in value:
        return f"({', '.join(str(item) for item in value)})"
    if isinstance(value, list):
        return "x".join(str(item) for item in value)
    if isinstance(value, str):
        return f"'{value}'" if setting in ("padding", "activation") else value
    if value is None:
        return "none"
    return str(value)


def shapes_text(expected, found):
    """'94x126 instead of 96x128' (channels left out when they agree)."""
    if expected and found and len(expected) == len(found) and expected[-1] == found[-1] and len(expected) > 1:
        return f"{shape_text(found[:-1])} instead of {shape_text(expected[:-1])}"
    return f"{shape_text(found)} instead of {shape_text(expected)}"


def kinds_text(kinds):
    """'Input, Conv2D, Conv2D, MaxPooling2D' (or a count when there are many)."""
    if len(kinds) > LIST_SHOWN_UP_TO:
        return f"{len(kinds)} layers"
    return ", ".join(kinds)


# ---------------------------------------------------------------- structure findings

def finding_message(finding, context):
    """(message, hint) for a structural finding of compare.first_difference."""
    what = finding["what"]
    if what == "layers":
        message = _layers_message(finding)
    elif what == "setting":
        message = _setting_message(finding)
    elif what == "wiring":
        message = _wiring_message(finding)
    elif what == "shape":
        message = (f"{layer_text(finding['at'])}: output {shape_text(finding['found'])}, "
                   f"expected {shape_text(finding['expected'])}.")
    elif what == "params":
        message = (f"{layer_text(finding['at'])}: {finding['found']:,} parameters, "
                   f"expected {finding['expected']:,}.")
    else:
        message = _outputs_message(finding, context)
    return message, structure_hint(finding, context)


def mistake(finding, context):
    """The finding in few words, without its consequences: what a class's gradebook counts.

    "Conv2D #2 (layer 3): padding 'valid', expected 'same'"; for the same check, two
    students with the same mistake get the same words.
    """
    what = finding["what"]
    if what == "layers":
        return _layers_text(finding)
    if what == "setting":
        return _setting_text(finding)
    if what in ("values", "output_shape", "output_count", "weights"):
        return "different outputs with the reference's weights"
    return finding_message(finding, context)[0].rstrip(".")


def error_mistake(error, context):
    """An error of the student's code in few words ("conv_block raised ValueError"), for the gradebook."""
    kind = error["kind"]
    function = error.get("function") or context.function
    if error.get("loading"):
        return f"a statement {function} needs failed when the file was loaded ({error.get('type')})"
    words = {
        "not_implemented": f"{function} is not implemented",
        "exception": f"{function} raised {error.get('type')}",
        "interrupt": f"{function} raised KeyboardInterrupt",
        "exit": f"{function} calls sys.exit()",
        "memory": f"{function} ran out of memory", "memory_watch": "ran out of memory",
        "return": f"{function} returned {error.get('found')}",
        "disconnected": f"{function} returns tensors not computed from its inputs",
        "unreadable": f"the model {function} built cannot be read",
        "missing": f"no function {function}",
        "syntax": "a syntax error",
        "missing_package": f"needs the missing package {error.get('package')}",
        "unreadable_file": "the file is not readable source code",
        "timeout": "did not finish within the time limit",
        "crashed": "the grading process ended abruptly",
        "forged": "wrote into the grader's result channel",
        "tampered": "changed the grader's own modules",
        "answers": "tried to reach the reference answers",
        "broken": "broke the grading process",
    }
    return words.get(kind, kind)


def _layers_message(finding):
    if finding["change"] == "swapped":
        return _layers_text(finding) + "."
    return f"{_layers_text(finding)}: expected {finding['expected_count']} layers, found {finding['found_count']}."


def _layers_text(finding):
    """What differs in the layers, without the layer counts (the gradebook's words for the mistake)."""
    expected, found = finding["expected"], finding["found"]
    after = f" after {layer_text(finding['after'])}" if finding["after"] else " at the start"
    origin = finding["at"].get("origin")
    block = f" (in block {origin['block']}: {origin['function']})" if origin else ""
    if finding["change"] == "missing":
        plural = "s" if len(expected) > 1 else ""
        same_block = finding["after"] and finding["after"].get("origin") == origin
        text = f"{', '.join(expected)} layer{plural} missing{after}{'' if same_block else block}"
    elif finding["change"] == "extra":
        plural = "s" if len(found) > 1 else ""
        text = f"an extra {', '.join(found)} layer{plural}{after}"
    elif finding["change"] == "swapped":
        first, second = expected
        return (f"{first} and {second} are in the wrong order{after}{block}: the {first} comes first, "
                f"then the {second}")
    else:
        text = f"layer {finding['at']['position']} is {', '.join(found)}, expected {', '.join(expected)}{block}"
    return f"{text[0].upper()}{text[1:]}"


def _setting_message(finding):
    text = _setting_text(finding)
    if finding["shape"]:
        text += f", so the output is {shapes_text(finding['shape']['expected'], finding['shape']['found'])}"
    elif finding["params"]:
        text += (f", so it has {finding['params']['found']:,} parameters instead of "
                 f"{finding['params']['expected']:,}")
    return text + "."


def _setting_text(finding):
    """The setting that differs ("Conv2D #2 (layer 3): padding 'valid', expected 'same'"), without its consequences."""
    setting = finding["setting"]
    return (f"{layer_text(finding['at'])}: {SETTING_NAMES.get(setting, setting)} "
            f"{value_text(setting, finding['found'])}, expected {value_text(setting, finding['expected'])}")


def _wiring_message(finding):
    if finding.get("shared_with"):
        return (f"{layer_text(finding['at'])} reuses the same layer object as "
                f"{layer_text(finding['shared_with'])}: create a new layer for each step.")
    found = ", ".join(layer_text(label) for label in finding["found"]) or "nothing"
    expected = ", ".join(layer_text(label) for label in finding["expected"]) or "nothing"
    return f"{layer_text(finding['at'])} is fed by {found}; expected {expected}."


def _outputs_message(finding, context):
    names = context.exercise.returns.names
    if finding["swapped"]:
        order = ", ".join(names) if len(names) == len(finding["expected"]) else "the outputs"
        return (f"{context.function} returns its outputs in the wrong order: expected ({order}), "
                f"but the first one returned is the output of {layer_text(finding['found'][0])} and "
                f"should be that of {layer_text(finding['expected'][0])}.")
    for number, (wanted, got) in enumerate(zip(finding["expected"], finding["found"])):
        if wanted != got:
            name = names[number] if number < len(names) else f"output {number + 1}"
            return (f"{context.function} returns as {name} the output of {layer_text(got)}; "
                    f"expected the output of {layer_text(wanted)}.")
    return f"{context.function} returns {len(finding['found'])} tensors, expected {len(finding['expected'])}."


# ---------------------------------------------------------------- hints

def structure_hint(finding, context):
    """A targeted hint when the finding looks like one of the common mistakes, else None.

    The exercise's own hints (exercise table) come first, then those that fit any exercise.
    """
    for hint in (*context.exercise.hints, _dropout_hint, _hard_coded_hint, _concatenate_hint, _setting_hint,
                 _order_hint, *context.exercise.last_hints):
        text = hint(finding, context)
        if text:
            return text
    return None


def _dropout_hint(finding, context):
    if finding["what"] == "layers" and "Dropout" in finding["found"] and finding["change"] == "extra":
        return "Add the Dropout layer only when dropout_prob > 0 (`if dropout_prob > 0:`)."
    skip_before_dropout = (
        finding["what"] in ("outputs", "wiring")
        and any(a["kind"] == "Dropout" and b["kind"] == "Conv2D"
                for a, b in zip(finding["expected"], finding["found"])))
    if skip_before_dropout:
        return "Take the skip connection after the Dropout layer: skip_connection is the block's output before pooling."
    return None


def _order_hint(finding, context):
    if finding["what"] == "layers" and finding["change"] == "swapped":
        first, second = finding["expected"]
        return (f"Call the layers in the order the docstring lists them: the {first} on the output of the "
                f"layer before it, then the {second} on the {first}'s output.")
    return None


def _hard_coded_hint(finding, context):
    if finding["what"] != "setting" or finding["setting"] != "filters":
        return None
    asked, default = (context.args or {}).get("n_filters"), context.exercise.defaults.get("n_filters")
    expected, found = finding["expected"], finding["found"]
    if asked and default and asked != default and found * asked == expected * default:
        return (f"The grader asked for n_filters={asked}, and this layer has the filters it would have "
                f"with {default}: use the n_filters argument (times 2, 4, ... where the docstring says), "
                f"never a fixed number.")
    return None


def _concatenate_hint(finding, context):
    if finding["what"] == "setting" and finding["setting"] == "axis":
        return "Concatenate along the channels: concatenate([up, contractive_input], axis=3) (or axis=-1)."
    if (finding["what"] == "wiring" and finding["at"]["kind"] == "Concatenate"
            and sorted(map(str, finding["expected"])) == sorted(map(str, finding["found"]))):
        return "Put the upsampled tensor first: concatenate([up, contractive_input], axis=3)."
    return None


def _setting_hint(finding, context):
    if finding["what"] != "setting":
        return None
    kind, setting, expected = finding["at"]["kind"], finding["setting"], finding["expected"]
    if setting in ("bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                   "noise_shape") or (setting == "padding" and kind in ("MaxPooling2D", "AveragePooling2D")):
        return f"Leave the {SETTING_NAMES[setting]} out of this {kind}: the exercise uses Keras's default."
    if setting == "padding":
        return f"Use padding='{expected}': 'same' keeps the height and width, 'valid' trims the border."
    if setting == "strides" and kind == "Conv2DTranspose":
        return "Conv2DTranspose(n_filters, 3, strides=2, padding='same') doubles the height and width."
    if setting == "kernel_initializer":
        return "Pass kernel_initializer='he_normal' to every Conv2D of the blocks."
    if setting == "activation" and expected == "relu":
        return "Pass activation='relu' to this Conv2D."
    return None


# ---------------------------------------------------------------- behaviour

def behaviour_message(finding, context, structure_matches=True):
    """(message, hint) for a behaviour finding (compare.outputs_difference) or a non-comparison."""
    what = finding["what"]
    if what == "weights":
        return ("Not compared: the reference's weights do not fit your model because its layers "
                "differ (see the structure check of this configuration).", None)
    if what == "output_count":
        return f"Your model has {finding['found']} outputs, expected {finding['expected']}.", None
    names = context.exercise.returns.names
    name = names[finding["output"] - 1] if finding["output"] - 1 < len(names) else f"output {finding['output']}"
    if what == "output_shape":
        return (f"{name} has shape {shape_text(finding['found'])}, expected {shape_text(finding['expected'])}.",
                None)
    position = ", ".join(str(index) for index in finding["position"])
    text = (f"With the reference's weights copied in and the same input, {name} differs from the "
            f"reference's: at position ({position}) it is {finding['found']:.5g}, expected "
            f"{finding['expected']:.5g} (difference {finding['difference']:.3g}).")
    if not structure_matches:
        return text + " The structure check of this configuration names the cause.", None
    return (text, "The layers match, so something in how they compute differs: a custom layer, a "
                  "changed call, or an operation applied outside the layers.")


# ---------------------------------------------------------------- errors

def error_message(error, context):
    """(message, hint) for an error while the student's code ran (see student_errors.py)."""
    kind = error["kind"]
    function = error.get("function") or context.function or "your code"
    where = _where(error)
    if error.get("loading"):
        return _loading_message(error, function, context), _error_hint(error, context)
    if kind == "not_implemented":
        text = error["text"]
        if "not implemented" not in text:
            text = f"{function} is not implemented yet: {_sentence(text or 'it raises NotImplementedError')}{where}"
        return text, None
    if kind == "exception":
        return f"{function} {raised_text(error)}{where}", _error_hint(error, context)
    if kind == "interrupt":
        return (f"{function} {raised_text(error, empty='')}: {INTERRUPT_WORDS}, and it counts as an error. "
                f"Remove the code that raises it.{where}", None)
    if kind == "exit":
        return (f"{function} called sys.exit({error['text']}); the grader does not stop for it, and it "
                f"counts as an error: remove exit calls from your code.{where}", None)
    if kind == "block_timeout" and error.get("in_exercise"):  # it ran past its own exercise's time limit before
        block, graded_in = error["in_function"], error["in_exercise"]
        return (f"{block} ({graded_in}) did not finish within {error['limit']:g} s when {graded_in} graded it "
                f"(the time limit per exercise; --timeout changes it), so the grader does not call it again; "
                f"{function} is graded with the reference blocks instead. Look for a loop in {block} that never "
                f"ends.", None)
    if kind == "block_timeout":
        block = error["in_function"]
        exercise = context.table.grading(block)
        return (f"{block}{f' ({exercise.name})' if exercise else ''} did not finish within {error['limit']:g} s "
                f"when {function} called it, so the grader stopped it and does not wait for it again; "
                f"{function} is graded with the reference blocks instead. Look for a loop in {block} that never "
                f"ends.", None)
    if kind == "memory":
        return (f"{function} ran out of memory: the grader allows {context.memory_mb or '?'} MiB. "
                f"Look for a loop that keeps growing a list or makes tensors far larger than the input.{where}",
                None)
    if kind == "return":
        return f"{function} returned {error['found']}; expected {error['expected']}.", _return_hint(function, context)
    if kind == "disconnected":
        return (f"The tensors {function} returned are not computed from its input arguments "
                f"(Keras says: {error['text']}).",
                "Build every layer on the tensors passed in; never create a new Input inside the block.")
    if kind == "unreadable":
        return (f"The grader could not read the model {function} built ({error['text']}).",
                "Build it with the Keras functional API from the layers the docstring names.")
    if kind == "missing" and str(context.display).endswith(".ipynb"):
        from grader.grading.sources.notebook import missing_cell_message

        return missing_cell_message(context.display, context.table.grading(function) or context.exercise), None
    if kind == "missing":
        return (f"{context.display} defines no function {function}: keep the name "
                f"and arguments the exercise gives.", None)
    return supervision_message(error, context), None


def load_error_message(error, context):
    """(message, hint) for a source that could not be imported at all: nothing in it can be graded."""
    display = context.display
    kind = error["kind"]
    if kind == "syntax":
        code = f"\n    {error['code'].strip()}" if error.get("code") else ""
        return (f"Syntax error in {error['where']}: {_sentence(error['text'])} Python cannot read the "
                f"file, so nothing in it can be graded; fix that line first.{code}", None)
    if kind == "exit":
        return (f"Importing {display} calls sys.exit({error['text']}), so nothing can be graded: remove "
                f"exit calls from the module's top level.{_where(error)}", None)
    if kind == "interrupt":
        return (f"Importing {display} {raised_text(error, empty='')}: {INTERRUPT_WORDS}, and nothing can "
                f"be graded until the file imports. Remove the code that raises it.{_where(error)}", None)
    if kind == "missing_package":
        users = " and ".join(error["users"]) or "the graded code"
        return (f"{error['where']}: `{error['statement']}` failed: the package {error['package']} is not "
                f"installed here, and {users} {'use' if len(error['users']) > 1 else 'uses'} it, so "
                f"{'they' if len(error['users']) > 1 else 'it'} cannot be graded.",
                f"`pip install {error['pip']}`, or remove the import if you don't use it.")
    if kind == "unreadable_file":
        return error["text"], None
    if kind in ("timeout", "memory_watch", "crashed", "forged", "tampered", "answers", "broken"):
        return supervision_message(error, context, what=f"importing {display}",
                                   doing=f"{display} was being imported"), None
    failed = raised_text(error).replace("raised", "failed with", 1)
    return (f"Importing {display} {_sentence(failed)} Nothing can be "
            f"graded until the file imports.{_where(error)}", _import_hint(error))


INTERRUPT_WORDS = ("your code raised it itself (nobody pressed Ctrl-C, and the grader was not "
                   "interrupted)")


def raised_text(error, empty="(no message)"):
    """'raised ValueError: its text', or '... (its message could not be read: str() raised TypeError)'.

    `empty` is said after the colon when the exception has no text ('' leaves the colon out).
    """
    if error.get("unreadable"):
        return f"raised {error['type']} (its message could not be read: {error['unreadable']})"
    text = error.get("text") or empty
    return f"raised {error['type']}: {text}" if text else f"raised {error['type']}"


def _loading_message(error, function, context):
    """A graded function that was never defined: a statement it needs failed when the source was loaded."""
    kind = error["kind"]
    after = ""
    if kind == "exit":
        what = f"called sys.exit({error['text']})"
    elif kind == "interrupt":
        what, after = raised_text(error, empty=""), f": {INTERRUPT_WORDS}"
    elif kind == "memory":
        what = f"ran out of memory (the grader allows {context.memory_mb or '?'} MiB)"
    else:
        what = raised_text(error)
    return (f"{function} cannot be graded: a statement it needs {what} when {context.display} was loaded, so "
            f"{function} was never defined{after}.{_where(error)}")


def supervision_message(error, context, what=None, doing=None):
    """Words for what the parent saw from outside: time limit, memory watch, crash, tampering.

    `what` names what was running (default: the graded function), `doing` says it as a clause.
    """
    function = what or context.function or "your code"
    kind = error["kind"]
    if kind == "timeout":
        return (f"{function} did not finish within {error['limit']:g} s (the time limit per exercise; "
                f"--timeout changes it), so the grader stopped it. Look for a loop that never ends.")
    if kind == "memory_watch":
        return (f"{function} used more than {error['limit_mb']} MiB of memory, so the grader stopped it. "
                f"Look for a loop that keeps growing a list or makes huge tensors.")
    if kind == "crashed" and error.get("signal") == "SIGINT":
        doing = doing or f"{function} ran"
        return (f"The grading process was stopped by a KeyboardInterrupt (signal SIGINT) while {doing}: "
                f"your code raised it or sent it to its own process (nobody pressed Ctrl-C, and the grader "
                f"was not interrupted). Remove that code; nothing else can be graded while it is there.")
    if kind == "crashed":
        cause = f"signal {error['signal']}" if error.get("signal") else f"exit status {error.get('returncode')}"
        doing = doing or f"{function} ran"
        return (f"The grading process ended abruptly ({cause}) while {doing}: does your code "
                f"call os._exit() or exit(), or kill its own process? Remove that call; nothing else "
                f"can be graded while it is there.")
    if kind == "forged":
        return ("Something wrote into the grader's private result channel while your code ran, so its "
                "results cannot be trusted and the exercise scores 0. Do not write to file descriptors "
                "your code did not open.")
    if kind == "broken":
        return (f"The grading process broke while {doing or function + ' ran'} ({error['text']}): the grader's "
                f"own code failed after yours changed the state of Python it relies on (sys.modules, builtins, "
                f"the standard library?). Remove the code that changes them.")
    if kind == "answers":
        attempts = ", ".join(f"`{attempt}`" for attempt in error["attempts"][:3])
        return (f"Your code tried to reach the reference answers ({attempts}), which is not allowed while "
                f"grading, so the exercise scores 0. Remove the code that imports or reads them.")
    if kind == "tampered":
        names = ", ".join(error["changes"][:5]) + (" ..." if len(error["changes"]) > 5 else "")
        keras = [name for name in error["changes"] if name.split(".")[0] in ("keras", "tensorflow")]
        what = ("the grader's own modules" if not keras else "Keras' own classes" if len(keras) == len(error["changes"])
                else "the grader's and Keras' own code")
        return (f"Your code changed {what} ({names}), so the exercise scores 0. "
                f"Remove the code that modifies them.")
    return f"{function} could not be graded ({kind})."


def _sentence(text):
    """`text` ending with one full stop (or its own '?' or '!')."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _where(error):
    """'\n    at exercises/unet.py, line 48: conv = ...' for errors located in the student's file."""
    if not error.get("where"):
        return ""
    code = f": {error['code']}" if error.get("code") else ""
    return f"\n    at {error['where']}{code}"


def _error_hint(error, context):
    """The exercise's own hint for this exception (exercise table), else one that fits any exercise."""
    for hint in context.exercise.error_hints:
        text = hint(error, context)
        if text:
            return text
    return _exception_hint(error, context)


_TEMPLATE_NONE = re.compile(r"\b(?:Conv2D|Conv2DTranspose|MaxPooling2D|Dropout)\(\s*None\b|,\s*None\s*[,)]|=\s*None\s*[,)]")


def _exception_hint(error, context):
    text = error.get("text", "")
    if "None" in text and _TEMPLATE_NONE.search(error.get("code") or ""):
        return ("This is still the template's `None`: fill in the filters and kernel size (and every other "
                "`None` of the line) with what the docstring gives, e.g. Conv2D(n_filters, 3, ...).")
    if re.search(r"expects 1 input\(s\), but it received 2 input tensors", text):
        return ("A layer was given a pair of tensors: conv_block returns two, (next_layer, skip_connection). "
                "Pass one of them, e.g. cblock1[0] (next_layer) to the next conv_block, not cblock1.")
    keyword = unexpected_keyword(text)
    block = keyword and context.table.grading(keyword[0])
    if block is not None and block.parameters:
        function, name = keyword
        close = difflib.get_close_matches(name, block.parameters, n=1, cutoff=0.5)
        takes = f"it takes {close[0]}" if close else f"its arguments are {', '.join(block.parameters)}"
        return (f"The exercise's {function} has no argument {name}: {takes}. Keep the names of the "
                f"exercise's `def` line and call {function}(..., {close[0] if close else '...'}=...).")
    if "Concatenate" in text and "matching shapes" in text:
        return _concatenate_error_hint(text)
    if error.get("type") == "NameError":
        return "A name is not defined: check the spelling and that it is imported at the top of the file."
    if "not subscriptable" in text or "unpack" in text:
        return ("conv_block returns two tensors (next_layer, skip_connection): index its result, "
                "e.g. cblock1[0] for next_layer and cblock1[1] for skip_connection.")
    return None


def _concatenate_error_hint(text):
    """Read the two shapes Keras names and say which common mistake makes them disagree."""
    shapes = keras_shapes(text)
    if len(shapes) == 2:
        (h1, w1, c1), (h2, w2, c2) = shapes
        if (h1, w1) == (h2, w2):
            return ("The two tensors agree in height and width but not in channels: concatenate "
                    "along the channel axis, axis=3 (or -1).")
        if (h1, w1) == (h2 // 2, w2 // 2):
            return (f"The upsampled tensor ({h1}x{w1}) is half the size of the skip connection "
                    f"({h2}x{w2}): Conv2DTranspose(n_filters, 3, strides=2, padding='same') doubles the "
                    f"size; also check that each decoder block gets the skip connection of the matching "
                    f"encoder block.")
        if (h1, w1) == (2 * h2, 2 * w2):
            return (f"The upsampled tensor ({h1}x{w1}) is twice the size of the tensor joined to it "
                    f"({h2}x{w2}): check that each decoder block gets the skip connection (cblock[1]) of "
                    f"the encoder block of its size, not its pooled next_layer (cblock[0]), and that each "
                    f"encoder block gets the pooled next_layer of the one before, not its skip connection.")
    return ("The tensors you concatenate must have the same height and width: check which skip "
            "connection each decoder block gets, and that Conv2DTranspose doubles the size (strides=2).")


def _import_hint(error):
    if error.get("type") in ("ModuleNotFoundError", "ImportError"):
        return ("Check the spelling of the import; the layers come from tensorflow.keras.layers "
                "(or keras.layers).")
    return None


def _return_hint(function, context):
    exercise = context.table.grading(function)
    return f"Finish with `{exercise.returns.statement}`." if exercise and exercise.returns.statement else None


# ---------------------------------------------------------------- passed checks

def passed_structure_message(description, config_text):
    """'Matches the reference: 5 layers, 10,144 parameters (96x128x3 input, 32 filters).'"""
    params = sum(layer["params"] for layer in description["layers"])
    return f"Matches the reference: {len(description['layers'])} layers, {params:,} parameters ({config_text})."


def passed_behaviour_message(config_text):
    """The message of a passed behaviour check."""
    return f"Same outputs as the reference with the reference's weights, on a fixed input ({config_text})."


def own_blocks_message(faulty_blocks, failure_text, unet_right, context):
    """The dependencies check: which exercise a difference with the student's own blocks comes from.

    Arguments:
        faulty_blocks: the block functions that fail on their own inside the model (empty when none does).
        failure_text: the first failure, already worded.
        unet_right: whether the graded function passes when built with the reference blocks.
        context: the exercise built from the blocks.
    """
    table, function = context.table, context.function
    if faulty_blocks:
        block = faulty_blocks[0]
        others = " and ".join(other.function for other in table.blocks_of(context.exercise)
                              if other.function != block)
        faults = " and ".join(f"{table.grading(name).name} ({name})" for name in faulty_blocks)
        return (f"With your own blocks the U-Net differs from the reference; the fault comes from "
                f"{faults}. With your {block} and the reference {others}, {failure_text}\n"
                f"Your {function} itself is right (it passes with the reference blocks): fix "
                f"{table.grading(block).name} and this check passes too.")
    if unet_right:
        return f"Your blocks pass one at a time inside the U-Net, but not together: {failure_text}"
    return (f"With your own blocks the U-Net differs from the reference (a fault of {context.exercise.name}, "
            f"{function}): {failure_text}")


def same_mistake_text(first_config, others):
    """The line under a mistake found on several configurations: 'The same on random configurations 1, 2 and 3.'"""
    return f"The same on {configs_listed(others)} ({len(others) + 1} configurations in all)."


def same_as_text(first_config, mistake_text):
    """The message of a check whose mistake was said in full on `first_config`'s check."""
    return f"The same mistake as on {first_config}: {mistake_text}."


def configs_listed(names):
    """['course configuration 2', 'random configuration 1', 'random configuration 3'] ->
    'course configuration 2 and random configurations 1 and 3'."""
    by_origin = {}
    for name in names:
        origin, _, number = name.rpartition(" ")
        by_origin.setdefault(origin, []).append(number)
    parts = [f"{origin} {numbers[0]}" if len(numbers) == 1 else f"{origin}s {_and(numbers)}"
             for origin, numbers in by_origin.items()]
    return _and(parts)


def _and(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def inert_notes(found, context, config_names=None):
    """One note per setting difference that changes no output on the configurations graded (found:
    [(configuration index, compare.inert_differences finding)]), the layers it holds for named once."""
    grouped = {}
    for _, finding in found:
        key = (finding["at"]["kind"], finding["setting"], str(finding["expected"]), str(finding["found"]),
               finding["reason"])
        numbers = grouped.setdefault(key, [])
        if finding["at"]["number"] not in numbers:
            numbers.append(finding["at"]["number"])
    notes = []
    for (kind, setting, _, _, reason), numbers in grouped.items():
        finding = next(f for _, f in found if (f["at"]["kind"], f["setting"], f["reason"]) == (kind, setting, reason))
        layers = _numbered(kind, sorted(numbers))
        name = SETTING_NAMES.get(setting, setting)
        difference = (f"{layers}: {name} {value_text(setting, finding['found'])}, the reference's "
                      f"{value_text(setting, finding['expected'])}")
        if reason == "unpadded":
            why = (f"this changes nothing here, since on the inputs {context.function} admits "
                   f"({context.exercise.admitted}) 'same' pads nothing and the outputs are the reference's; "
                   f"the exercise leaves it at the default")
        elif reason == "training_only":
            why = ("this changes only how the model trains (a penalty added to the loss, or which activations "
                   "are dropped while training), never its outputs; the exercise does not ask for it")
        else:
            why = ("this only chooses the starting weights: given the same weights the outputs are the "
                   "reference's; the exercise leaves it at Keras' default")
        notes.append(f"{difference}: {why}. It costs no points.")
    return notes


def _numbered(kind, numbers):
    """'Conv2DTranspose #1', 'Conv2DTranspose #1, #2 and #3'."""
    marks = [f"#{number}" for number in numbers]
    listed = marks[0] if len(marks) == 1 else f"{', '.join(marks[:-1])} and {marks[-1]}"
    return f"{kind} {listed}"


def renamed_keyword_note(renamed, context):
    """The note of an exercise graded with the student's own blocks, since the reference blocks cannot
    be called with the keywords the student's model gives them (`renamed`: [(block, keyword), ...])."""
    own = " and ".join(block.function for block in context.table.blocks_of(context.exercise))
    calls = []
    for function, keyword in renamed:
        block = context.table.grading(function)
        close = difflib.get_close_matches(keyword, block.parameters, n=1, cutoff=0.5) if block else []
        calls.append(f"{function} with `{keyword}=`, which the exercise's {function} does not take"
                     + (f" (rename it to {close[0]})" if close else ""))
    return (f"Graded with your own {own}: your {context.function} calls {'; and '.join(calls)}, so the "
            f"reference blocks cannot be called the way yours are. Keep the argument names of the exercise's "
            f"`def` lines.")
