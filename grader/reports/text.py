"""The report for the terminal: one line per check, the reason and a hint under each failure."""
import textwrap

MARKS = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR"}
INDENT = " " * 15


def render(report, picture=None):
    """The whole text report; its last line is the final score. `picture`: the picture's path, when one was drawn."""
    lines = [f"Grading {report.source} with seed {report.seed} "
             f"(to replay the random configurations: --seed {report.seed})", ""]
    for note in report.notes:
        lines += textwrap.wrap(f"Note: {note}", width=100, subsequent_indent="      ",
                               break_long_words=False, break_on_hyphens=False)
    lines += [""] if report.notes else []
    lines += _student_output(report)
    for exercise in report.exercises:
        lines += _exercise(exercise)
        lines.append("")
    if picture:
        lines += [f"Picture of your model beside the reference, the first difference marked: {picture}", ""]
    lines.append(score_line(report.score, report.max_score))
    return "\n".join(lines) + "\n"


def score_line(score, maximum):
    """'Score: 22/34 (65%)', with a word on what to do next."""
    percent = 100 * score / maximum if maximum else 0
    verdict = "all checks passed." if score == maximum else "fix the first failure above and grade again."
    return f"Score: {score}/{maximum} ({percent:.0f}%): {verdict}"


def _exercise(exercise):
    lines = [f"{exercise.name} ({exercise.function}): {exercise.score}/{exercise.max_score}"]
    for note in exercise.notes:
        lines += textwrap.wrap(f"Note: {note}", width=100, initial_indent="  ", subsequent_indent="        ",
                               break_long_words=False, break_on_hyphens=False)
    checks = exercise.checks
    messages = {check.message for check in checks}
    if len(checks) > 1 and all(check.status == "error" for check in checks) and len(messages) == 1:
        lines.append(f"  {MARKS['error']}  0/{exercise.max_score}  every check: the code could not be graded")
        lines += _indented(checks[0].message)
        return lines
    shown = set()  # paragraphs already printed in this exercise: say each reason and hint once
    for check in checks:
        lines.append(f"  {MARKS[check.status]}  {check.score}/{check.max_score}  {check.name}")
        if check.status != "passed":
            lines += _indented(_unseen_paragraphs(check.message, shown))
    return lines


def _unseen_paragraphs(message, shown):
    """`message` less the paragraphs already in `shown` (which it extends); 'same as above' if nothing is new."""
    paragraphs = [p for p in message.split("\n") if p.strip()]
    fresh = [p for p in paragraphs if p not in shown]
    shown.update(paragraphs)
    return "\n".join(fresh) if fresh else "(same reason as above)"


def _indented(message):
    lines = []
    for paragraph in message.splitlines():
        if paragraph.startswith("    "):  # code quoted from the student's file: keep it as it is
            lines.append(INDENT + paragraph)
            continue
        lines += textwrap.wrap(paragraph, width=100, initial_indent=INDENT, subsequent_indent=INDENT + "  ",
                               break_long_words=False, break_on_hyphens=False) or [""]
    return lines


def _student_output(report):
    text = report.output
    if not text.strip():
        return []
    lines = ["Your code printed this while it was graded (shown for your information; it counts for nothing):"]
    lines += [f"  | {line}" for line in text.rstrip("\n").splitlines()]
    if report.output_dropped:
        lines.append(f"  | ... {report.output_dropped:,} more characters not shown")
    return lines + [""]
