"""What every kind of check needs to word and score its result."""
from grader.exercises import LEFT_AT_DEFAULTS
from grader.grading import messages
from grader.grading.compare import observation_matches
from grader.grading.records import CheckResult


def config_text(config, context):
    """'random configuration 1 (40x24x5 input, 13 filters; drawn with seed 7)'."""
    text = context.exercise.describe_args(config.args)
    if config.origin == "random":
        text += f"; drawn with seed {context.seed}"
    return f"{config.name} ({text})"


def error_text(error, context):
    """The message (and hint) for an error of the student's code."""
    text, hint = messages.error_message(error, context)
    return joined(text, hint)


def error_result(check, error, context, text=None):
    """The "error" CheckResult of `check` for an error of the student's code (message: `text`, or its own)."""
    return result(check, "error", text or error_text(error, context), messages.error_mistake(error, context))


def joined(text, hint):
    """`text`, then the hint on a line of its own."""
    return f"{text}\nHint: {hint}" if hint else text


def result(check, status, message, mistake=None):
    """The CheckResult of `check` (a CheckPlan): its points when passed, 0 otherwise."""
    return CheckResult(check.name, status, check.max_score if status == "passed" else 0, check.max_score, message,
                       mistake)


def full_calls_pass(configs, expectations, observations, equivalence):
    """Whether every configuration that passes every argument (none left at its default) matches the
    reference: the condition of a hint that blames the `def` line's defaults (messages.Context)."""
    full = [(expected, observed) for config, expected, observed in zip(configs, expectations, observations)
            if not config.args.get(LEFT_AT_DEFAULTS)]
    return bool(full) and all(observation_matches(expected, observed, equivalence) for expected, observed in full)
