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


def test_a_class_of_a_watched_standard_module_is_watched_too():
    import json

    before = integrity.snapshot()
    original = json.JSONEncoder.encode
    try:
        json.JSONEncoder.encode = lambda self, value: '{"score": 36}'  # every reply of the job goes through it
        assert "json.JSONEncoder" in integrity.changes(before)
    finally:
        json.JSONEncoder.encode = original
    assert integrity.changes(before) == []
