"""The student stubs: same signatures as the reference, friendly errors until filled in."""
import inspect
import re

import pytest

import exercises
import solutions
from exercises import unet as exercise_module

FUNCTIONS = ["conv_block", "upsampling_block", "unet_model"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_stub_signature_equals_reference(name):
    assert inspect.signature(getattr(exercises, name)) == inspect.signature(getattr(solutions, name))


@pytest.mark.parametrize("name, call", [
    ("conv_block", lambda f: f()),
    ("upsampling_block", lambda f: f(None, None)),
    ("unet_model", lambda f: f()),
])
def test_untouched_stub_raises_friendly_not_implemented(name, call):
    with pytest.raises(NotImplementedError, match=rf"{name} is not implemented yet.*START CODE HERE"):
        call(getattr(exercises, name))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_stub_has_marked_code_region_and_learner_docstring(name):
    source = inspect.getsource(getattr(exercise_module, name))
    assert re.search(r"### START CODE HERE\n\s*\n\s*### END CODE HERE", source), "region must be empty"
    doc = inspect.getdoc(getattr(exercises, name))
    assert "Arguments:" in doc and "Returns:" in doc and "(batch, " in doc


def test_exercise_file_named_in_message_exists(repo_root):
    assert (repo_root / exercise_module.EXERCISE_FILE).is_file()
