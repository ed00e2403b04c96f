"""Structure checks: for each configuration, the student's layers, settings, wiring, shapes and parameters."""
from dataclasses import replace

from grader.grading import messages
from grader.grading.checks.common import config_text, error_result, joined, result
from grader.grading.compare import first_difference
from grader.grading.records import CheckPlan

KIND = "structure"


def plan(exercise, configs):
    """One structure check per configuration."""
    return [CheckPlan(f"structure: {config.name}", KIND, config, exercise.points.structure) for config in configs]


def score(check, expected, observed, context):
    """The check's result: the first structural difference from the reference, or a pass."""
    context = replace(context, args=check.config.args)
    described = config_text(check.config, context)
    if not observed.ok:
        return error_result(check, observed.error, context)
    finding = first_difference(expected.description, observed.description, context.exercise.equivalence)
    if finding is None:
        return result(check, "passed", messages.passed_structure_message(observed.description, described))
    text, hint = messages.finding_message(finding, context)
    return result(check, "failed", joined(f"On {described}: {text}", hint), messages.mistake(finding, context))
