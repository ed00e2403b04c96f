"""Observe one configuration: build it, describe it, run it (runs in the child).

The result is an Observation (records.py), the same for the reference and for the
student: status "ok" with the description and, for behaviour configurations, the
outputs on the fixed input; or status "error" with the error's plain data.
"""
from grader.grading import bounded
from grader.grading.model.behaviour import outputs_on_fixed_input
from grader.grading.model.build import build, built_so_far
from grader.grading.model.describe import describe
from grader.grading.records import Observation
from grader.grading.student_errors import StudentFault

STOPPING_ERRORS = ("not_implemented", "memory")


def observe(exercise, function, config, config_index, seed, source, blocks=None):
    """Build `config` (a Config) with `function`, describe it and, for behaviour configurations, run it."""
    name = exercise.function
    try:
        model, origins = build(exercise, function, config.args, source, blocks)
        try:
            description = describe(model, origins)
        except BaseException as error:  # noqa: B036 -- a model the grader cannot read (nested models, odd layers)
            text, why = bounded.text(error, limit=300)
            raise StudentFault({"kind": "unreadable", "function": name,
                                "text": f"{bounded.type_name(error)}: {text if text is not None else why}"}) from None
        outputs = None
        if config.behaviour:
            outputs = outputs_on_fixed_input(model, seed, config_index, source, name)
        return Observation("ok", description=description, outputs=outputs)
    except StudentFault as fault:
        return Observation("error", error=fault.data, built=_described(*built_so_far(fault)))


def _described(model, origins):
    """The description of what was built before an error, or None (nothing, or nothing readable)."""
    if model is None:
        return None
    try:
        return describe(model, origins)
    except BaseException:  # noqa: B036 -- a half-built model the grader cannot read: draw nothing of it
        return None


def observe_all(exercise, function, configs, seed, source, blocks=None, stop_on_not_implemented=True):
    """`observe` for every configuration.

    After a NotImplementedError or a MemoryError the other configurations are not tried:
    they would only say the same, slowly.
    """
    results = []
    for index, config in enumerate(configs):
        result = observe(exercise, function, config, index, seed, source, blocks)
        results.append(result)
        if stop_on_not_implemented and not result.ok and result.error["kind"] in STOPPING_ERRORS:
            results += [result] * (len(configs) - len(results))
            break
    return results
