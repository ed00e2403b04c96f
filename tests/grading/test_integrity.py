"""The integrity watch: replaced functions and swapped code are named (pure: no TensorFlow)."""
import sys
import types

from grader.grading import integrity


def test_integrity_watch_names_replaced_functions_and_swapped_code():
    module = types.ModuleType("grader._integrity_probe")
    exec("def f():\n    return 1\n\nclass C:\n    def m(self):\n        return 1\n", module.__dict__)
    sys.modules[module.__name__] = module
    try:
        before = integrity.snapshot()
        assert integrity.changes(before) == []
        module.f.__code__ = (lambda: 2).__code__
        module.C.m = lambda self: 2
        module.new_submodule = types.ModuleType("x")  # importing a submodule is not tampering
        assert integrity.changes(before) == ["grader._integrity_probe.C", "grader._integrity_probe.f"]
    finally:
        del sys.modules[module.__name__]
