"""The notebook's inline check: the kernel's functions become a module the grader can load."""
import ast
import importlib.util
import textwrap

from grader.notebook.inline import check, kernel_module_source


def _kernel_namespace(tmp_path, cell_text):
    """Run `cell_text` as a notebook cell would: functions whose module is __main__, source on file."""
    path = tmp_path / "cell.py"
    path.write_text(textwrap.dedent(cell_text))
    spec = importlib.util.spec_from_file_location("notebook_cell", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = dict(vars(module))
    for value in namespace.values():
        if callable(value) and getattr(value, "__module__", None) == "notebook_cell":
            value.__module__ = "__main__"
    return namespace


def test_module_holds_imports_graded_functions_and_the_helpers_they_use(tmp_path):
    namespace = _kernel_namespace(tmp_path, """
        import math
        EXERCISE_FILE = "the graded cell of this notebook"
        UNUSED = 7

        def _not_implemented(function):
            return NotImplementedError(function + " in " + EXERCISE_FILE)

        def conv_block(inputs=None, n_filters=32):
            raise _not_implemented("conv_block")

        def upsampling_block(a, b, n_filters=32):
            return math.floor(n_filters / 2)
    """)
    history = ["import math\nEXERCISE_FILE = 'x'", "model.fit(x)", "from os import path as p\nprint(1)",
               "this does not parse ("]
    text, defined, _ = kernel_module_source(namespace, history)
    assert defined == ["conv_block", "upsampling_block"]
    tree = ast.parse(text)
    statements = [ast.unparse(node).splitlines()[0] for node in tree.body]
    assert statements[:2] == ["import math", "from os import path as p"]
    assert "EXERCISE_FILE = 'the graded cell of this notebook'" in statements
    assert "UNUSED" not in text and "model.fit" not in text and "print(1)" not in text
    scope = {}
    exec(compile(text, "module", "exec"), scope)
    assert scope["upsampling_block"](None, None, 10) == 5
    assert "conv_block in the graded cell of this notebook" in str(scope["_not_implemented"]("conv_block"))


def test_check_outside_a_notebook_says_how_to_grade_from_a_terminal(capsys):
    check("exercise1")
    assert "python -m grader exercise1 --source YOUR_NOTEBOOK.ipynb" in capsys.readouterr().out


def test_check_of_an_unknown_exercise_lists_the_valid_ones(capsys):
    check("exercise4")
    assert "exercise1, exercise2, exercise3, all" in capsys.readouterr().out


def test_report_speaks_of_the_notebook_not_the_temporary_file(tmp_path):
    from grader.notebook.inline import _in_notebook_terms

    namespace = _kernel_namespace(tmp_path, """
        import math

        def conv_block(inputs=None, n_filters=32):
            x = math.floor(n_filters)
            return x.foo
    """)
    text, _, places = kernel_module_source(namespace, ["import math"])
    module = tmp_path / "notebook_functions.py"
    failing = text.splitlines().index("    return x.foo") + 1
    report = (f"Grading {module} with seed 5 (to replay the random configurations: --seed 5)\n"
              f"  at {module}, line {failing}: return x.foo")
    shown = _in_notebook_terms(report, module, places, "exercise1")
    assert "Grading this notebook's functions with seed 5" in shown
    assert 'check("exercise1", seed=5)' in shown
    # the cell: a blank line, `import math`, a blank line, the def: its return is line 6
    assert "at the cell defining conv_block, line 6: return x.foo" in shown
    assert str(module) not in shown
