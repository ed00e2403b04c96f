"""The reference expectations: what the solutions give for each configuration (runs in the child).

`expectations(exercise, configs, seed)` returns plain data only, computed before any
student code is imported, so student code cannot change it. A student bundle without
`solutions/` uses the expectations stored at release time instead (see
grader/stored_expectations.py), and has no reference blocks.
"""
from grader import stored_expectations
from grader.grading.catalog import function_of
from grader.grading.observe import observe_all
from grader.grading.sources import load


class ReferenceFailure(Exception):
    """The reference solutions could not be built: a fault of the grader, never of the student."""


def expectations(exercise, configs, seed):
    """One observation of the reference per configuration (see observe.py)."""
    if stored_expectations.available():
        return stored_expectations.expectations(exercise, configs, seed)
    reference = load({"kind": "package", "name": "solutions"})
    function = reference.function(function_of(exercise))
    blocks = reference_blocks() if exercise == "exercise3" else None
    observed = observe_all(exercise, function, configs, seed, reference, blocks,
                           stop_on_not_implemented=False)
    for config, result in zip(configs, observed):
        if result["status"] != "ok":
            raise ReferenceFailure(f"the reference {function_of(exercise)} failed on {config['name']} "
                                 f"{config['args']}: {result['error']}")
    return observed


def reference_blocks():
    """The reference conv_block and upsampling_block, to grade a unet_model with them ({} in a bundle)."""
    if stored_expectations.available():
        return {}
    reference = load({"kind": "package", "name": "solutions"})
    return {"conv_block": reference.function("conv_block"),
            "upsampling_block": reference.function("upsampling_block")}
