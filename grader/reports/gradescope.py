"""Gradescope's results.json: the score, and one test per check with its points and message.

Gradescope's autograder specification ("Autograder Specifications", Output format, at
gradescope-autograders.readthedocs.io/en/latest/specs/) documents these fields, every one
optional:

    top level  score, execution_time (seconds), output, output_format, test_output_format,
               test_name_format, visibility, stdout_visibility, extra_data, tests, leaderboard
    each test  score, max_score, status ("passed" or "failed"), name, name_format, number,
               output, output_format, tags, visibility, extra_data

Only those are written: the points possible and the seed travel in `extra_data`. Texts
are plain ("text" format: nothing in a message is read as HTML or Markdown).

The autograder's run_autograder script (grader/instructor/release_files/gradescope/) ends
with this module, so that a valid results.json is left whatever happened:

    python -m grader.reports.gradescope failure RESULTS_JSON MESSAGE
        score 0, and MESSAGE for the student (no submission file was found, ...)
    python -m grader.reports.gradescope finish RESULTS_JSON EXIT_STATUS SOURCE [--note TEXT] [--problems FILE]
        after `python -m grader all --source SOURCE --gradescope RESULTS_JSON` exited with
        EXIT_STATUS: keep the grader's results (with the note first in their output), or,
        when there are none, score 0 and what happened (the grader's own words, from FILE)
"""
import argparse
import json
import signal
import sys

TEXT = "text"
VISIBLE = "visible"
MAX_PROBLEM_CHARS = 2000
DEBUG_HINT = "Set UNET_GRADER_DEBUG=1"  # console.py's line for terminal users; no use on Gradescope


def _summary(report):
    """The submission-wide output: what was graded, the score, the notes about the source."""
    lines = [f"Graded {report.source} with seed {report.seed}: {report.score}/{report.max_score} points.",
             f"To replay these checks on your machine: python -m grader all --source FILE --seed {report.seed}"]
    lines += list(report.notes)
    lines += [f"{exercise.name}: {note}" for exercise in report.exercises for note in exercise.notes]
    return "\n".join(lines)


def data(report):
    """The results.json object for a Report (see Gradescope's autograder specification)."""
    tests = []
    for exercise_number, exercise in enumerate(report.exercises, start=1):
        for check_number, check in enumerate(exercise.checks, start=1):
            tests.append({
                "name": f"{exercise.name} ({exercise.function}): {check.name}",
                "number": f"{exercise_number}.{check_number}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": check.message,
                "tags": [exercise.name, check.name.split(":", 1)[0].strip()],
                "visibility": VISIBLE,
            })
    results = {
        "score": report.score,
        "output": _summary(report),
        "output_format": TEXT,
        "test_output_format": TEXT,
        "test_name_format": TEXT,
        "visibility": VISIBLE,
        "stdout_visibility": "hidden",
        "extra_data": {"max_score": report.max_score, "seed": report.seed, "source": report.source,
                       "versions": dict(report.versions)},
        "tests": tests,
    }
    if report.seconds is not None:
        results["execution_time"] = round(report.seconds)
    return results


def render(report):
    """The results.json text."""
    return json.dumps(data(report), indent=2) + "\n"


def failure(message):
    """The results.json object of a submission that was not graded: score 0 and `message`."""
    return {"score": 0, "output": message, "output_format": TEXT, "visibility": VISIBLE,
            "stdout_visibility": "hidden", "tests": []}


def _usable(text):
    """The results object in `text` when it is one the grader wrote, else None."""
    try:
        results = json.loads(text)
    except (TypeError, ValueError):
        return None
    if (not isinstance(results, dict) or not isinstance(results.get("tests"), list)
            or isinstance(results.get("score"), bool) or not isinstance(results.get("score"), (int, float))):
        return None
    return results


def _in_its_words(problems):
    """What the grader said on stderr, fit for the student: no terminal hints, not too long."""
    lines = [line for line in problems.strip().splitlines() if not line.startswith(DEBUG_HINT)]
    text = "\n".join(line.removeprefix("python -m grader: ") for line in lines).strip()
    if len(text) > MAX_PROBLEM_CHARS:
        text = text[:MAX_PROBLEM_CHARS].rstrip() + " [...]"
    return text or "the grader gave no reason."


def _what_stopped(exit_status, source, problems):
    """The message for a grading run that left no results, by its exit status."""
    if exit_status == 2:
        return (f"{source} could not be graded: {_in_its_words(problems)}\n\n"
                f"If this names a problem in your file, fix it and submit again. If it says the "
                f"grader itself failed, tell the course staff: it is not your mistake.")
    if exit_status > 128 or exit_status < 0:
        number = exit_status - 128 if exit_status > 128 else -exit_status
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        why = (" This most often means grading ran out of the autograder's memory." if number == 9  # SIGKILL
               else "")
        return (f"Grading {source} was stopped ({name}) before it finished, so it has no score.{why} "
                f"Submit again; if it happens again, tell the course staff.")
    if exit_status in (0, 1):
        return (f"The grader finished grading {source} but left no results. This is a fault of the "
                f"autograder, not of your work: tell the course staff.")
    return (f"Grading {source} stopped unexpectedly (exit status {exit_status}), so it has no score. "
            f"This is a fault of the autograder, not of your work: tell the course staff.")


def finished(results_text, exit_status, source, note="", problems=""):
    """The results.json object to leave once `python -m grader all` has exited.

    Arguments:
        results_text: what the grader wrote to results.json (None when it wrote nothing).
        exit_status: the grader's exit status (0 passed, 1 a check failed, 2 no grading;
            above 128: stopped by a signal).
        source: the graded file, as the student knows it ("submission/unet.ipynb").
        note: a line for the student about the submission (which file was graded), or "".
        problems: what the grader printed to stderr.
    """
    results = _usable(results_text) if exit_status in (0, 1) else None
    if results is None:
        results = failure(_what_stopped(exit_status, source, problems or ""))
    if note:
        output = results.get("output", "")
        results["output"] = f"{note}\n\n{output}" if output else note
    return results


def _parser():
    parser = argparse.ArgumentParser(prog="python -m grader.reports.gradescope",
                                     description="Leave a valid Gradescope results.json, whatever happened.")
    steps = parser.add_subparsers(dest="step", required=True)
    fail = steps.add_parser("failure", help="write score 0 and a message for the student")
    fail.add_argument("results", metavar="RESULTS_JSON")
    fail.add_argument("message", metavar="MESSAGE")
    finish = steps.add_parser("finish", help="keep the grader's results.json, or explain why there is none")
    finish.add_argument("results", metavar="RESULTS_JSON")
    finish.add_argument("exit_status", type=int, metavar="EXIT_STATUS")
    finish.add_argument("source", metavar="SOURCE")
    finish.add_argument("--note", default="", metavar="TEXT")
    finish.add_argument("--problems", metavar="FILE", help="the grader's stderr")
    return parser


def _read(path):
    """A file's text, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except (OSError, TypeError):
        return None


def main(argv=None):
    """Write the results.json the arguments call for; exit 0, or 1 when it cannot be written."""
    from segmentation.files import OutputError, write_text

    args = _parser().parse_args(argv)
    if args.step == "failure":
        results = failure(args.message)
    else:
        results = finished(_read(args.results), args.exit_status, args.source, args.note,
                           _read(args.problems) or "")
    try:
        write_text(args.results, json.dumps(results, indent=2) + "\n")
    except OutputError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
