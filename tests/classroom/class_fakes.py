"""Hand-made grading results for the classroom tests: Reports as the grader would give them, no grading."""
from pathlib import Path

from grader.classroom.submissions import Submission
from grader.grading.records import CheckResult, ExerciseResult, Report

EXERCISES = ["exercise1", "exercise2", "exercise3"]
MAX_SCORES = {"exercise1": 5, "exercise2": 3, "exercise3": 4}
PADDING = "Conv2D #2 (layer 3): padding 'valid', expected 'same'"


def passed(name, points):
    """A passed check."""
    return CheckResult(name, "passed", points, points, "Matches the reference.")


def failed(name, points, mistake, message=None):
    """A failed check with its mistake in few words."""
    return CheckResult(name, "failed", 0, points, message or f"{mistake}, so the output is 94x126 instead of 96x128.",
                       mistake=mistake)


def exercise1(*checks):
    """exercise1 (conv_block): structure 2 + 2 points, behaviour 1 point; all passed unless `checks` given."""
    checks = checks or (passed("structure: course configuration 1", 2), passed("structure: random configuration 1", 2),
                        passed("behaviour: course configuration 1", 1))
    return ExerciseResult("exercise1", "conv_block", tuple(checks))


def exercise2(*checks):
    """exercise2 (upsampling_block): 2 + 1 points."""
    checks = checks or (passed("structure: course configuration 1", 2), passed("behaviour: course configuration 1", 1))
    return ExerciseResult("exercise2", "upsampling_block", tuple(checks))


def exercise3(*checks):
    """exercise3 (unet_model): 2 + 2 points."""
    checks = checks or (passed("structure: course configuration 1", 2), passed("own blocks", 2))
    return ExerciseResult("exercise3", "unet_model", tuple(checks))


def report(*exercises, source="work.py", seed=7):
    """A Report of the three exercises (all passed unless some are given, in the order exercise1..3)."""
    exercises = exercises or (exercise1(), exercise2(), exercise3())
    return Report(source=source, seed=seed, exercises=tuple(exercises), versions={"grader": "0.1.0"})


def padding_report(source="work.py"):
    """exercise1's first check fails on padding (and so does a later one): 1 of 12... 3 of 12 points."""
    return report(exercise1(failed("structure: course configuration 1", 2, PADDING),
                            failed("structure: random configuration 1", 2, PADDING),
                            passed("behaviour: course configuration 1", 1)),
                  exercise2(), exercise3(), source=source)


def submission(student_id, display=None, sha256=None, problem=None, stem=None):
    """A Submission as find_submissions would give it."""
    display = display or f"{student_id}.py"
    path = None if problem else Path("/submissions") / display
    sha256 = None if problem else (sha256 or "ab" * 32)
    return Submission(student_id, path, display, sha256, problem, stem or student_id)
