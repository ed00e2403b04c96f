"""Only what the graded functions need: their definitions, and the statements they depend on.

A source is read as a list of top-level Statements in notebook order, each with the
names it binds and the global names it uses when it runs (for a function or a class:
the names its body, defaults and decorators use), both read with `symtable`. `slice_for`
starts from the chosen definition of each wanted function and follows its names to the
statements that bind them, anywhere in the source, transitively:

- an import (one Statement per imported name: `import numpy as np, pandas as pd` is two),
  a helper function or class, a constant, any assignment (`layers = keras.layers`,
  `tf = import_tensorflow()`), and statements that change a needed object in place
  (`config["filters"] = 32`, `names.append(...)`);
- when a name is bound more than once, the last binding in notebook order wins, as when
  the notebook is run from top to bottom; a graded function's definition is chosen by
  `choose_definition` (its graded cell, else the course's marker, else the last `def`);
- a star import (`from tensorflow.keras.layers import *`) binds the names its module
  really provides (asked of `star_names`); one whose module cannot be read binds any
  name nothing else binds.

Everything else (data loading, training, test cells, plots) is left out and never runs.
"""
import ast
import builtins
import symtable
from dataclasses import dataclass

CONTAINER_MUTATORS = {"append", "extend", "insert", "update", "setdefault", "add"}
UNKNOWN = None  # what star_names returns for a module it cannot read


@dataclass(eq=False)
class Statement:
    """One top-level statement of a cell.

    Attributes:
        cell: the Cell it is in.
        node: its ast node (line numbers as compiled: the cell's plus its line offset).
        binds: the names it binds.
        uses: the global names it needs when it runs.
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
    binds, uses = _names(node)
    changes = _changed_objects(node)
    defines = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    return Statement(cell, node, frozenset(binds), frozenset(uses | changes), frozenset(changes), defines=defines)


def _names(node):
    """(names bound, global names used) by one top-level statement, read with symtable."""
    code = ast.unparse(ast.fix_missing_locations(ast.Module(body=[node], type_ignores=[])))
    table = symtable.symtable(code, "<statement>", "exec")
    binds = {symbol.get_name() for symbol in table.get_symbols()
             if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()}
    uses = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    for child in table.get_children():
        uses |= _globals_used(child)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return binds, uses | {node.target.id}
    return binds, uses - binds


def _globals_used(table):
    """The global names a function, class or comprehension (and everything inside it) uses."""
    names = {symbol.get_name() for symbol in table.get_symbols()
             if symbol.is_global() and (symbol.is_referenced() or symbol.is_assigned())}
    if table.get_type() == "class":  # a class body reads unbound names from the module
        names |= {symbol.get_name() for symbol in table.get_symbols()
                  if symbol.is_referenced() and not symbol.is_assigned() and not symbol.is_free()}
    for child in table.get_children():
        names |= _globals_used(child)
    return names


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
    """

    kept: list
    definitions: dict
    users: dict


def slice_for(statements, wanted, graded_functions, star_names):
    """The Slice of `statements` that the functions named in `wanted` need.

    Arguments:
        statements: every Statement of the source, in notebook order.
        wanted: the graded functions to run.
        graded_functions: every graded function of the exercise table; each one's definition
            is chosen by `choose_definition` wherever it is used.
        star_names: star_names(module) -> the names a star import of `module` binds, or UNKNOWN.
    """
    definitions = {name: choose_definition(statements, name) for name in graded_functions}
    definitions = {name: statement for name, statement in definitions.items() if statement is not None}
    graded = {id(statement): name for name, statement in definitions.items()}
    users = {}
    pending = [(definitions[name], name) for name in wanted if name in definitions]
    while pending:
        statement, user = pending.pop(0)
        user = graded.get(id(statement), user)  # a graded function needs what its own body uses
        if user in users.setdefault(statement, set()):
            continue
        users[statement].add(user)
        for name in sorted(statement.uses):
            pending += [(binder, user) for binder in _binders(statements, name, definitions, star_names)]
    order = {id(statement): index for index, statement in enumerate(statements)}
    kept = sorted(users, key=lambda statement: order[id(statement)])
    return Slice(kept, definitions, {statement: sorted(names) for statement, names in users.items()})


def _binders(statements, name, definitions, star_names):
    """The statements that give `name` its value: its last binding, and what changes it afterwards."""
    last = definitions.get(name)
    if last is None:
        for statement in statements:
            if name in statement.binds or (statement.star is not None and name in (star_names(statement.star) or ())):
                last = statement
    if last is None:
        if hasattr(builtins, name):
            return []
        unreadable = [statement for statement in statements
                      if statement.star is not None and star_names(statement.star) is UNKNOWN]
        return unreadable[-1:]
    index = statements.index(last)
    return [last] + [statement for statement in statements[index + 1:]
                     if name in statement.changes and name not in statement.binds]
