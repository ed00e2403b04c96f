"""Notice student code that modifies the grader's modules (runs in the child).

`snapshot()` records, before the student's code is imported, the identity of every
attribute of the grader's modules (and of the few standard modules the child uses to
report back); `changes(before)` lists what differs afterwards. A function whose code
was swapped, a class whose methods were replaced, a module replaced in `sys.modules`:
each shows up by name, and the parent scores the exercise 0.

This guards against student code that patches the grader, knowingly or not; it is not
a sandbox against a deliberate attack on the grading process itself. What keeps such an
attack from gaining points is elsewhere: the verdict is made in the parent from plain
data, the reference is described before the student's code is loaded, and the result
channel carries a token the student's code is never handed.
"""
import sys
import types

WATCHED_PREFIXES = ("grader", "segmentation", "solutions")
WATCHED_EXTRA = ("__main__", "json", "base64", "os")


def snapshot():
    """{module name: (id of the module, {attribute: fingerprint})} for the watched modules."""
    return {name: (id(module), _attributes(module))
            for name, module in list(sys.modules.items()) if _watched(name) and module is not None}


def changes(before):
    """'module.attribute' for each watched attribute changed since `before` (sorted)."""
    changed = []
    for name, (module_id, attributes) in before.items():
        module = sys.modules.get(name)
        if module is None or id(module) != module_id:
            changed.append(name)
            continue
        now = _attributes(module)
        for attribute in sorted(set(attributes) | set(now)):
            added_submodule = attribute not in attributes and \
                issubclass(type(_namespace(module).get(attribute)), types.ModuleType)
            if attributes.get(attribute) != now.get(attribute) and not added_submodule:
                changed.append(f"{name}.{attribute}")
    return sorted(changed)


def _watched(name):
    return name in WATCHED_EXTRA or name.split(".")[0] in WATCHED_PREFIXES


def _attributes(module):
    namespace = _namespace(module)
    return {_key(attribute): _fingerprint(value) for attribute, value in list(namespace.items())
            if type(attribute) is not str or not attribute.startswith("__")}


def _namespace(module):
    """The module's own dictionary, read past any `__dict__` a module subclass may define."""
    return types.ModuleType.__dict__["__dict__"].__get__(module) if issubclass(type(module), types.ModuleType) \
        else {}


def _key(attribute):
    """An attribute's name; a key that is not a string (put there by hand) gets a name of its own."""
    return attribute if type(attribute) is str else f"<key {id(attribute)}>"


def _fingerprint(value):
    """Identity of a value, and of the code inside it for functions and classes.

    Only real types are asked (type(), never isinstance), so a value the student's code put
    into a module cannot run code here by lying about its __class__.
    """
    if type(value) is types.FunctionType:
        return (id(value), id(value.__code__), id(value.__defaults__), id(value.__kwdefaults__))
    if issubclass(type(value), type):
        return (id(value), tuple(sorted((key, id(item)) for key, item in type.__dict__["__dict__"].__get__(value).items()
                                        if key != "__weakref__")))
    return (id(value),)
