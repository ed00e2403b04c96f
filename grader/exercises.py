"""The exercise table: everything the package knows about each exercise, in one record.

An `Exercise` says which function it grades, how the grader calls it with a
configuration, the course's own configurations and how random ones are drawn, the
function's defaults, what it must return, its points, which other exercises it is built
from, and its learner-facing words (the notebook's introduction, the hints for its
common mistakes). Every other module asks the table; none of them branches on an
exercise's or a function's name.

`COURSE` is the U-Net course's table. A course author can grade another set of
exercises by making another `ExerciseTable` and naming it with its locator
("package.module:NAME" or "path/to/file.py:NAME"), which is how it travels to the
grading processes.

This module never imports TensorFlow: `call` functions import Keras when they run,
which is only ever in a grading child.
"""
import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from typing import Callable

RANDOM_PER_EXERCISE = 3


def shape_text(shape):
    """[96, 128, 3] -> '96x128x3'."""
    return "x".join("?" if size is None else str(size) for size in shape)


_KERAS_SHAPES = re.compile(r"\(None, (\d+), (\d+), (\d+)\)")


def keras_shapes(text):
    """The (height, width, channels) of each `(None, H, W, C)` shape a Keras message names, in order."""
    return [tuple(map(int, sizes)) for sizes in _KERAS_SHAPES.findall(text)]


_UNEXPECTED_KEYWORD = re.compile(r"^(\w+)\(\) got an unexpected keyword argument '(\w+)'")


def unexpected_keyword(text):
    """('conv_block', 'num_filters') for Python's "conv_block() got an unexpected keyword argument
    'num_filters'", else None."""
    match = _UNEXPECTED_KEYWORD.match(text or "")
    return match.groups() if match else None


@dataclass(frozen=True)
class Returns:
    """What a graded function must return.

    Attributes:
        kind: "tensors" (KerasTensors computed from the inputs) or "model" (a functional keras.Model).
        count: how many tensors (kind "tensors").
        expected: the words for it in messages ("(next_layer, skip_connection)").
        names: how each output is called in messages, in order.
        statement: the `return` line the hint suggests.
    """

    kind: str
    count: int = 1
    expected: str = ""
    names: tuple = ()
    statement: str = ""


@dataclass(frozen=True)
class Equivalence:
    """Which differences from the reference change no output, so that they are a note, never lost points.

    The rule: a setting that differs from the reference's costs nothing when it changes no
    output on any input the exercise admits (`Exercise.admits`) and the exercise does not
    ask for it. compare.py decides it per configuration from what the code computes:

    Attributes:
        initial_weights_only: layer kind -> settings that only choose the layer's starting weights
            and that the exercise leaves at Keras' defaults (the course's tests do not look at
            them). Given the same weights the outputs are equal, which the behaviour checks
            confirm by running both models with the reference's weights. A setting the
            exercise asks for (Conv2D's kernel_initializer='he_normal') is never listed.
        training_only: layer kind -> settings that change only how the model trains, never what it
            outputs (a regularizer adds a penalty to the training loss; a Dropout's noise_shape chooses
            which activations it drops while training), and that the exercise does not ask for.
        padding_where_unpadded: layer kinds whose padding counts only where 'same' would pad:
            where the windows tile the layer's input exactly (pool 2, stride 2 on an even size),
            'same' and 'valid' compute the same output. Computed from each configuration's sizes.
    """

    initial_weights_only: dict = field(default_factory=dict)
    training_only: dict = field(default_factory=dict)
    padding_where_unpadded: tuple = ()


_REGULARIZERS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer")

# What the course's own tests look at, per layer: the class, the output shape, the parameter count, and
# Conv2D's padding, activation and kernel initializer, MaxPooling2D's pool size, Dropout's rate. Every
# setting below is one they do not look at and that changes no output given the same weights.
COURSE_EQUIVALENCE = Equivalence(
    initial_weights_only={"Conv2D": ("bias_initializer",),
                          "Conv2DTranspose": ("kernel_initializer", "bias_initializer")},
    training_only={"Conv2D": _REGULARIZERS, "Conv2DTranspose": _REGULARIZERS, "Dropout": ("noise_shape",)},
    padding_where_unpadded=("MaxPooling2D",),
)


@dataclass(frozen=True)
class Points:
    """Points per check: each structure check, each behaviour check, the dependencies check."""

    structure: int = 2
    behaviour: int = 1
    own_blocks: int = 2


@dataclass(frozen=True)
class Exercise:
    """One graded exercise.

    Attributes:
        name: "exercise1".
        function: the graded function's name, "conv_block".
        course: the arguments of the course's own configurations (shapes without the batch), called
            exactly as the course's notebook calls the function (`conv_block(inputs, 32)`,
            `unet_model((96, 128, 3))`): the arguments a configuration lists under LEFT_AT_DEFAULTS
            are left out of its call, so that the defaults the course relies on are graded, and
            only those (see `free_defaults`).
        draw: function(random.Random) -> the arguments of RANDOM_PER_EXERCISE random configurations.
        call: function(graded function, arguments) -> (the Keras inputs made, what the function
            returned); runs in the grading child only.
        returns: what the function must return.
        describe_args: function(arguments) -> the configuration in words.
        defaults: the function's own defaults (the exercise's `def` line); a value found equal to
            one of them where the configuration asked for another is the sign of a hard-coded number.
        parameters: the arguments of the exercise's `def` line, in order.
        always_passed: the arguments every call of the function passes (each configuration's call,
            and the calls of a course's `unet_model` of its blocks): their defaults never matter, and
            one that is not a plain literal (`inputs=processed_image_ds`) is never computed.
        blocks: names of the exercises whose functions this one is built from (graded with
            the student's own blocks and with the reference's).
        hints: functions(finding, context) -> a hint for a mistake typical of this exercise, or None.
        last_hints: like `hints`, tried after the hints that fit any exercise (for the broad ones).
        error_hints: functions(error, context) -> a hint for an exception typical of this exercise
            (the error's plain data, see student_errors.py), or None.
        admits: function(arguments) -> None when the exercise admits the configuration, else the
            reason in words; `draw` draws across exactly the admitted set (tests/exercises checks it),
            so a verdict of equivalence (`equivalence`) holds on every input the exercise admits.
        admitted: the admitted inputs in words, for notes and the README.
        equivalence: which differences change no output (see Equivalence).
        points: the points of each check.
        intro: the notebook's Markdown before the graded cell.
    """

    name: str
    function: str
    course: tuple
    draw: Callable
    call: Callable
    returns: Returns
    describe_args: Callable
    defaults: dict = field(default_factory=dict)
    parameters: tuple = ()
    always_passed: tuple = ()
    blocks: tuple = ()
    hints: tuple = ()
    last_hints: tuple = ()
    error_hints: tuple = ()
    admits: Callable = None
    admitted: str = ""
    equivalence: Equivalence = Equivalence()
    points: Points = Points()
    intro: str = ""


    @property
    def free_defaults(self):
        """The defaults of the `def` line that no course configuration leaves its argument at: the
        course never relies on them, so a `def` line that changes or drops one costs no points
        (a note says so)."""
        relied = {name for args in self.course for name in args.get(LEFT_AT_DEFAULTS, ())}
        return {name: value for name, value in self.defaults.items() if name not in relied}


@dataclass(frozen=True)
class ExerciseTable:
    """The exercises of a course, in order, and where their code lives.

    Attributes:
        exercises: the Exercise records, in the order they are taught and graded.
        reference: the reference module ("solutions.unet"), or a .py file path.
        stubs: the students' module ("exercises.unet"), which the grader grades by default.
        locator: how a grading process finds this table ("grader.exercises:COURSE").
    """

    exercises: tuple
    reference: str
    stubs: str
    locator: str

    @property
    def reference_package(self):
        """The top-level package of the reference ("solutions"), which a student bundle leaves out."""
        return self.reference.split(".")[0]

    @property
    def names(self):
        """['exercise1', 'exercise2', ...]."""
        return [exercise.name for exercise in self.exercises]

    @property
    def functions(self):
        """['conv_block', 'upsampling_block', ...]."""
        return [exercise.function for exercise in self.exercises]

    def get(self, name):
        """The exercise called `name`; KeyError when there is none."""
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    def grading(self, function):
        """The exercise that grades `function` ('exercise1' for 'conv_block'), or None."""
        for exercise in self.exercises:
            if exercise.function == function:
                return exercise
        return None

    @property
    def free_defaults(self):
        """{'unet_model': {'input_size': [96, 128, 3]}, ...}: each function's defaults no configuration relies on."""
        return {exercise.function: exercise.free_defaults for exercise in self.exercises}

    @property
    def always_passed(self):
        """{'conv_block': ('inputs',), ...}: the arguments every call of each graded function passes."""
        return {exercise.function: exercise.always_passed for exercise in self.exercises}

    def blocks_of(self, exercise):
        """The exercises whose functions `exercise` is built from."""
        return [self.get(name) for name in exercise.blocks]


def load_table(locator):
    """The ExerciseTable named by `locator`: "package.module:NAME" or "path/to/file.py:NAME"."""
    where, _, attribute = locator.rpartition(":")
    if where.endswith(".py"):
        spec = importlib.util.spec_from_file_location(f"_exercise_table_{abs(hash(where))}", where)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    return getattr(module, attribute)


LEFT_AT_DEFAULTS = "left_at_defaults"  # a configuration's arguments that the call leaves out


def passed(args, names):
    """The values of the arguments `names` that a call passes: up to the first one left at its default.

    A configuration whose LEFT_AT_DEFAULTS lists some arguments is built by calling the
    function without them, as the course's notebook does, so that the function's own
    defaults are graded too ("Keep the names, arguments and defaults").
    """
    left = set(args.get(LEFT_AT_DEFAULTS, ()))
    values = []
    for name in names:
        if name in left:
            break
        values.append(args[name])
    return values


def defaults_text(args, function, shown):
    """': unet_model(input_size) with its defaults' for a configuration that leaves arguments out, else ''."""
    return f": {function}({', '.join(shown)}) with its defaults" if args.get(LEFT_AT_DEFAULTS) else ""


def _defaults_hint(finding, context):
    """Last of the hints: a configuration built with the function's defaults differs."""
    left = (context.args or {}).get(LEFT_AT_DEFAULTS)
    if not left or finding["what"] not in ("setting", "layers", "shape", "params"):
        return None
    if getattr(context, "full_calls_pass", None) is False:
        return None  # the configurations that pass every argument fail too: the defaults are not the cause
    return (f"This configuration calls {context.function} with {_left_at_defaults(left)}: if "
            f"the configurations that pass every argument are right, the defaults of your `def` line differ "
            f"from the exercise's ({_defaults_listed(left, context)}).")


def _defaults_error_hint(error, context):
    left = (context.args or {}).get(LEFT_AT_DEFAULTS)
    text = error.get("text") or ""
    if left and error.get("type") == "TypeError" and "argument" in text and not unexpected_keyword(text):
        return (f"This configuration calls {context.function} with {_left_at_defaults(left)}: "
                f"keep the defaults of the exercise's `def` line ({_defaults_listed(left, context)}).")
    return None


def _left_at_defaults(names):
    """'n_filters left at its default', 'input_size, n_filters and n_classes left at their defaults'."""
    if len(names) == 1:
        return f"{names[0]} left at its default"
    return f"{', '.join(names[:-1])} and {names[-1]} left at their defaults"


def _defaults_listed(names, context):
    """The exercise's defaults of the arguments `names`: "n_filters=32, n_classes=23"."""
    return ", ".join(f"{name}={_default_text(context.exercise.defaults.get(name))}" for name in names)


def _default_text(value):
    return repr(tuple(value)) if isinstance(value, list) else repr(value)


def other_than_default(rng, low, high, default=32):
    """A whole number in [low, high] that differs from the functions' default (32 filters, by default)."""
    return rng.choice([n for n in range(low, high + 1) if n != default])


# ---------------------------------------------------------------- exercise 1: conv_block

def _draw_conv_block(rng):
    """Three encoder blocks: no pooling, dropout without pooling, dropout with pooling; the sizes drawn
    across what conv_block admits (any size without pooling, even sizes with it)."""
    plans = [(0, False), (round(rng.uniform(0.05, 0.5), 2), False), (round(rng.uniform(0.05, 0.5), 2), True)]
    return [{
        "input_shape": [_size(rng, pooling), _size(rng, pooling), rng.randint(1, 8)],
        "n_filters": other_than_default(rng, 3, 48),
        "dropout_prob": dropout,
        "max_pooling": pooling,
    } for dropout, pooling in plans]


def _size(rng, pooling):
    """A height or width in 6..48: even when the block pools, any whole number when it does not."""
    return 2 * rng.randint(3, 24) if pooling else rng.randint(6, 48)


def _conv_block_admits(args):
    """None when conv_block admits the configuration: with pooling, an even height and width (the
    course's U-Net pools only even sizes; MaxPooling2D(2) of an odd size drops a row or column)."""
    height, width = args["input_shape"][:2]
    if args["max_pooling"] and (height % 2 or width % 2):
        return f"with max pooling the height and width must be even, not {height}x{width}"
    return None


def _call_conv_block(function, args):
    import keras

    inputs = [keras.Input(tuple(args["input_shape"]))]
    left = args.get(LEFT_AT_DEFAULTS, ())
    keywords = {name: args[name] for name in ("dropout_prob", "max_pooling") if name not in left}
    return inputs, function(inputs[0], *passed(args, ["n_filters"]), **keywords)


def _describe_conv_block_args(args):
    text = f"{shape_text(args['input_shape'])} input, {args['n_filters']} filters"
    if args["dropout_prob"]:
        text += f", dropout {args['dropout_prob']}"
    text += "" if args["max_pooling"] else ", max_pooling=False"
    return text + defaults_text(args, "conv_block", ["inputs", "n_filters"])


def _conv_block_pooling_hint(finding, context):
    if finding["what"] != "layers":
        return None
    max_pooling = (context.args or {}).get("max_pooling")
    if finding["change"] in ("extra", "replaced") and "MaxPooling2D" in finding["found"] and max_pooling is False:
        return ("max_pooling is False here: add MaxPooling2D only `if max_pooling:`; otherwise "
                "next_layer is the convolution's output itself.")
    if finding["change"] in ("missing", "replaced") and "MaxPooling2D" in finding["expected"] and max_pooling:
        return "max_pooling is True here: finish with next_layer = MaxPooling2D(2)(...) on the block's output."
    return None


def _conv_block_dropout_hint(finding, context):
    if finding["what"] == "layers" and "Dropout" in finding["expected"] and finding["change"] in ("missing", "replaced"):
        return (f"dropout_prob is {(context.args or {}).get('dropout_prob')} here: add Dropout(dropout_prob) "
                f"after the second convolution when dropout_prob > 0.")
    return None


def _conv_block_order_hint(finding, context):
    if finding["what"] == "layers" and finding["change"] == "swapped" and \
            sorted(finding["expected"]) == ["Dropout", "MaxPooling2D"]:
        return ("Apply Dropout(dropout_prob) to the second convolution's output, then MaxPooling2D to the "
                "Dropout's output: the skip connection is the Dropout's output, taken before pooling.")
    return None


def _conv_block_outputs_hint(finding, context):
    if finding["what"] == "outputs" and finding["swapped"]:
        return "Return next_layer first, then skip_connection: `return next_layer, skip_connection`."
    return None


CONV_BLOCK = Exercise(
    name="exercise1",
    function="conv_block",
    course=(
        {"input_shape": [96, 128, 3], "n_filters": 32, "dropout_prob": 0, "max_pooling": True,
         LEFT_AT_DEFAULTS: ["dropout_prob", "max_pooling"]},  # conv_block(inputs, 32), as the course calls it
        {"input_shape": [96, 128, 3], "n_filters": 1024, "dropout_prob": 0.1, "max_pooling": True},
    ),
    draw=_draw_conv_block,
    call=_call_conv_block,
    returns=Returns("tensors", count=2, expected="(next_layer, skip_connection)",
                    names=("next_layer", "skip_connection"),
                    statement="return next_layer, skip_connection"),
    describe_args=_describe_conv_block_args,
    defaults={"n_filters": 32, "dropout_prob": 0, "max_pooling": True},
    parameters=("inputs", "n_filters", "dropout_prob", "max_pooling"),
    always_passed=("inputs",),
    hints=(_conv_block_pooling_hint, _conv_block_dropout_hint, _conv_block_order_hint, _conv_block_outputs_hint),
    last_hints=(_defaults_hint,),
    error_hints=(_defaults_error_hint,),
    admits=_conv_block_admits,
    admitted="any height and width without max pooling, even ones with it",
    equivalence=COURSE_EQUIVALENCE,
    intro="""
## 2. Exercise 1: the encoder block, `conv_block`

An encoder block looks at its input with two 3x3 convolutions (ReLU, `same` padding, so
the height and width stay), optionally drops a fraction of its activations while
training (dropout), and then halves the height and width with 2x2 max pooling so the
next block sees a wider context. It returns **two** tensors: the pooled one, which
feeds the next encoder block, and the one before pooling, the *skip connection* that
the decoder will use later.

Follow the layer list in the docstring, then run the cell after it to check your work.
""",
)


# ---------------------------------------------------------------- exercise 2: upsampling_block

def _draw_upsampling_block(rng):
    """Three decoder blocks with their own sizes, channel counts and filter counts."""
    draws = []
    for _ in range(RANDOM_PER_EXERCISE):
        height, width = rng.randint(2, 12), rng.randint(2, 12)
        draws.append({
            "expansive_shape": [height, width, rng.randint(2, 64)],
            "contractive_shape": [2 * height, 2 * width, rng.randint(2, 64)],
            "n_filters": other_than_default(rng, 3, 48),
        })
    return draws


def _upsampling_block_admits(args):
    """None when upsampling_block admits the configuration: the contractive input twice the expansive one's size."""
    (height, width), (c_height, c_width) = args["expansive_shape"][:2], args["contractive_shape"][:2]
    if (c_height, c_width) != (2 * height, 2 * width):
        return f"the contractive input must be twice the expansive input's size, not {c_height}x{c_width}"
    return None


def _call_upsampling_block(function, args):
    import keras

    inputs = [keras.Input(tuple(args["expansive_shape"])), keras.Input(tuple(args["contractive_shape"]))]
    return inputs, function(inputs[0], inputs[1], *passed(args, ["n_filters"]))


def _describe_upsampling_block_args(args):
    return (f"{shape_text(args['expansive_shape'])} expansive and "
            f"{shape_text(args['contractive_shape'])} contractive input, {args['n_filters']} filters"
            f"{defaults_text(args, 'upsampling_block', ['expansive_input', 'contractive_input'])}")


UPSAMPLING_BLOCK = Exercise(
    name="exercise2",
    function="upsampling_block",
    course=({"expansive_shape": [12, 16, 256], "contractive_shape": [24, 32, 128], "n_filters": 32},),
    # upsampling_block(expansive_inputs, contractive_inputs, 32), as the course calls it
    draw=_draw_upsampling_block,
    call=_call_upsampling_block,
    returns=Returns("tensors", count=1, expected="one tensor (the output of the last Conv2D)",
                    names=("the output",), statement="return conv"),
    describe_args=_describe_upsampling_block_args,
    defaults={"n_filters": 32},
    parameters=("expansive_input", "contractive_input", "n_filters"),
    always_passed=("expansive_input", "contractive_input"),
    admits=_upsampling_block_admits,
    admitted="any height and width, with a contractive input of twice that size",
    equivalence=COURSE_EQUIVALENCE,
    intro="""
## 3. Exercise 2: the decoder block, `upsampling_block`

A decoder block doubles the height and width with a transposed convolution (stride 2),
joins the result with the skip connection of the encoder block of the same size along
the channel axis, and mixes the two with two 3x3 convolutions.
""",
)


# ---------------------------------------------------------------- exercise 3: unet_model

def _draw_unet_model(rng):
    """Three small U-Nets (sizes multiples of 16, few filters, other class counts)."""
    return [{
        "input_size": [16 * rng.randint(1, 4), 16 * rng.randint(1, 4), rng.randint(1, 5)],
        "n_filters": other_than_default(rng, 2, 12),
        "n_classes": other_than_default(rng, 2, 30, default=23),
    } for _ in range(RANDOM_PER_EXERCISE)]


def _unet_model_admits(args):
    """None when unet_model admits the configuration: a height and width that are multiples of 16 (four poolings)."""
    height, width = args["input_size"][:2]
    if height % 16 or width % 16:
        return f"the height and width must be multiples of 16, not {height}x{width}"
    return None


def _call_unet_model(function, args):
    values = passed({**args, "input_size": tuple(args["input_size"])}, ["input_size", "n_filters", "n_classes"])
    return None, function(*values)


def _describe_unet_model_args(args):
    return (f"{shape_text(args['input_size'])} input, {args['n_filters']} filters, "
            f"{args['n_classes']} classes{defaults_text(args, 'unet_model', ['input_size'])}")


def _unet_pooling_hint(finding, context):
    if finding["what"] != "layers":
        return None
    if finding["change"] in ("missing", "replaced") and "MaxPooling2D" in finding["expected"]:
        return ("A MaxPooling2D missing from the model usually means an encoder block was fed the "
                "skip connection: feed each block with the first output (next_layer) of the one before, "
                "e.g. conv_block(cblock1[0], ...).")
    if finding["change"] in ("extra", "replaced") and "MaxPooling2D" in finding["found"]:
        return "Block 5 is built with max_pooling=False: the bottom of the U has no pooling."
    return None


def _unet_dropout_hint(finding, context):
    if finding["what"] == "layers" and "Dropout" in finding["expected"] and finding["change"] in ("missing", "replaced"):
        return "Blocks 4 and 5 are built with dropout_prob=0.3 (a Dropout after their two convolutions)."
    return None


def _unet_logits_hint(finding, context):
    softmax_setting = (finding["what"] == "setting" and finding["setting"] == "activation"
                       and finding["found"] == "softmax")
    softmax_layer = finding["what"] == "layers" and any(kind in ("Softmax", "Activation") for kind in finding["found"])
    no_activation = (finding["what"] == "setting" and finding["setting"] == "activation"
                     and finding["expected"] == "linear")
    if softmax_setting or softmax_layer:
        return ("The model outputs logits: give the last Conv2D no activation; the loss "
                "(from_logits=True) applies the softmax.")
    if no_activation:
        return "The last Conv2D has no activation: the model outputs logits."
    return None


def _unet_concatenate_sizes_hint(error, context):
    """A decoder block's Concatenate got an input of half the upsampled tensor's size: which of two
    opposite mistakes made it, told apart by the level of the U the upsampled tensor belongs to."""
    text, args = error.get("text") or "", context.args or {}
    shapes = keras_shapes(text)
    if "Concatenate" not in text or len(shapes) != 2 or not args.get("n_filters") or "input_size" not in args:
        return None
    (h1, w1, c1), (h2, w2, _) = shapes
    factor = c1 // args["n_filters"] if c1 % args["n_filters"] == 0 else None
    if (h1, w1) != (2 * h2, 2 * w2) or factor not in (1, 2, 4, 8):
        return None
    height, width = args["input_size"][:2]
    level = factor.bit_length()  # the encoder block whose skip connection this decoder block takes: 1..4
    if (h1, w1) == (height // factor, width // factor):
        return (f"The upsampled tensor ({h1}x{w1}) has the right size, and the tensor joined to it ({h2}x{w2}) "
                f"is half the size: decoder block ublock{10 - level} was given the pooled output of encoder "
                f"block {level} (cblock{level}[0], next_layer) instead of its skip connection "
                f"(cblock{level}[1]). Give each upsampling_block the skip connection, [1], of the matching "
                f"conv_block.")
    if (h1, w1) == (2 * height // factor, 2 * width // factor):
        return (f"The upsampled tensor ({h1}x{w1}) is twice the size of the skip connection ({h2}x{w2}), and "
                f"twice the size it should have here: an encoder block was fed a skip connection (cblock[1]) "
                f"instead of the pooled next_layer (cblock[0]), so the U is one level too shallow.")
    return None


def _unet_input_size_hint(finding, context):
    args = context.args or {}
    if "input_size" in args.get(LEFT_AT_DEFAULTS, ()):
        return None  # the grader did not ask for an input size here: the defaults hint says what to check
    if finding["what"] == "shape" and finding["at"]["kind"] == "Input":
        if finding["found"] == context.exercise.defaults.get("input_size") or \
                finding["expected"] == args.get("input_size"):
            return (f"The grader asked for input_size={tuple(args.get('input_size', []))}: "
                    f"build Input(input_size), never a fixed size.")
    return None


def _unet_classes_hint(finding, context):
    args = context.args or {}
    if (finding["what"] == "setting" and finding["setting"] == "filters" and "n_classes" in args
            and finding["expected"] == args["n_classes"]
            and finding["found"] == context.exercise.defaults.get("n_classes")):
        return (f"The grader asked for n_classes={args['n_classes']}: the last Conv2D has n_classes "
                f"filters; use the argument, never {finding['found']}.")
    return None


UNET_MODEL = Exercise(
    name="exercise3",
    function="unet_model",
    course=(
        {"input_size": [96, 128, 3], "n_filters": 32, "n_classes": 23,
         LEFT_AT_DEFAULTS: ["n_filters", "n_classes"]},  # unet_model((96, 128, 3)), as the course calls it
        {"input_size": [192, 64, 4], "n_filters": 64, "n_classes": 16},
    ),
    draw=_draw_unet_model,
    call=_call_unet_model,
    returns=Returns("model", expected="a keras.Model", names=("the logits",),
                    statement="return Model(inputs=inputs, outputs=conv10)"),
    describe_args=_describe_unet_model_args,
    defaults={"input_size": [96, 128, 3], "n_filters": 32, "n_classes": 23},
    parameters=("input_size", "n_filters", "n_classes"),
    always_passed=("input_size",),
    blocks=("exercise1", "exercise2"),
    hints=(_unet_pooling_hint, _unet_dropout_hint, _unet_logits_hint, _unet_input_size_hint,
           _unet_classes_hint),
    last_hints=(_defaults_hint,),
    error_hints=(_unet_concatenate_sizes_hint, _defaults_error_hint),
    admits=_unet_model_admits,
    admitted="heights and widths that are multiples of 16",
    equivalence=COURSE_EQUIVALENCE,
    intro="""
## 4. Exercise 3: the U-Net, `unet_model`

Now assemble the network: five encoder blocks with twice as many filters each time
(the last two with dropout, the last one without pooling), four decoder blocks, each
fed with the skip connection of the matching encoder block, and a 1x1 convolution that
gives one score (a logit) per class for every pixel.

The checks grade your `unet_model` twice: with your own blocks and with the reference
blocks, so that a mistake in Exercise 1 or 2 does not hide a correct Exercise 3.
""",
)


COURSE = ExerciseTable(
    exercises=(CONV_BLOCK, UPSAMPLING_BLOCK, UNET_MODEL),
    reference="solutions.unet",
    stubs="exercises.unet",
    locator="grader.exercises:COURSE",
)
