"""The checks: one module per kind, each planning its checks and scoring them, in the parent.

    structure.py   per configuration: layers, settings, wiring, shapes, parameters   (2 points)
    behaviour.py   per behaviour configuration: the outputs with the reference's weights (1 point)
    own_blocks.py  for an exercise built from blocks: the model with the student's own blocks (2 points)

`plan` lists an exercise's checks in that order; `score_exercise` turns the grading
child's Outcome into an ExerciseResult. A failed or errored check scores 0; a passed
one its points. The verdict is made here, from plain data, never in the child.
"""
from dataclasses import replace

from grader.grading import messages
from grader.grading.checks import behaviour, own_blocks, structure
from grader.grading.checks.common import error_result, error_text, full_calls_pass, joined
from grader.grading.compare import all_match, inert_differences
from grader.grading.records import ExerciseResult


def plan(exercise, configs, table):
    """The checks of `exercise` (CheckPlans), each with its configuration and points."""
    return structure.plan(exercise, configs) + behaviour.plan(exercise, configs) + \
        own_blocks.plan(exercise, configs, table)


def _scored(check, configs, expectations, observations, context):
    """The result of a structure or behaviour check on `observations`."""
    index = configs.index(check.config)
    kind = structure if check.kind == structure.KIND else behaviour
    return kind.score(check, expectations[index], observations[index], context)


def said_once(results, checks):
    """`results` with a mistake found on several configurations said once: in full on the first check that
    finds it, with the configurations it holds for; the others name it in few words. Points stay per check.
    Errors keep their messages (the reports say an error repeated on every check once already)."""
    groups = {}
    for index, (check, planned) in enumerate(zip(results, checks)):
        if check.status == "failed" and check.mistake and planned.config is not None:
            groups.setdefault((planned.kind, check.status, check.mistake), []).append(index)
    results = list(results)
    for (_, _, mistake_text), indexes in groups.items():
        if len(indexes) < 2:
            continue
        first = checks[indexes[0]].config.name
        others = [checks[index].config.name for index in indexes[1:]]
        results[indexes[0]] = replace(results[indexes[0]], message=joined_line(
            results[indexes[0]].message, messages.same_mistake_text(first, others)))
        for index in indexes[1:]:
            results[index] = replace(results[index], message=messages.same_as_text(first, mistake_text))
    return results


def joined_line(text, line):
    """`text` and then `line`, on a line of its own before any hint."""
    head, hint_mark, hint = text.partition("\nHint: ")
    return f"{head}\n{line}{hint_mark}{hint}"


def _inert(expectations, observations, equivalence):
    """[(configuration number, inert finding)] of every configuration built (see compare.inert_differences)."""
    return [(number, finding) for number, (expected, observed) in enumerate(zip(expectations, observations))
            if observed.ok for finding in inert_differences(expected.description, observed.description, equivalence)]


def score_exercise(checks, expectations, outcome, context):
    """The exercise's ExerciseResult.

    Arguments:
        checks: plan(exercise, configs, table).
        expectations: the reference's Observation for each configuration, in plan order.
        outcome: the grading child's Outcome for the exercise.
        context: a messages.Context for the exercise (its display, seed and memory cap).
    """
    configs = [check.config for check in checks if check.kind == structure.KIND]
    notes = []
    if outcome.error is not None:
        text = joined(*messages.load_error_message(outcome.error, context)) if outcome.phase == "load" \
            else error_text(outcome.error, context)  # worded once for all the exercise's checks
        results = [error_result(check, outcome.error, context, text) for check in checks]
    elif outcome.own is None:
        missing = {"kind": "missing", "function": context.function}
        text, _ = messages.error_message(missing, context)
        results = [error_result(check, missing, context, text) for check in checks]
    else:
        equivalence = context.exercise.equivalence
        own_pass = all_match(expectations, outcome.own, equivalence)  # equivalent code passes as it is
        graded = outcome.own if own_pass else (outcome.reference or outcome.own)
        renamed = own_blocks.renamed_keywords(outcome.reference, context)
        if renamed:  # the reference blocks cannot be called the way the student's model calls its own
            graded = outcome.own
            notes.append(messages.renamed_keyword_note(renamed, context))
        context = replace(context, full_calls_pass=full_calls_pass(configs, expectations, graded, equivalence))
        results = []
        for check in checks:
            if check.kind == own_blocks.KIND:
                results.append(own_blocks.score(check, expectations, outcome, configs, context))
                continue
            results.append(_scored(check, configs, expectations, graded, context))
        notes += messages.inert_notes(_inert(expectations, graded, equivalence), context)
        results = said_once(results, checks)
    return ExerciseResult(context.exercise.name, context.function, tuple(results), tuple(notes))
