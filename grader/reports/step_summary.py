"""`python -m grader.reports.step_summary grade.json`: the grade as Markdown for a CI job summary.

The classroom workflow runs `python -m grader all --format json > grade.json` and
appends this module's output to `$GITHUB_STEP_SUMMARY`, so the score and the message
of every failed check show on the job's page.
"""
import json
import sys

MAX_MESSAGE_CHARS = 600


def _points(score, max_score):
    return f"{score:g} / {max_score:g}"


def _cell(text):
    """Text made safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_summary(report):
    """Markdown for a grader JSON report (the dict `--format json` prints)."""
    score, max_score = report["score"], report["max_score"]
    percent = 100.0 * score / max_score if max_score else 0.0
    lines = [f"## U-Net exercise: {_points(score, max_score)} points ({percent:.0f}%)", "",
             "| exercise | function | points | result |", "|---|---|---|---|"]
    failed = []
    for exercise in report["exercises"]:
        checks = exercise.get("checks", [])
        bad = [check for check in checks if check.get("status") != "passed"]
        result = "passed" if not bad and exercise["score"] == exercise["max_score"] else (
            f"{len(bad)} of {len(checks)} checks failed" if checks else "not graded")
        lines.append(f"| {exercise['name']} | `{exercise.get('function', '')}` | "
                     f"{_points(exercise['score'], exercise['max_score'])} | {result} |")
        failed += [(exercise["name"], check) for check in bad]
    if failed:
        lines += ["", "### What to fix", ""]
        for name, check in failed:
            message = _cell(check.get("message", ""))[:MAX_MESSAGE_CHARS]
            lines.append(f"- **{name}, {_cell(check.get('name', ''))}** ({check.get('status')}): {message}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    """Print the Markdown summary of the JSON report named in `argv`; exit 0, or 1 without a report."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m grader.reports.step_summary GRADE_JSON", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as handle:
            report = json.load(handle)
        text = markdown_summary(report)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"## U-Net exercise: no score\n\nThe grader wrote no usable report to {argv[0]} "
              f"({type(error).__name__}: {error}). Open the log of the \"Grade\" step to see why.")
        return 1
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
