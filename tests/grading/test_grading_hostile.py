"""Hostile code cannot crash, fool or hang the grader: exceptions of any kind raised any way,
return values whose methods raise or never end, models that refuse to be read. Each case
gets a message for the student (the exception's type, its text when it can be read within
a bound of time and length, the student's own line), that exercise scores 0, the other
exercises are still graded, the exit status is 1, and no traceback of the grader shows.

Every case is a whole file graded with `all` (a correct upsampling_block, and a correct
conv_block or unet_model beside the hostile one). All gradings run in a module fixture,
two at a time; each test then checks what its case showed. Top-level code runs only when
a graded function needs what it binds, so each case puts its fault into code that runs.
"""
import re
import textwrap

import pytest

from grading_helpers import CORRECT_BLOCKS, REPO_ROOT, cases_of_this_mode, grade_warm, windows_only

REFERENCE = (REPO_ROOT / "solutions" / "unet.py").read_text()
IMPORTS = CORRECT_BLOCKS[:CORRECT_BLOCKS.index("def conv_block")].strip() + "\nimport keras\n"
CONV_BLOCK = CORRECT_BLOCKS[CORRECT_BLOCKS.index("def conv_block"):CORRECT_BLOCKS.index("def upsampling_block")].strip()
UPSAMPLING_BLOCK = CORRECT_BLOCKS[CORRECT_BLOCKS.index("def upsampling_block"):].strip()
UNET_MODEL = REFERENCE[REFERENCE.index("def unet_model"):].strip()
SIGNATURE = "def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):"


def src(text):
    return textwrap.dedent(text).strip("\n")


def student(helpers, conv_block=CONV_BLOCK, unet_model=UNET_MODEL):
    """A whole file: imports, `helpers`, then the three functions (the hostile one among them)."""
    return "\n\n\n".join([IMPORTS, src(helpers), src(conv_block), UPSAMPLING_BLOCK, src(unet_model)]) + "\n"


def raising_conv_block(statement):
    """A conv_block that runs `statement` first."""
    return f"{SIGNATURE}\n    {statement}\n    return inputs, inputs"


def needing_filters():
    """The correct conv_block, whose default needs FILTERS: the statement binding it runs at load."""
    return CONV_BLOCK.replace("n_filters=32", "n_filters=FILTERS", 1)


CASES = {
    "str_and_repr_raise": student('''
        class Unprintable(Exception):
            def __str__(self):
                raise RuntimeError("no text")

            def __repr__(self):
                raise RuntimeError("no repr either")
        ''', raising_conv_block("raise Unprintable()")),
    "str_never_ends": student('''
        class Endless(Exception):
            def __str__(self):
                while True:
                    pass
        ''', raising_conv_block("raise Endless()")),
    "str_megabytes": student('''
        class Chatty(Exception):
            def __str__(self):
                return "blah " * 10_000_000
        ''', raising_conv_block("raise Chatty()")),
    "args_raises": student('''
        class NoArgs(Exception):
            @property
            def args(self):
                raise RuntimeError("no args")
        ''', raising_conv_block('raise NoArgs("filters must be even")')),
    "type_name_megabytes": student('''
        Long = type("Long" * 100_000, (Exception,), {})
        ''', raising_conv_block('raise Long("long name")')),
    "keyboard_interrupt_in_function": student("", raising_conv_block("raise KeyboardInterrupt")),
    "keyboard_interrupt_at_import": student('''
        def hostile():
            raise KeyboardInterrupt


        FILTERS = hostile()
        ''', needing_filters()),
    "system_exit_none": student("", raising_conv_block("raise SystemExit(None)")),
    "system_exit_string_at_import": student('''
        import sys

        FILTERS = sys.exit("bye")
        ''', needing_filters()),
    "system_exit_object": student('''
        class Code:
            def __repr__(self):
                raise ValueError("no repr")
        ''', raising_conv_block("raise SystemExit(Code())")),
    "generator_exit": student("", raising_conv_block('raise GeneratorExit("closing")')),
    "custom_base_exception_at_import": student('''
        class Abort(BaseException):
            def __str__(self):
                raise ValueError("no text")


        def hostile():
            raise Abort()


        FILTERS = hostile()
        ''', needing_filters()),
    "grader_fault_forged": student('''
        from grader.grading.student_errors import StudentFault


        class Poison:
            def __repr__(self):
                raise ValueError
        ''', raising_conv_block('raise StudentFault({"kind": Poison(), "text": Poison()})')),
    "returns_sequence_whose_methods_raise": student('''
        class Pair(tuple):
            def __len__(self):
                raise ValueError("len")

            def __iter__(self):
                raise ValueError("iter")

            def __eq__(self, other):
                raise ValueError("eq")
        ''', f"{SIGNATURE}\n    return Pair((1, 2))"),
    "returns_sequence_whose_len_never_ends": student('''
        class Endless(list):
            def __len__(self):
                while True:
                    pass
        ''', f"{SIGNATURE}\n    return Endless([inputs, inputs])"),
    "returns_object_that_lies": student('''
        class Liar:
            @property
            def __class__(self):
                raise ValueError("class")

            def __getattr__(self, name):
                raise ValueError(name)

            def __eq__(self, other):
                raise ValueError("eq")
        ''', f"{SIGNATURE}\n    return Liar()"),
    "model_whose_layers_raise": student('''
        class Secretive(keras.Model):
            @property
            def layers(self):
                raise ValueError("no layers for you")

            def get_config(self):
                raise ValueError("no config either")
        ''', unet_model='''
        def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
            inputs = Input(input_size)
            return Secretive(inputs=inputs, outputs=Conv2D(n_classes, 1)(inputs))
        '''),
    "model_whose_get_config_raises": student(UNET_MODEL.replace("def unet_model(", "def reference_unet(") + "\n\n\n" + src('''
        class NoConfig(keras.Model):
            def get_config(self):
                raise ValueError("no config")
        '''), unet_model='''
        def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
            model = reference_unet(input_size, n_filters, n_classes)
            return NoConfig(inputs=model.inputs, outputs=model.outputs)
        '''),
    "exception_in_a_thread": student('''
        import threading


        def work():
            raise ValueError("raised in a thread")
        ''', CONV_BLOCK.replace(SIGNATURE, SIGNATURE + "\n    worker = threading.Thread(target=work)\n"
                                "    worker.start()\n    worker.join()")),
}


# The cases graded in the emulated modes too (grading_helpers.cases_of_this_mode): in both, the text whose reading
# is cut by a time bound (a SIGALRM timer on macOS, a watchdog thread on Windows); in the Windows mode, those
# that pass through the job process: interrupts and exits it must survive, a thread of its own, megabytes of
# text over its channel. The others check the text made of an exception or a returned value, in any job the same.
PORTABLE = {"str_never_ends"}
WINDOWS_ONLY = {"str_megabytes", "keyboard_interrupt_in_function", "keyboard_interrupt_at_import", "system_exit_none",
                "system_exit_string_at_import", "exception_in_a_thread"}


@pytest.fixture(scope="module")
def results(tmp_path_factory, warm_grader):
    """{case: (Graded, path of the source)} for every case of this mode, graded with `all` in one warm grader."""
    folder = tmp_path_factory.mktemp("hostile")
    cases = cases_of_this_mode(CASES, PORTABLE, WINDOWS_ONLY)
    paths = {name: folder / f"{name}.py" for name in cases}
    for name, text in cases.items():
        paths[name].write_text(text)
    graded = grade_warm({name: ("all", "--source", path, "--seed", "5", "--timeout", "60")
                         for name, path in paths.items()}, warm_grader)
    return {name: (graded[name], paths[name]) for name in cases}


def shown(result):
    """The report's text with line wrapping undone."""
    return " ".join(result.stdout.split())


def scores(result):
    """{exercise: 'score/max'} from the text report."""
    return dict(re.findall(r"^(exercise\d) \(\w+\): (\d+/\d+)", result.stdout, re.M))


def line_of(name, fragment):
    """The line number of the first line of case `name` that holds `fragment`."""
    return next(number for number, line in enumerate(CASES[name].splitlines(), start=1) if fragment in line)


def check_costs_only(result, failing):
    """Exit 1, nothing on stderr, no traceback; `failing` scores 0 and the other exercises are graded."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    graded = scores(result)
    if failing == "exercise1":  # exercise3 passes with the reference blocks; only its dependencies check fails
        assert graded == {"exercise1": "0/12", "exercise2": "10/10", "exercise3": "12/14"}, result.stdout
        assert "the fault comes from exercise1 (conv_block)" in shown(result)
    else:
        assert graded == {"exercise1": "12/12", "exercise2": "10/10", "exercise3": "0/14"}, result.stdout


def test_exception_whose_str_and_repr_raise_is_named_by_its_type(results):
    result, path = results["str_and_repr_raise"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised Unprintable (its message could not be read: str() raised RuntimeError)" in shown(result)
    assert f"at {path}, line {line_of('str_and_repr_raise', 'raise Unprintable()')}: raise Unprintable()" in shown(result)


@pytest.mark.portable
def test_exception_whose_str_never_ends_is_read_within_a_bound(results):
    result, _ = results["str_never_ends"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised Endless (its message could not be read: str() did not finish within 1 s)" in shown(result)
    assert "did not finish within 60 s" not in shown(result)  # the bound, not the exercise's time limit


@windows_only
def test_exception_text_of_megabytes_is_cut(results):
    result, _ = results["str_megabytes"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised Chatty: blah blah" in shown(result) and "blah ..." in shown(result)
    assert len(result.stdout) < 60_000


def test_exception_whose_args_raise_still_shows_its_text(results):
    result, _ = results["args_raises"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised NoArgs: filters must be even" in shown(result)


def test_exception_type_with_a_name_of_megabytes_is_cut(results):
    result, _ = results["type_name_megabytes"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised LongLong" in shown(result) and "long name" in shown(result)
    assert len(result.stdout) < 60_000


@windows_only
def test_keyboard_interrupt_in_a_function_is_the_students_not_an_exit_call(results):
    result, path = results["keyboard_interrupt_in_function"]
    check_costs_only(result, "exercise1")
    assert ("conv_block raised KeyboardInterrupt: your code raised it itself (nobody pressed Ctrl-C, and the "
            "grader was not interrupted)") in shown(result)
    assert f"at {path}, line {line_of('keyboard_interrupt_in_function', 'raise KeyboardInterrupt')}" in shown(result)
    assert "os._exit" not in shown(result) and "ended abruptly" not in shown(result)


@windows_only
def test_keyboard_interrupt_at_import_costs_only_the_function_that_needs_it(results):
    result, path = results["keyboard_interrupt_at_import"]
    check_costs_only(result, "exercise1")
    assert ("conv_block cannot be graded: a statement it needs raised KeyboardInterrupt when "
            f"{path} was loaded, so conv_block was never defined: your code raised it itself") in shown(result)
    assert f"at {path}, line {line_of('keyboard_interrupt_at_import', 'raise KeyboardInterrupt')}" in shown(result)
    assert "os._exit" not in shown(result)


@windows_only
def test_system_exit_with_none_is_reported_not_obeyed(results):
    result, _ = results["system_exit_none"]
    check_costs_only(result, "exercise1")
    assert "conv_block called sys.exit(None); the grader does not stop for it" in shown(result)


@windows_only
def test_system_exit_with_a_string_at_import_costs_only_the_function_that_needs_it(results):
    result, path = results["system_exit_string_at_import"]
    check_costs_only(result, "exercise1")
    assert "conv_block cannot be graded: a statement it needs called sys.exit('bye')" in shown(result)
    assert f"at {path}, line {line_of('system_exit_string_at_import', 'sys.exit')}" in shown(result)


def test_system_exit_with_an_object_whose_repr_raises(results):
    result, _ = results["system_exit_object"]
    check_costs_only(result, "exercise1")
    assert "conv_block called sys.exit(<a Code whose repr() raised ValueError>)" in shown(result)


def test_generator_exit_is_an_error_like_any_other(results):
    result, _ = results["generator_exit"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised GeneratorExit: closing" in shown(result)


def test_own_base_exception_with_an_unreadable_text_at_import(results):
    result, path = results["custom_base_exception_at_import"]
    check_costs_only(result, "exercise1")
    assert ("conv_block cannot be graded: a statement it needs raised Abort (its message could not be read: "
            "str() raised ValueError)") in shown(result)
    assert f"at {path}, line {line_of('custom_base_exception_at_import', 'raise Abort()')}" in shown(result)


def test_a_graders_fault_raised_by_the_student_is_their_exception(results):
    result, _ = results["grader_fault_forged"]
    check_costs_only(result, "exercise1")
    assert "conv_block raised StudentFault (its message could not be read: str() raised ValueError)" in shown(result)


def test_returned_sequence_is_read_past_its_own_methods(results):
    result, _ = results["returns_sequence_whose_methods_raise"]
    check_costs_only(result, "exercise1")
    assert "conv_block returned a Pair of 2 values (int, int); expected (next_layer, skip_connection)" in shown(result)


def test_returned_sequence_whose_len_never_ends_is_not_waited_for(results):
    result, _ = results["returns_sequence_whose_len_never_ends"]  # its contents are read, not its __len__
    check_costs_only(result, "exercise1")
    assert "Conv2D, Conv2D, MaxPooling2D layers missing after Input #1 (layer 1)" in shown(result)
    assert "did not finish within" not in shown(result)


def test_returned_object_that_lies_about_its_class(results):
    result, _ = results["returns_object_that_lies"]
    check_costs_only(result, "exercise1")
    assert "conv_block returned a Liar; expected (next_layer, skip_connection)" in shown(result)


def test_model_subclass_whose_layers_raise(results):
    result, path = results["model_whose_layers_raise"]
    check_costs_only(result, "exercise3")
    assert "unet_model raised ValueError: no layers for you" in shown(result)
    assert f"at {path}, line {line_of('model_whose_layers_raise', 'no layers for you')}" in shown(result)


def test_model_subclass_whose_get_config_raises_is_graded_on_its_layers(results):
    result, _ = results["model_whose_get_config_raises"]  # the grader never needs a model's config
    assert result.returncode == 0 and result.stderr == "", result.stdout + result.stderr
    assert scores(result) == {"exercise1": "12/12", "exercise2": "10/10", "exercise3": "14/14"}


@windows_only
def test_exception_in_a_thread_shows_the_students_frames_only(results):
    result, path = results["exception_in_a_thread"]
    printed = [line[4:] for line in result.stdout.splitlines() if line.startswith("  | ")]
    start = printed.index(next(line for line in printed if line.startswith("Exception in thread")))
    assert printed[start].endswith("which your code started (your frames only):")
    assert printed[start + 1:start + 5] == [
        f'  File "{path}", line {line_of("exception_in_a_thread", "raised in a thread")}, in work',
        '    raise ValueError("raised in a thread")',
        "ValueError: raised in a thread",
        "(2 frames of the grader and of Python's libraries left out)"]
    assert "Traceback" not in result.stdout and "threading.py" not in result.stdout
    assert result.returncode == 0 and "Score: 36/36" in result.stdout  # the thread's error costs nothing
