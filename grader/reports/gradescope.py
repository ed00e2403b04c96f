"""Gradescope's results.json: the score, and one test per check with its points and message."""
import json


def data(report):
    """The results.json object (see Gradescope's autograder specification)."""
    tests = []
    for exercise in report.exercises:
        for check in exercise.checks:
            tests.append({
                "name": f"{exercise.name} ({exercise.function}): {check.name}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": check.message,
                "visibility": "visible",
            })
    return {
        "score": report.score,
        "max_score": report.max_score,
        "output": f"Graded with seed {report.seed}; replay with --seed {report.seed}.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def render(report):
    """The results.json text."""
    return json.dumps(data(report), indent=2) + "\n"
