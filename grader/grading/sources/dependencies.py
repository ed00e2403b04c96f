"""Only what the graded functions need: their definitions, and the statements they depend on.

A source is read as a list of top-level Statements in notebook order, each with the
names it binds, the global names it uses when it runs (a class body's names, a
function's defaults and decorators) and the global names used later, when a function it
defines is called (the function's body), all read with `symtable`. `slice_for` starts
from the chosen definition of each wanted function and follows its names to the
statements that bind them, transitively:

- an import (one Statement per imported name: `import numpy as np, pandas as pd` is two),
  a helper function or class, a constant, any assignment (`layers = keras.layers`,
  `tf = import_tensorflow()`), and statements that change a needed object in place
  (`config["filters"] = 32`, `names.append(...)`);
- bindings as Python sees them when the notebook runs from top to bottom: a name a
  statement uses when it runs is given by the last binding of it *before* that
  statement (`path = ''` in a set-up cell, whatever a later `for path in ...` does); a
  name a function body uses, by the last binding anywhere (the body runs when the
  grader calls the function, after every cell). A name bound only after the statement
  that uses it is taken from its last binding, as before. A graded function's definition
  is chosen by `choose_definition` (its graded cell, else the course's marker, else the
  last `def`);
- a star import (`from tensorflow.keras.layers import *`) binds the names its module
  really provides (asked of `star_names`); one whose module cannot be read binds any
  name nothing else binds.

Everything else (data loading, training, test cells, plots) is left out and never runs.
"""
import ast
import builtins
import symtable
from dataclasses import dataclass, field

CONTAINER_MUTATORS = {"append", "extend", "insert", "update", "setdefault", "add"}
UNKNOWN = None  # what star_names returns for a module it cannot read


@dataclass(eq=False)
class Statement:
    """One top-level statement of a cell.

    Attributes:
        cell: the Cell it is in.
        node: its ast node (line numbers as compiled: the cell's plus its line offset).
        binds: the names it binds.
        uses: the global names it needs when it runs (a function's defaults and decorators,
            a class body, a comprehension, the statement itself).
        later: the global names a function it defines needs when it is called (its body, a lambda's).
        changes: names of objects it changes in place (`config["k"] = 1`).
        star: for `from MODULE import *`, MODULE.
        defines: for a function definition, the function's name.
    """

    cell: object
    node: ast.stmt
    binds: frozenset
    uses: frozenset
    changes: frozenset = frozenset()
    star: str = None
    defines: str = None
    later: frozenset = frozenset()

    @property
    def needs(self):
        """Every global name it needs, now or when a function it defines is called."""
        return self.uses | self.later

    @property
    def text(self):
        """The statement as code, on one line for short ones (`import pandas as pd`)."""
        return ast.unparse(self.node)

    @property
    def is_import(self):
        """Whether it is an import statement."""
        return isinstance(self.node, (ast.Import, ast.ImportFrom))


def statements_of(cell, tree):
    """The Statements of a parsed cell; imports of several names are split, one per name."""
    statements = []
    for node in tree.body:
        for single in _split_import(node):
            statements.append(_statement(cell, single))
    return statements


def _split_import(node):
    """`import a, b as c` -> `import a`, `import b as c` (each keeps the original line)."""
    if isinstance(node, ast.Import) and len(node.names) > 1:
        return [ast.copy_location(ast.Import(names=[alias]), node) for alias in node.names]
    if isinstance(node, ast.ImportFrom) and len(node.names) > 1:
        return [ast.copy_location(ast.ImportFrom(module=node.module, names=[alias], level=node.level), node)
                for alias in node.names]
    return [node]


def _statement(cell, node):
    if isinstance(node, ast.ImportFrom) and node.names[0].name == "*":
        return Statement(cell, node, frozenset(), frozenset(), star="." * node.level + (node.module or ""))
    binds, uses, later = _names(node)
    changes = _changed_objects(node)
    defines = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    return Statement(cell, node, frozenset(binds), frozenset(uses | changes), frozenset(changes), defines=defines,
                     later=frozenset(later))


NOT_COMPUTED = "__grader_default_not_computed__"  # the name a default that is never computed is replaced by


@dataclass(frozen=True)
class UnusedDefault:
    """A graded function's default the grader does not compute, since every call passes the argument.

    Attributes:
        function: the graded function ("conv_block").
        parameter: the argument ("inputs").
        text: the default as written ("processed_image_ds").
        statement: the function's definition.
    """

    function: str
    parameter: str
    text: str
    statement: Statement


def mark_unused_defaults(statement, function, always_passed):
    """Replace, in the definition `statement` of `function`, the defaults of the arguments in
    `always_passed` that are not plain literals by the name NOT_COMPUTED (which the program binds
    to a marker), so that what they need (a data set: `inputs=processed_image_ds`) is never run;
    return the UnusedDefaults replaced. The statement's node and names are updated in place."""
    node = statement.node
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], range(len(arguments.defaults)))) + \
        [(argument, None) for argument in arguments.kwonlyargs]
    replaced = []
    for index, (argument, default_index) in enumerate(pairs):
        default = (arguments.defaults[default_index] if default_index is not None
                   else arguments.kw_defaults[index - len(arguments.defaults)])
        if argument.arg not in always_passed or default is None or _literal(default):
            continue
        marker = ast.copy_location(ast.Name(id=NOT_COMPUTED, ctx=ast.Load()), default)
        if default_index is not None:
            arguments.defaults[default_index] = marker
        else:
            arguments.kw_defaults[index - len(arguments.defaults)] = marker
        replaced.append(UnusedDefault(function, argument.arg, ast.unparse(default), statement))
    if replaced:
        _, uses, later = _names(node)
        statement.uses = frozenset((uses - {NOT_COMPUTED}) | statement.changes)
        statement.later = frozenset(later)
    return replaced


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


_RUN_AT_ONCE = {"class", "listcomp", "setcomp", "dictcomp", "genexpr"}  # symtable children run with the statement


def _names(node):
    """(names bound, global names used when it runs, global names used later) by one top-level
    statement, read with symtable: a class body and a comprehension run with the statement, a
    function's or lambda's body runs when it is called."""
    code = ast.unparse(ast.fix_missing_locations(ast.Module(body=[node], type_ignores=[])))
    table = symtable.symtable(code, "<statement>", "exec")
    binds = {symbol.get_name() for symbol in table.get_symbols()
             if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()}
    uses = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    later = set()
    for child in table.get_children():
        now, deferred = _globals_used(child, at_once=child.get_type() == "class" or child.get_name() in _RUN_AT_ONCE)
        uses |= now
        later |= deferred
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return binds, uses | {node.target.id}, later
    return binds, uses - binds, later - binds


def _globals_used(table, at_once):
    """(global names used when the enclosing statement runs, global names used later) by a
    function, class or comprehension and everything inside it; `at_once`: whether its own
    body runs with the statement (a class body, a comprehension) or later (a function's)."""
    names = {symbol.get_name() for symbol in table.get_symbols()
             if symbol.is_global() and (symbol.is_referenced() or symbol.is_assigned())}
    if table.get_type() == "class":  # a class body reads unbound names from the module
        names |= {symbol.get_name() for symbol in table.get_symbols()
                  if symbol.is_referenced() and not symbol.is_assigned() and not symbol.is_free()}
    now, later = (names, set()) if at_once else (set(), names)
    for child in table.get_children():
        child_at_once = at_once and (child.get_type() == "class" or child.get_name() in _RUN_AT_ONCE)
        child_now, child_later = _globals_used(child, child_at_once)
        now |= child_now
        later |= child_later
    return now, later


def _changed_objects(node):
    """Names whose objects a statement changes in place: `x[k] = v`, `x.a = v`, `x.append(v)`."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        targets = [target for target in targets if isinstance(target, (ast.Subscript, ast.Attribute))]
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
            isinstance(node.value.func, ast.Attribute) and node.value.func.attr in CONTAINER_MUTATORS:
        targets = [node.value.func.value]
    else:
        return set()
    changed = set()
    for target in targets:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if isinstance(target, ast.Name):
            changed.add(target.id)
    return changed


def choose_definition(statements, function):
    """The Statement defining `function` that is graded: the last one in its graded cell
    (cell metadata), else in a cell with the course's marker, else the last anywhere; None."""
    defining = [statement for statement in statements if statement.defines == function]
    for preferred in (lambda cell: cell.holds(function), lambda cell: cell.marked_function == function):
        chosen = [statement for statement in defining if preferred(statement.cell)]
        if chosen:
            return chosen[-1]
    return defining[-1] if defining else None


@dataclass
class Slice:
    """What runs for the wanted functions.

    Attributes:
        kept: the Statements to run, in notebook order.
        definitions: function name -> the Statement of its graded definition (for each one found).
        users: Statement -> the graded functions that need it, sorted (for messages about a failing import).
        unused_defaults: the UnusedDefaults of the graded definitions, replaced by a marker.
    """

    kept: list
    definitions: dict
    users: dict
    unused_defaults: list = field(default_factory=list)


def slice_for(statements, wanted, graded_functions, star_names, always_passed=None):
    """The Slice of `statements` that the functions named in `wanted` need.

    Arguments:
        statements: every Statement of the source, in notebook order.
        wanted: the graded functions to run.
        graded_functions: every graded function of the exercise table; each one's definition
            is chosen by `choose_definition` wherever it is used.
        star_names: star_names(module) -> the names a star import of `module` binds, or UNKNOWN.
        always_passed: graded function -> the arguments every call of it passes; their defaults,
            unless plain literals, are never computed (see mark_unused_defaults).
    """
    definitions = {name: choose_definition(statements, name) for name in graded_functions}
    definitions = {name: statement for name, statement in definitions.items() if statement is not None}
    unused = [default for name, statement in definitions.items()
              for default in mark_unused_defaults(statement, name, (always_passed or {}).get(name, ()))]
    graded = {id(statement): name for name, statement in definitions.items()}
    users = {}
    order = {id(statement): index for index, statement in enumerate(statements)}
    pending = [(definitions[name], name) for name in wanted if name in definitions]
    while pending:
        statement, user = pending.pop(0)
        user = graded.get(id(statement), user)  # a graded function needs what its own body uses
        if user in users.setdefault(statement, set()):
            continue
        users[statement].add(user)
        before = order[id(statement)]
        for name in sorted(statement.uses):  # now: the last binding before the statement
            pending += [(binder, user) for binder in _binders(statements, name, definitions, star_names, before)]
        for name in sorted(statement.later):  # when a function it defines is called: the last anywhere
            pending += [(binder, user) for binder in _binders(statements, name, definitions, star_names)]
    kept = sorted(users, key=lambda statement: order[id(statement)])
    return Slice(kept, definitions, {statement: sorted(names) for statement, names in users.items()},
                 [default for default in unused if default.statement in users])


def _binders(statements, name, definitions, star_names, before=None):
    """The statements that give `name` its value: its last binding, and what changes it afterwards.

    `before`: for a name used when the statement at that index runs, the last binding before
    it and the changes between the two (the last binding anywhere when none comes before it).
    """
    last = definitions.get(name)
    if last is None and before is not None:
        last = _last_binding(statements[:before], name, star_names)
    if last is None:
        before = None
        last = _last_binding(statements, name, star_names)
    if last is None:
        if hasattr(builtins, name):
            return []
        unreadable = [statement for statement in statements
                      if statement.star is not None and star_names(statement.star) is UNKNOWN]
        return unreadable[-1:]
    index = statements.index(last)
    return [last] + [statement for statement in statements[index + 1:before]
                     if name in statement.changes and name not in statement.binds]


def _last_binding(statements, name, star_names):
    """The last of `statements` that binds `name` (a star import that provides it counts), or None."""
    last = None
    for statement in statements:
        if name in statement.binds or (statement.star is not None and name in (star_names(statement.star) or ())):
            last = statement
    return last
