"""Run what the graded functions need from a source's cells, as a fresh module (in the grading child).

    cells -> IPython syntax translated (ipython.py) -> parsed one cell at a time
          -> Statements, sliced for the wanted functions (dependencies.py)
          -> each kept statement compiled alone, with its cell's file name and lines, and run

Each statement is compiled on its own (by its ast node, never by its lines), so a kept
`import numpy as np` that shares a line with `history = model.fit(...)` runs alone. A
cell that does not parse matters only if it may hold something the graded functions
need; then its SyntaxError is raised, located in the cell. A kept import that fails for
a missing package raises MissingPackage, which names the cell, the statement, the package
and the functions that need it.
"""
import __future__
import ast
import builtins
import importlib
import importlib.util
import linecache
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.sources.dependencies import NOT_COMPUTED, UNKNOWN, slice_for, statements_of
from grader.grading.sources.ipython import neutral_names, to_python

PIP_NAMES = {"cv2": "opencv-python", "PIL": "pillow", "sklearn": "scikit-learn", "skimage": "scikit-image",
             "yaml": "pyyaml", "bs4": "beautifulsoup4"}


class MissingPackage(ImportError):
    """A kept import failed because its package is not installed; `data` says where and for whom."""

    def __init__(self, data):
        super().__init__(data["package"])
        self.data = data


@dataclass
class Program:
    """What a source gave: its module, where each cell's code came from, and notes for the report.

    Attributes:
        module: the module the kept statements ran in.
        cells: file name -> Cell, for every cell (to locate a traceback's line).
        notes: lines for the report (imports left out that are not installed, which definition was graded).
        failed: graded function -> the exception of a statement it needs, for the functions never
            defined because that statement raised (see run_cells).
    """

    module: types.ModuleType
    cells: dict
    notes: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)


class _NotComputed:
    """What a graded function's default that the grader never computes stands for (see
    dependencies.mark_unused_defaults): every call passes that argument."""

    def __repr__(self):
        return "<default not computed by the grader>"


NOT_COMPUTED_MARKER = _NotComputed()


def run_cells(cells, module_name, module_file, wanted, graded_functions, display, package=None,
              always_passed=None, free_defaults=None):
    """Run the statements of `cells` that the functions named in `wanted` need; return a Program.

    Arguments:
        cells: the source's Cells, in order.
        module_name, module_file: the module to make (registered in sys.modules); the
            folder of `module_file` (the .py or the notebook) is put on sys.path, last.
        wanted: the graded functions to make available.
        graded_functions: every graded function of the exercise table.
        display: how messages name the source file ("work.py"; a notebook's cells name it themselves).
        package: the module's package, for a module of a package (relative imports).
        always_passed: graded function -> the arguments every call passes (ExerciseTable.always_passed):
            their defaults, unless literals, are replaced by a marker and never computed.
        free_defaults: graded function -> {argument: the exercise's default} for the defaults no
            configuration relies on (ExerciseTable.free_defaults): a `def` line that changes or
            drops one is said in a note, and costs nothing.

    A kept statement that raises (anything: an error, SystemExit, KeyboardInterrupt) costs only
    the graded functions that need it: they are listed in `Program.failed` with the exception,
    the statements only they need are skipped, and the others still run. When every wanted
    function that the source defines fails so, the first exception is raised, as a plain
    import would.

    Raises:
        SyntaxError: a cell that may hold what is needed does not parse (located in that cell).
        MissingPackage: a needed import names a package that is not installed.
        the first exception of the kept statements, when no wanted function can be defined.
    """
    statements, chosen = plan(cells, wanted, graded_functions, always_passed=always_passed)
    folder = str(Path(module_file).parent)
    if folder not in sys.path:
        sys.path.append(folder)  # the student's helper modules, after ours so they cannot shadow them
    module = types.ModuleType(module_name)
    module.__file__ = module_file
    if package:
        module.__package__ = package
    sys.modules[module_name] = module
    namespace = module.__dict__
    namespace.update(neutral_names())  # the student's own bindings of these names come later and win
    namespace[NOT_COMPUTED] = NOT_COMPUTED_MARKER
    flags = _future_flags(chosen.kept)
    failed = {}
    for statement in chosen.kept:
        users = chosen.users.get(statement, [])
        if users and all(user in failed for user in users):
            continue  # needed only by functions that cannot be defined any more
        code = compile(ast.Module(body=[statement.node], type_ignores=[]), statement.cell.filename, "exec",
                       flags=flags, dont_inherit=True)
        try:
            exec(code, namespace)
        except ModuleNotFoundError as error:
            if not statement.is_import or _installed((error.name or "").split(".")[0]):
                _fail(failed, users, error)  # a misspelled module of an installed package: the import error says it
                continue
            raise _missing_package(statement, error, users, display) from None
        except BaseException as error:  # noqa: B036 -- the student's statement, whatever it raises
            if not users:
                raise
            _fail(failed, users, error)
    defined = [name for name in wanted if name in chosen.definitions]
    if failed and all(name in failed for name in defined):
        raise next(iter(failed.values()))
    return Program(module, {cell.filename: cell for cell in cells},
                   _left_out_notes(statements, chosen) + _definition_notes(statements, chosen, wanted)
                   + _unused_default_notes(chosen) + _free_default_notes(chosen, wanted, free_defaults or {}),
                   failed)


def _fail(failed, users, error):
    """Record `error` for each graded function in `users` that has not failed already."""
    for user in users:
        failed.setdefault(user, error)


def plan(cells, wanted, graded_functions, star_names=None, always_passed=None):
    """(every Statement of `cells`, the Slice to run for `wanted`); nothing of the student's runs.

    Raises:
        SyntaxError: a cell that may hold what is needed does not parse (located in that cell).
    """
    parsed, broken = [], []
    for cell in cells:
        _remember_lines(cell)
        try:
            tree = ast.parse(to_python(cell.text), filename=cell.filename)
        except SyntaxError as error:
            broken.append((cell, _located(error, cell)))
            continue
        ast.increment_lineno(tree, cell.line_offset)
        parsed.append((cell, tree))
    statements = [statement for cell, tree in parsed for statement in statements_of(cell, tree)]
    chosen = slice_for(statements, wanted, graded_functions, star_names or _star_names, always_passed)
    _raise_syntax_error_that_matters(broken, chosen, wanted, statements)
    return statements, chosen


def _remember_lines(cell):
    """Let tracebacks show the cell's own lines (a notebook's cells are not files)."""
    if cell.notebook is not None:
        lines = [line + "\n" for line in cell.text.split("\n")]
        linecache.cache[cell.filename] = (len(cell.text), None, lines, cell.filename)


def _located(error, cell):
    """`error` with the cell's file name, its line in the file and the student's own line text."""
    lines = cell.text.split("\n") or [""]
    line = min(max(error.lineno or 1, 1), len(lines))
    error.text = lines[line - 1]
    error.filename = cell.filename
    error.lineno = line + cell.line_offset
    if getattr(error, "end_lineno", None):
        error.end_lineno = error.end_lineno + cell.line_offset
    return error


def _raise_syntax_error_that_matters(broken, chosen, wanted, statements):
    """Raise the SyntaxError of the first broken cell that may hold a wanted function or a needed name."""
    if not broken:
        return
    missing = [name for name in wanted if name not in chosen.definitions]
    known = {name for statement in statements for name in statement.binds} | set(neutral_names())
    unresolved = {name for statement in chosen.kept for name in statement.needs
                  if name not in known and not hasattr(builtins, name)}
    for cell, error in broken:
        holds = any(cell.holds(name) or cell.marked_function == name or
                    re.search(rf"\bdef\s+{re.escape(name)}\b", cell.text) for name in missing)
        mentions = any(re.search(rf"\b{re.escape(name)}\b", cell.text) for name in unresolved)
        if holds or mentions:
            raise error


def _future_flags(statements):
    """The compiler flags of the kept `from __future__ import ...` statements."""
    flags = 0
    for statement in statements:
        node = statement.node
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                feature = getattr(__future__, alias.name, None)
                flags |= getattr(feature, "compiler_flag", 0)
    return flags


_star_cache = {}  # filled, never replaced (see ipython._transformers)


def _star_names(module):
    """The names `from module import *` binds, or UNKNOWN when the module cannot be imported."""
    if module not in _star_cache:
        try:
            imported = importlib.import_module(module)
        except Exception:  # noqa: BLE001 -- any failure: the names are unknown
            _star_cache[module] = UNKNOWN
        else:
            names = getattr(imported, "__all__", None)
            if names is None:
                names = [name for name in dir(imported) if not name.startswith("_")]
            _star_cache[module] = frozenset(names)
    return _star_cache[module]


def _installed(package):
    """Whether the top-level package `package` can be imported here (found without importing it)."""
    try:
        return bool(package) and importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def _imported_module(statement):
    node = statement.node
    if isinstance(node, ast.Import):
        return node.names[0].name
    return None if node.level else node.module


def _missing_package(statement, error, users, display):
    package = (error.name or _imported_module(statement) or "?").split(".")[0]
    return MissingPackage({
        "kind": "missing_package", "package": package, "pip": PIP_NAMES.get(package, package),
        "statement": statement.text, "where": statement.cell.where(statement.node.lineno, display),
        "users": users, "text": str(error)})


def _left_out_notes(statements, chosen):
    """One line per import left out whose package is not installed here."""
    notes = []
    kept = set(map(id, chosen.kept))
    for statement in statements:
        module = _imported_module(statement) if statement.is_import else None
        if id(statement) in kept or not module:
            continue
        if not _installed(module.split(".")[0]):
            notes.append(f"left out `{statement.text}` ({_place(statement)}): not used by the graded "
                         f"functions, and not installed here")
    return notes


def _definition_notes(statements, chosen, wanted):
    """For a wanted function defined more than once: which definition is graded, and why."""
    notes = []
    for name in wanted:
        definitions = [statement for statement in statements if statement.defines == name]
        if len(definitions) > 1 and name in chosen.definitions:
            graded = chosen.definitions[name]
            places = ", ".join(_place(statement) for statement in definitions)
            reason = ("the one in its graded cell counts" if graded is not definitions[-1]
                      else "the last one counts, as when the notebook runs from top to bottom")
            notes.append(f"{name} is defined {len(definitions)} times ({places}); graded the one in "
                         f"{_place(graded)}: {reason}")
    return notes


def _unused_default_notes(chosen):
    """One line per default replaced by a marker: which, where, and why it does not matter."""
    return [f"not computed: {default.function}'s default `{default.parameter}={default.text}` in "
            f"{_place(default.statement)}, which may need data that is not here; the grader always passes "
            f"{default.parameter}, so the default never decides the grade"
            for default in chosen.unused_defaults]


def _free_default_notes(chosen, wanted, free_defaults):
    """One line per graded `def` line whose default differs from the exercise's where no configuration
    relies on it (`unet_model(input_size=(192, 256, 3))`): said, never graded."""
    notes = []
    for function in wanted:
        statement = chosen.definitions.get(function)
        if statement is None or not free_defaults.get(function):
            continue
        written = _written_defaults(statement.node)
        for name, expected in free_defaults[function].items():
            if name not in written:
                continue  # not an argument of this def line: the configurations' calls say what is wrong
            found = written[name]
            if found is _NO_DEFAULT:
                said = f"gives {name} no default"
            elif found is _NOT_LITERAL or _same_value(found, expected):
                continue
            else:
                said = f"has {name}={found!r}"
            notes.append(f"{function}'s `def` line ({_place(statement)}) {said}; the exercise's is "
                         f"{name}={_shown_default(expected)}. The course always passes {name}, so this costs "
                         f"no points; keep the exercise's default all the same")
    return notes


_NO_DEFAULT, _NOT_LITERAL = object(), object()


def _written_defaults(node):
    """{argument: its literal default, _NO_DEFAULT or _NOT_LITERAL} of a function definition's node."""
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    written = {}
    for argument, default in [*zip(positional, defaults), *zip(arguments.kwonlyargs, arguments.kw_defaults)]:
        if default is None:
            written[argument.arg] = _NO_DEFAULT
            continue
        try:
            written[argument.arg] = ast.literal_eval(default)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            written[argument.arg] = _NOT_LITERAL
    return written


def _same_value(found, expected):
    """Whether a written default equals the exercise's (a tuple and a list of the same sizes are equal)."""
    if isinstance(found, (list, tuple)) and isinstance(expected, (list, tuple)):
        return list(found) == list(expected)
    return found == expected and type(found) is type(expected)


def _shown_default(value):
    return repr(tuple(value)) if isinstance(value, list) else repr(value)


def _place(statement):
    """'cell 2' for a notebook's statement, 'line 3' for a file's."""
    cell = statement.cell
    return cell.label() if cell.notebook is not None else f"line {statement.node.lineno}"
