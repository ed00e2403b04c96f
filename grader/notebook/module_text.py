"""Pieces of the exercise and solution modules, cut out of their source text.

The notebook and the release are made from `exercises/unet.py` and
`solutions/unet.py` and never from a retyped copy, so that nothing drifts: this
module reads a module's file and returns the exact text of a top-level function,
or of its import statements, using the line numbers `ast` gives.
"""
import ast
import importlib.util
from pathlib import Path

class MissingModuleError(Exception):
    """A module the instructor's command needs (usually `solutions`) is not installed here."""


def module_file(module_name):
    """The source file of `module_name` (for example "solutions.unet"), found without importing it.

    Raises:
        MissingModuleError: the module's package is not installed here.
    """
    package, *rest = module_name.split(".")
    spec = importlib.util.find_spec(package)  # a top-level name: nothing is imported
    folders = list(spec.submodule_search_locations or []) if spec else []
    candidates = [Path(folder, *rest[:-1], f"{rest[-1]}.py") for folder in folders] if rest else (
        [Path(spec.origin)] if spec and spec.origin else [])
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise MissingModuleError(
        f"The module {module_name} is not available here, so this command cannot run. "
        f"It needs the `{package}/` folder of the full course package (a student bundle "
        f"made by `python -m grader release` leaves `solutions/` out on purpose).")


def _parse(path):
    text = Path(path).read_text(encoding="utf-8")
    return text, ast.parse(text, filename=str(path))


def _lines(text, node):
    """The full source lines that `node` spans, decorators included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(text.splitlines()[first - 1:node.end_lineno])


def function_source(path, name):
    """The text of the top-level function `name` in the file `path`, exactly as written there."""
    text, tree = _parse(path)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return _lines(text, node)
    raise LookupError(f"{path} has no top-level function {name}")


def function_body_statements(path, name):
    """The statements of the function's body (docstring left out), one text each, as written."""
    text, tree = _parse(path)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            return [ast.get_source_segment(text, statement) for statement in body]
    raise LookupError(f"{path} has no top-level function {name}")


def import_block(path):
    """The text of every top-level import statement in `path`, in order, comments kept."""
    text, tree = _parse(path)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(_lines(text, node) for node in imports)
