"""The shape of the package: no import cycles, one module that knows the exercises, TensorFlow
only where it is needed (pure: no TensorFlow)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from grader.exercises import COURSE
from grading_helpers import REPO_ROOT

PACKAGES = ["grader", "segmentation", "exercises", "solutions"]
EXERCISE_TABLE = REPO_ROOT / "grader" / "exercises.py"


def _modules():
    """{dotted module name: its file} for every module of the packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(module, path, modules):
    """The package's modules that `module` imports anywhere in its file (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules and name != module)
    return found


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_there_are_no_import_cycles():
    modules = _modules()
    graph = {module: _imported(module, path, modules) for module, path in modules.items()}
    assert _cycles(graph) == [], "import cycles (imports inside functions count too)"


def test_cycle_finder_finds_a_cycle_closed_inside_a_function():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_class_is_defined_inside_a_function():
    nested = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nested += [f"{module}.{node.name}: class {inner.name}" for inner in ast.walk(node)
                           if isinstance(inner, ast.ClassDef)]
    assert nested == []


def _branches_on(names, path):
    """'file:line: code' for each comparison, dict key or subscript that uses one of `names` as a literal."""
    text = path.read_text(encoding="utf-8")
    hits = []

    def literal(node):
        return isinstance(node, ast.Constant) and node.value in names

    for node in ast.walk(ast.parse(text)):
        uses = []
        if isinstance(node, ast.Compare):
            uses = [node.left, *node.comparators]
            uses += [item for side in uses if isinstance(side, (ast.Tuple, ast.List, ast.Set)) for item in side.elts]
        elif isinstance(node, ast.Dict):
            uses = [key for key in node.keys if key is not None]
        elif isinstance(node, ast.Subscript):
            uses = [node.slice]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            uses = node.args[:1]
        if any(literal(use) for use in uses):
            hits.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {ast.get_source_segment(text, node)}")
    return hits


def test_only_the_exercise_table_branches_on_an_exercise_or_function_name():
    names = set(COURSE.names) | set(COURSE.functions)
    hits = []
    for package in ("grader", "segmentation"):
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if path != EXERCISE_TABLE:
                hits += _branches_on(names, path)
    assert hits == []


def test_the_name_check_finds_a_branch_on_an_exercise(tmp_path):
    path = REPO_ROOT / "grader" / "_probe_for_the_name_check.py"
    try:
        path.write_text('def f(exercise, hints):\n    if exercise == "exercise3":\n        return hints["conv_block"]\n')
        assert len(_branches_on({"exercise3", "conv_block"}, path)) == 2
    finally:
        path.unlink()


def test_the_grading_parent_never_imports_tensorflow():
    code = ("import sys\n"
            "from grader.cli import build_parser\n"
            "import grader.grading.session, grader.grading.checks, grader.grading.sources\n"
            "import grader.reports.text, grader.reports.junit, grader.reports.gradescope\n"
            "import grader.reports.json_report, grader.reports.step_summary, grader.notebook.inline\n"
            "build_parser()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


PURE_TESTS = ["tests/architecture", "tests/reports", "tests/grading/test_configs.py",
              "tests/grading/test_compare.py", "tests/grading/test_integrity.py",
              "tests/grading/sources/test_notebook_source.py", "tests/notebook/test_notebook_inline.py",
              "tests/runner/test_precheck.py", "tests/segmentation/test_data_layouts.py",
              "tests/segmentation/test_data_split.py", "tests/segmentation/test_files.py",
              "tests/segmentation/test_metrics.py", "tests/segmentation/test_plots.py", "tests/classroom"]


@pytest.mark.parametrize("tests", [PURE_TESTS], ids=["pure rooms"])
def test_collecting_the_tests_of_pure_modules_does_not_import_tensorflow(tests):
    code = ("import sys, pytest\n"
            f"code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', *{tests!r}])\n"
            "print('TENSORFLOW IMPORTED' if 'tensorflow' in sys.modules else 'no tensorflow', code)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.stdout.splitlines()[-1] == "no tensorflow 0", result.stdout[-3000:] + result.stderr[-3000:]
    assert all(Path(REPO_ROOT, test).exists() for test in tests)
