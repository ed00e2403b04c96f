"""The JSON report: exactly the documented object, nothing else.

    {"score", "max_score",
     "exercises": [{"name", "function", "score", "max_score",
                    "checks": [{"name", "status": "passed"|"failed"|"error", "score", "max_score", "message"}],
                    "notes": [text, ...]}],
     "versions": {...}}

An exercise's notes are what the text report prints under it: what the grader saw that costs no
points (a setting that changes nothing on the inputs the exercise admits, ...), one line each.
"""
import json


def data(report):
    """The report's documented JSON object (a dict) for a records.Report."""
    return {
        "score": report.score,
        "max_score": report.max_score,
        "exercises": [exercise_data(exercise) for exercise in report.exercises],
        "versions": dict(report.versions),
    }


def exercise_data(exercise):
    """One exercise of the JSON report (an ExerciseResult as a dict)."""
    return {"name": exercise.name, "function": exercise.function, "score": exercise.score,
            "max_score": exercise.max_score, "checks": [check.wire() for check in exercise.checks],
            "notes": list(exercise.notes)}


def render(report):
    """The JSON text (one object) for stdout."""
    return json.dumps(data(report), indent=2) + "\n"
