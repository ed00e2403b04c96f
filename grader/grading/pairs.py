"""The model pair a picture draws: the student's and the reference's model of one configuration (parent).

    model_pair(configs, expectations, outcome, context) -> records.ModelPair

The configuration drawn is the first whose student model differs from the reference's
(the one the report speaks of first), else the first. The first difference and where the
student's code stopped are worded by messages.py, so the picture says what the report says.
Pure functions on plain data: no TensorFlow, no drawing.
"""
from dataclasses import replace

from grader.grading import compare, messages
from grader.grading.records import ModelPair


def model_pair(configs, expectations, outcome, context):
    """The ModelPair of one graded exercise, or None when there is no reference model to draw.

    Arguments:
        configs: the exercise's Configs, in order.
        expectations: the reference's Observation of each configuration.
        outcome: the grading child's Outcome (records.Outcome).
        context: the exercise's messages.Context.
    """
    if not configs or not expectations or not all(expected.ok for expected in expectations):
        return None
    observations = outcome.own if outcome.error is None else None
    index = _first_differing(expectations, observations)
    config, expected = configs[index], expectations[index]
    context = replace(context, args=config.args)
    pair = ModelPair(config=config.name, args=config.args, reference=expected.description)
    if outcome.error is not None:
        text, _ = (messages.load_error_message(outcome.error, context) if outcome.phase == "load"
                   else messages.error_message(outcome.error, context))
        return replace(pair, stopped=_first_paragraph(text))
    if observations is None:
        text, _ = messages.error_message({"kind": "missing", "function": context.function}, context)
        return replace(pair, stopped=_first_paragraph(text))
    observed = observations[index]
    if not observed.ok:
        text, _ = messages.error_message(observed.error, context)
        return replace(pair, student=observed.built, stopped=_first_paragraph(text))
    pair = replace(pair, student=observed.description)
    finding = compare.first_difference(expected.description, observed.description)
    if finding is not None:
        expected_at, found_at = marked_layers(finding)
        return replace(pair, difference=_first_paragraph(messages.finding_message(finding, context)[0]),
                       expected_at=expected_at, found_at=found_at)
    if expected.outputs is not None:
        behaviour = compare.outputs_difference(expected.outputs, observed.outputs or [])
        if behaviour is not None:
            return replace(pair, difference=_first_paragraph(messages.behaviour_message(behaviour, context)[0]))
    return pair


def marked_layers(finding):
    """(index in the reference's layers, index in the student's) a structural finding is at; None where none."""
    if finding["what"] == "outputs":
        expected = finding["expected"][0]["position"] - 1 if finding["expected"] else None
        found = finding["found"][0]["position"] - 1 if finding["found"] else None
        return expected, found
    at = finding["at"]["position"] - 1
    if finding["what"] == "layers":
        found_at = finding.get("found_at")
        return at, (found_at["position"] - 1 if found_at else None)
    return at, at


def _first_differing(expectations, observations):
    """The index of the first configuration whose observation does not match its reference (0 if none)."""
    if observations is None:
        return 0
    for index, (expected, observed) in enumerate(zip(expectations, observations)):
        if not compare.observation_matches(expected, observed):
            return index
    return 0


def _first_paragraph(text):
    return text.split("\n")[0].strip()
