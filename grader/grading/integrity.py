"""Notice student code that modifies the grader's modules (runs in the child).

`snapshot()` records, before the student's code is imported, the identity of every
attribute of the grader's modules (and of the few standard modules the child uses to
report back); `changes(before)` lists what differs afterwards. A function whose code
was swapped, a class whose methods were replaced, a module replaced in `sys.modules`:
each shows up by name, and the parent scores the exercise 0.

Keras is watched the same way where the description reads it: the public API modules
(`keras.layers`, ...; `tf.keras` is the same objects) and every Keras class behind them,
so that code that patches `Conv2D.get_config`, `Layer.count_params` or `Model.layers`
to report the reference's settings fails the integrity check instead of gaining a point.

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
KERAS_API = tuple(f"{root}{name}" for root in ("keras", "keras._tf_keras.keras", "tensorflow.keras")
                  for name in ("", ".layers", ".models", ".activations", ".initializers", ".ops"))
CLASSES = "<classes>"


def snapshot():
    """What the student's code must not change: {module name: (id of the module, {attribute: fingerprint})}
    for the watched modules, and under CLASSES {class name: (the class, fingerprint)} for Keras' classes."""
    watched = {name: module for name, module in list(sys.modules.items()) if _watched(name) and module is not None}
    modules = {name: (id(module), _attributes(module)) for name, module in watched.items()}
    modules[CLASSES] = {name: (cls, _fingerprint(cls)) for name, cls in _classes(watched).items()}
    return modules


def changes(before):
    """'module.attribute' (or 'keras...Class') for each watched thing changed since `before` (sorted)."""
    changed = [name for name, (cls, fingerprint) in before.get(CLASSES, {}).items()
               if _fingerprint(cls) != fingerprint]
    for name, (module_id, attributes) in ((name, entry) for name, entry in before.items() if name != CLASSES):
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
    return name in WATCHED_EXTRA or name in KERAS_API or name.split(".")[0] in WATCHED_PREFIXES


def _classes(watched):
    """{name: class} for the classes of the watched modules (`json.JSONEncoder` as much as
    `keras.layers.Conv2D`) and their Keras (and grader) base classes.

    A class is named by its first public name (`keras.layers.Conv2D`), else by where it is defined.
    """
    names = {}
    for module_name, module in watched.items():
        for attribute, value in list(_namespace(module).items()):
            if not issubclass(type(value), type) or type(attribute) is not str or attribute.startswith("_"):
                continue
            for cls in value.__mro__:
                if cls is value or cls.__module__.split(".")[0] in ("keras", *WATCHED_PREFIXES):
                    name = f"{module_name}.{attribute}" if cls is value else f"{cls.__module__}.{cls.__qualname__}"
                    if cls not in names or len(name) < len(names[cls]):
                        names[cls] = name
    return {name: cls for cls, name in names.items()}


def _attributes(module):
    """{attribute: fingerprint}; a class by its identity only (its contents are watched as a class)."""
    return {_key(attribute): (id(value),) if issubclass(type(value), type) else _fingerprint(value)
            for attribute, value in list(_namespace(module).items())
            if type(attribute) is not str or not attribute.startswith("__")}


def _namespace(module):
    """The module's own dictionary, read past any `__dict__` a module subclass may define."""
    return types.ModuleType.__dict__["__dict__"].__get__(module) if issubclass(type(module), types.ModuleType) \
        else {}


def _key(attribute):
    """An attribute's name; a key that is not a string (put there by hand) gets a name of its own."""
    return attribute if type(attribute) is str else f"<key {id(attribute)}>"


UNWATCHED_CLASS_KEYS = {"__weakref__", "__annotations__", "__dict__", "__doc__", "_abc_impl"}  # made lazily


def _fingerprint(value):
    """Identity of a value, and of the code inside it for functions and classes.

    Only real types are asked (type(), never isinstance), so a value the student's code put
    into a module cannot run code here by lying about its __class__.
    """
    if type(value) is types.FunctionType:
        return (id(value), id(value.__code__), id(value.__defaults__), id(value.__kwdefaults__))
    if issubclass(type(value), type):
        return (id(value), tuple(sorted((key, id(item)) for key, item in type.__dict__["__dict__"].__get__(value).items()
                                        if key not in UNWATCHED_CLASS_KEYS)))
    return (id(value),)
