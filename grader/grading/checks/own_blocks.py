"""The dependencies check of an exercise built from blocks: the model with the student's own blocks.

The other checks grade the model with the reference blocks when the student's own fail,
so that a mistake in a block does not hide a correct model; this check says whether the
student's model and blocks work together, and when not, which exercise the fault comes from.
"""
from dataclasses import replace

from grader.exercises import unexpected_keyword
from grader.grading import messages
from grader.grading.checks.common import (config_text, error_result, error_text, full_calls_pass, joined,
                                          result)
from grader.grading.compare import all_match, first_difference, outputs_difference
from grader.grading.records import CheckPlan

KIND = "own_blocks"


def check_name(exercise, table):
    """'dependencies: unet_model with your own conv_block and upsampling_block'."""
    blocks = " and ".join(block.function for block in table.blocks_of(exercise))
    return f"dependencies: {exercise.function} with your own {blocks}"


def plan(exercise, configs, table):
    """The one dependencies check of an exercise built from blocks (none for the others)."""
    if not exercise.blocks:
        return []
    return [CheckPlan(check_name(exercise, table), KIND, None, exercise.points.own_blocks)]


def score(check, expectations, outcome, configs, context):
    """Passed, or the first fault and the exercise it comes from."""
    own = outcome.own
    function = context.function
    equivalence = context.exercise.equivalence
    if all_match(expectations, own, equivalence):
        blocks = " and ".join(block.function for block in context.table.blocks_of(context.exercise))
        return result(check, "passed", f"Your {function} with your own {blocks} matches the reference "
                                       f"on every configuration.")
    differs = f"{function} differs with its own blocks"
    if renamed_keywords(outcome.reference, context):
        # blocks called with a keyword the reference's do not take: no reference blocks to tell
        # the faults apart, so the first failure is said as it is
        return result(check, "failed", first_failure(expectations, own, configs, context), differs)
    if outcome.mixed:  # the model passes with the reference blocks: the fault is in a block
        faulty = [block.function for block in context.table.blocks_of(context.exercise)
                  if not all_match(expectations, outcome.mixed[block.function], equivalence)]
        if faulty:
            text = first_failure(expectations, outcome.mixed[faulty[0]], configs, context)
            return result(check, "failed", messages.own_blocks_message(faulty, text, True, context),
                          f"{differs}: the fault is in {' and '.join(faulty)}")
    text = first_failure(expectations, own, configs, context)
    first_error = next((observed.error for observed in own if not observed.ok), None)
    if first_error:
        raised_in = context.table.grading(first_error.get("in_function") or first_error.get("function"))
        if raised_in in (None, context.exercise):
            return error_result(check, first_error, context, text)  # as the other checks report it
    return result(check, "failed", messages.own_blocks_message([], text, outcome.mixed is not None, context),
                  differs)


def renamed_keywords(observations, context):
    """[(block function, keyword), ...] when every one of `observations` (the model built with the
    reference blocks) failed because the student's model calls a block with a keyword the
    exercise's block does not take (`conv_block(..., num_filters=64)`); else []."""
    if not observations:
        return []
    blocks = {block.function for block in context.table.blocks_of(context.exercise)}
    found = []
    for observed in observations:
        keyword = None if observed.ok else unexpected_keyword(observed.error.get("text"))
        if observed.ok or observed.error.get("type") != "TypeError" or not keyword or keyword[0] not in blocks:
            return []
        if keyword not in found:
            found.append(keyword)
    return found

def first_failure(expectations, observations, configs, context):
    """The message of the first configuration whose observation does not match its reference."""
    context = replace(context, full_calls_pass=full_calls_pass(configs, expectations, observations,
                                                               context.exercise.equivalence))
    for config, expected, observed in zip(configs, expectations, observations):
        config_context = replace(context, args=config.args)
        if not observed.ok:
            return error_text(observed.error, config_context)
        finding = first_difference(expected.description, observed.description, context.exercise.equivalence)
        if finding is not None:
            text, hint = messages.finding_message(finding, config_context)
        else:
            finding = outputs_difference(expected.outputs or [], observed.outputs or [])
            if finding is None:
                continue
            text, hint = messages.behaviour_message(finding, config_context, structure_matches=True)
        return joined(f"on {config_text(config, config_context)}: {text}", hint)
    return "the models differ."
