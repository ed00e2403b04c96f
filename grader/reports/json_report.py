"""The JSON report: exactly the documented object, nothing else.

    {"score", "max_score",
     "exercises": [{"name", "function", "score", "max_score",
                    "checks": [{"name", "status": "passed"|"failed"|"error", "score", "max_score", "message"}]}],
     "versions": {...}}
"""
import json

CHECK_KEYS = ("name", "status", "score", "max_score", "message")
EXERCISE_KEYS = ("name", "function", "score", "max_score")


def data(report):
    """The report's documented JSON object (a dict)."""
    results = report["results"]
    return {
        "score": results["score"],
        "max_score": results["max_score"],
        "exercises": [{**{key: exercise[key] for key in EXERCISE_KEYS},
                       "checks": [{key: check[key] for key in CHECK_KEYS} for check in exercise["checks"]]}
                      for exercise in results["exercises"]],
        "versions": dict(results["versions"]),
    }


def render(report):
    """The JSON text (one object) for stdout."""
    return json.dumps(data(report), indent=2) + "\n"
