"""Turn observations into checks with points: the verdict, made in the parent from plain data.

An exercise's result follows the JSON report's schema:

    {"name": "exercise1", "function": "conv_block", "score": 10, "max_score": 12,
     "checks": [{"name", "status": "passed"|"failed"|"error", "score", "max_score", "message"}]}

A failed or errored check scores 0; a passed one its points.
"""
from grader.grading import messages
from grader.grading.catalog import exercise_of, function_of
from grader.grading.compare import first_difference, outputs_difference, weights_line_up
from grader.grading.configs import describe_args


def config_passes(expected, observed):
    """Whether one observation matches its reference in structure and, when run, in behaviour."""
    if observed["status"] != "ok":
        return False
    if first_difference(expected["description"], observed["description"]) is not None:
        return False
    return expected["outputs"] is None or outputs_difference(expected["outputs"], observed["outputs"] or []) is None


def all_pass(expectations, observations):
    """Whether every configuration of an exercise matches."""
    return observations is not None and all(
        config_passes(expected, observed) for expected, observed in zip(expectations, observations))


def score_exercise(exercise, checks, expectations, outcome, context):
    """The exercise's result (see the module docstring).

    Arguments:
        exercise: its name.
        checks: catalog.plan(exercise, seed).
        expectations: the reference's observation for each configuration, in plan order.
        outcome: {"error": data, "phase": "load"|"grade"} when the exercise could not run at all, else
            {"own": observations, "reference": observations or None, "mixed": None or
            {"conv_block": observations, "upsampling_block": observations}} (exercise3 also
            built with both reference blocks, and with one of the student's blocks at a time).
        context: {"display", "seed", "memory_mb"} for the messages.
    """
    function = function_of(exercise)
    context = {**context, "exercise": exercise, "function": function}
    configs = [check["config"] for check in checks if check["kind"] == "structure"]
    results = []
    if "error" in outcome:
        if outcome.get("phase") == "load":
            error_text = _joined(*messages.load_error_message(outcome["error"], context))
        else:
            error_text = _error_text(outcome["error"], context)
        results = [_result(check, "error", error_text) for check in checks]
    elif outcome["own"] is None:
        text, _ = messages.error_message({"kind": "missing", "function": function}, context)
        results = [_result(check, "error", text) for check in checks]
    else:
        graded = outcome.get("reference") or outcome["own"]
        for check in checks:
            if check["kind"] == "own_blocks":
                results.append(_own_blocks_check(check, expectations, outcome, configs, context))
                continue
            index = configs.index(check["config"])
            check_context = {**context, "args": check["config"]["args"]}
            if check["kind"] == "structure":
                results.append(_structure_check(check, expectations[index], graded[index], check_context))
            else:
                results.append(_behaviour_check(check, expectations[index], graded[index], check_context))
    blocks = outcome.get("blocks_unavailable") and _blocks_at_fault(expectations, outcome["own"])
    if blocks:  # a student bundle cannot build unet_model with the reference blocks: say what to fix first
        results = [result if result["status"] == "passed" else
                   {**result, "message": messages.fix_blocks_first_message(blocks, result["message"])}
                   for result in results]
    return {"name": exercise, "function": function,
            "score": sum(result["score"] for result in results),
            "max_score": sum(result["max_score"] for result in results),
            "checks": results}


def _structure_check(check, expected, observed, context):
    config_text = _config_text(check["config"], context)
    if observed["status"] != "ok":
        return _result(check, "error", _error_text(observed["error"], context))
    finding = first_difference(expected["description"], observed["description"])
    if finding is None:
        return _result(check, "passed", messages.passed_structure_message(observed["description"], config_text))
    text, hint = messages.finding_message(finding, context)
    return _result(check, "failed", _joined(f"On {config_text}: {text}", hint))


def _behaviour_check(check, expected, observed, context):
    config_text = _config_text(check["config"], context)
    if observed["status"] != "ok":
        return _result(check, "error", _error_text(observed["error"], context))
    if not weights_line_up(expected["description"], observed["description"]):
        text, hint = messages.behaviour_message({"what": "weights"}, context)
        return _result(check, "failed", _joined(f"On {config_text}: {text}", hint))
    finding = outputs_difference(expected["outputs"], observed["outputs"] or [])
    if finding is None:
        return _result(check, "passed", messages.passed_behaviour_message(config_text))
    structure_matches = first_difference(expected["description"], observed["description"]) is None
    text, hint = messages.behaviour_message(finding, context, structure_matches)
    return _result(check, "failed", _joined(f"On {config_text}: {text}", hint))


def _own_blocks_check(check, expectations, outcome, configs, context):
    """exercise3 with the student's own blocks: passed, or the first fault and the exercise it comes from."""
    own = outcome["own"]
    if all_pass(expectations, own):
        return _result(check, "passed", "Your unet_model with your own conv_block and upsampling_block "
                                        "matches the reference on every configuration.")
    if outcome.get("blocks_unavailable"):  # a student bundle: no reference blocks to tell the faults apart
        return _result(check, "failed", _first_failure(expectations, own, configs, context))
    mixed = outcome.get("mixed")
    if mixed:  # unet_model passes with the reference blocks: the fault is in a block
        faulty = [block for block in ("conv_block", "upsampling_block")
                  if not all_pass(expectations, mixed[block])]
        if faulty:
            text = _first_failure(expectations, mixed[faulty[0]], configs, context)
            return _result(check, "failed", messages.own_blocks_message(faulty, text, unet_right=True))
    text = _first_failure(expectations, own, configs, context)
    first_error = next((observed["error"] for observed in own if observed["status"] != "ok"), None)
    if first_error and exercise_of(first_error.get("in_function") or first_error.get("function")) in (None, "exercise3"):
        return _result(check, "error", text)  # unet_model's own error, as the other checks report it
    return _result(check, "failed", messages.own_blocks_message([], text, unet_right=mixed is not None))


def _blocks_at_fault(expectations, observations):
    """The blocks that may cause the U-Net's first difference: [] when unet_model's own layers do.

    A differing layer names the block that made it; an error raised inside a block may
    come from what the other block gave it, so both are named then.
    """
    blocks = ["conv_block", "upsampling_block"]
    for expected, observed in zip(expectations, observations):
        if observed["status"] != "ok":
            return blocks if observed["error"].get("in_function") in blocks else []
        finding = first_difference(expected["description"], observed["description"])
        if finding is not None:
            origin = finding.get("found_origin") or (finding.get("at") or {}).get("found_origin")
            return [origin["function"]] if origin and origin["function"] in blocks else []
    return []


def _first_failure(expectations, observations, configs, context):
    """The message of the first configuration whose observation does not match its reference."""
    for config, expected, observed in zip(configs, expectations, observations):
        config_context = {**context, "args": config["args"]}
        if observed["status"] != "ok":
            return _error_text(observed["error"], config_context)
        finding = first_difference(expected["description"], observed["description"])
        if finding is not None:
            text, hint = messages.finding_message(finding, config_context)
        else:
            finding = outputs_difference(expected["outputs"] or [], observed["outputs"] or [])
            if finding is None:
                continue
            text, hint = messages.behaviour_message(finding, config_context, structure_matches=True)
        return _joined(f"on {_config_text(config, config_context)}: {text}", hint)
    return "the models differ."


def _config_text(config, context):
    text = describe_args(context["exercise"], config["args"])
    if config["origin"] == "random":
        text += f"; drawn with seed {context['seed']}"
    return f"{config['name']} ({text})"


def _error_text(error, context):
    text, hint = messages.error_message(error, context)
    return _joined(text, hint)


def _joined(text, hint):
    return f"{text}\nHint: {hint}" if hint else text


def _result(check, status, message):
    return {"name": check["name"], "status": status,
            "score": check["max_score"] if status == "passed" else 0,
            "max_score": check["max_score"], "message": message}
