"""Behaviour checks: with the reference's weights and a fixed input, the same outputs as the reference."""
from dataclasses import replace

from grader.grading import messages
from grader.grading.checks.common import config_text, error_result, joined, result
from grader.grading.compare import first_difference, outputs_difference, weights_line_up
from grader.grading.records import CheckPlan

KIND = "behaviour"


def plan(exercise, configs):
    """One behaviour check per configuration that asks for one."""
    return [CheckPlan(f"behaviour: {config.name}", KIND, config, exercise.points.behaviour)
            for config in configs if config.behaviour]


def score(check, expected, observed, context):
    """The check's result: the first output value that differs from the reference's, or a pass."""
    context = replace(context, args=check.config.args)
    described = config_text(check.config, context)
    if not observed.ok:
        return error_result(check, observed.error, context)
    if not weights_line_up(expected.description, observed.description):
        text, hint = messages.behaviour_message({"what": "weights"}, context)
        return result(check, "failed", joined(f"On {described}: {text}", hint),
                      messages.mistake({"what": "weights"}, context))
    finding = outputs_difference(expected.outputs, observed.outputs or [])
    if finding is None:
        return result(check, "passed", messages.passed_behaviour_message(described))
    structure_matches = first_difference(expected.description, observed.description,
                                         context.exercise.equivalence) is None
    text, hint = messages.behaviour_message(finding, context, structure_matches)
    return result(check, "failed", joined(f"On {described}: {text}", hint), messages.mistake(finding, context))
