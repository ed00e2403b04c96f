"""The class's summary: summary.md and summary.png, from the gradebook's rows.

Both show the score distribution, the pass rate of each check and the most common
mistakes; summary.md also lists the students concerned by each mistake and the
submissions that could not be graded, with the reason.

A mistake is counted once per student and exercise: the first check of the exercise
that the student did not pass, grouped by (exercise, check, the check's `mistake`), so
that "Conv2D #2 (layer 3): padding 'valid', expected 'same'" made on one check by 23
students is one line with 23 ids. Only graded rows count in the pass rates and the
mistakes; rows that could not be graded are listed apart. Matplotlib runs with the
non-interactive Agg backend.
"""
import io
import json
import re
import statistics
import textwrap
from collections import defaultdict
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from grader.classroom.output import write_together  # noqa: E402

MARKDOWN_NAME = "summary.md"
PICTURE_NAME = "summary.png"
BIN_LABELS = [f"{low}–{low + 9}%" for low in range(0, 100, 10)] + ["100%"]
MISTAKES_IN_PICTURE = 10
MISTAKES_IN_MARKDOWN = 30
LABEL_WIDTH = 60
LABEL_LINES = 3
MARKDOWN_SPECIAL = "\\`*_[]<>|~"


@dataclass(frozen=True)
class CheckPassRate:
    """How many graded students passed one check."""

    exercise: str
    check: str
    passed: int
    graded: int

    @property
    def percent(self):
        """The share who passed, in percent."""
        return 100 * self.passed / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class CommonMistake:
    """One mistake made on one check, and the students who made it (sorted ids)."""

    exercise: str
    check: str
    mistake: str
    ids: tuple

    @property
    def count(self):
        """How many students made it."""
        return len(self.ids)


def score_bins(rows):
    """Graded students per score band: a count for each of BIN_LABELS (0–9%, ..., 90–99%, 100%)."""
    counts = [0] * len(BIN_LABELS)
    for row in rows:
        if row.graded:
            counts[10 if row.percent >= 100 else max(0, int(row.percent // 10))] += 1
    return counts


def check_pass_rates(rows, exercise_names):
    """A CheckPassRate per check met in the graded rows, exercise by exercise, checks in report order."""
    order, passed, graded = [], defaultdict(int), defaultdict(int)
    for row in rows:
        if not row.graded:
            continue
        for check in row.checks:
            key = (check["exercise"], check["name"])
            if key not in graded:
                order.append(key)
            graded[key] += 1
            passed[key] += check["status"] == "passed"
    rank = {name: index for index, name in enumerate(exercise_names)}
    order.sort(key=lambda key: rank.get(key[0], len(rank)))
    return [CheckPassRate(exercise, check, passed[(exercise, check)], graded[(exercise, check)])
            for exercise, check in order]


def common_mistakes(rows):
    """The CommonMistakes of the graded rows, the most frequent first (ties: by exercise, check, words)."""
    students = defaultdict(set)
    for row in rows:
        if not row.graded:
            continue
        seen_exercises = set()
        for check in row.checks:
            if check["status"] == "passed" or check["exercise"] in seen_exercises:
                continue
            seen_exercises.add(check["exercise"])
            students[(check["exercise"], check["name"], mistake_words(check))].add(row.id)
    mistakes = [CommonMistake(*key, tuple(sorted(ids))) for key, ids in students.items()]
    return sorted(mistakes, key=lambda item: (-item.count, item.exercise, item.check, item.mistake))


def mistake_words(check):
    """The check's mistake in few words; its message's first line when it has none."""
    if check.get("mistake"):
        return check["mistake"]
    first_line = (check.get("message") or "").strip().splitlines()[:1]
    return textwrap.shorten(first_line[0], 120, placeholder=" ...") if first_line else "(no message)"


def write_summary(out_dir, rows, exercise_names, run_info):
    """Write summary.md and summary.png into `out_dir`, both or neither; return their paths.

    Arguments:
        out_dir: the class's output folder.
        rows: the gradebook's Rows.
        exercise_names: the exercises, in order.
        run_info: what to say about the run (a dict of JSON-ready values), listed at the top.

    Raises:
        output.OutputFolderError: they could not be written (none of them is left).
    """
    rows = sorted(rows, key=lambda row: row.id)
    rates = check_pass_rates(rows, exercise_names)
    mistakes = common_mistakes(rows)
    return write_together(out_dir, {MARKDOWN_NAME: render_markdown(rows, rates, mistakes, run_info),
                                    PICTURE_NAME: render_picture(rows, rates, mistakes)})


def render_markdown(rows, rates, mistakes, run_info):
    """The text of summary.md."""
    lines = ["# Class summary", ""]
    if run_info:
        lines += [f"- {_md(str(key))}: {_md(_value_text(value))}" for key, value in run_info.items()] + [""]
    lines += ["## Scores", "", *_score_lines(rows), "",
              f"![Score distribution, pass rates and mistakes]({PICTURE_NAME})",
              "", "## Pass rate of each check", ""]
    if rates:
        lines += ["| exercise | check | passed | rate |", "|---|---|---:|---:|"]
        lines += [f"| {_md(rate.exercise)} | {_md(rate.check)} | {rate.passed}/{rate.graded} | {rate.percent:.0f}% |"
                  for rate in rates]
    else:
        lines.append("No submission was graded.")
    lines += ["", "## Most common mistakes", "",
              "Each student counts once per exercise: the first check of the exercise they did not pass.", ""]
    if mistakes:
        lines += ["| students | exercise | check | mistake | ids |", "|---:|---|---|---|---|"]
        lines += [f"| {item.count} | {_md(item.exercise)} | {_md(item.check)} | {_md(item.mistake)} | "
                  f"{', '.join(_md(student) for student in item.ids)} |" for item in mistakes[:MISTAKES_IN_MARKDOWN]]
        if len(mistakes) > MISTAKES_IN_MARKDOWN:
            rest = mistakes[MISTAKES_IN_MARKDOWN:]
            lines += ["", f"{len(rest)} more mistakes, made by {sum(item.count for item in rest)} students "
                          f"in all, are in gradebook.json."]
    else:
        lines.append("None: every graded student passed every check." if rates else "No submission was graded.")
    failed = [row for row in rows if not row.graded]
    lines += ["", "## Could not be graded", ""]
    if failed:
        lines += ["| id | file | reason |", "|---|---|---|"]
        lines += [f"| {_md(row.id)} | {_md(row.file)} | {_md(row.reason or '')} |" for row in failed]
    else:
        lines.append("Every submission was graded.")
    return "\n".join(lines) + "\n"


def _score_lines(rows):
    graded = [row for row in rows if row.graded]
    failed = len(rows) - len(graded)
    lines = [f"- {len(rows)} submissions: {len(graded)} graded, {failed} could not be graded (0 points, listed below)."]
    if graded:
        percents = [row.percent for row in graded]
        full = sum(percent >= 100 for percent in percents)
        lines.append(f"- Graded: mean {statistics.mean(percents):.1f}%, median {statistics.median(percents):.1f}%, "
                     f"lowest {min(percents):.1f}%, highest {max(percents):.1f}%; {full} with every point.")
        lines += ["", "| score | students |", "|---|---:|"]
        lines += [f"| {label} | {count} |" for label, count in zip(BIN_LABELS, score_bins(rows))]
    return lines


def _value_text(value):
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _md(text):
    """`text` safe in a Markdown table cell: on one line, its special characters escaped."""
    text = " ".join(str(text).split())
    return "".join("\\" + char if char in MARKDOWN_SPECIAL else char for char in text)


def render_picture(rows, rates, mistakes):
    """The bytes of summary.png: the score distribution, the pass rates and the commonest mistakes."""
    shown = mistakes[:MISTAKES_IN_PICTURE]
    heights = [3.2, 0.8 + 0.3 * max(len(rates), 1), 0.8 + 0.62 * max(len(shown), 1)]
    figure, axes = plt.subplots(3, 1, figsize=(12, sum(heights) + 1.0), layout="constrained",
                                gridspec_kw={"height_ratios": heights})
    try:
        _draw_scores(axes[0], rows)
        _draw_rates(axes[1], rates)
        _draw_mistakes(axes[2], shown, len(mistakes), bool(rates))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _draw_scores(axis, rows):
    counts = score_bins(rows)
    graded = sum(counts)
    failed = len(rows) - graded
    bars = axis.bar(range(len(counts)), counts, color="#4c72b0")
    axis.bar_label(bars, labels=[str(count) if count else "" for count in counts], padding=2)
    axis.set_xticks(range(len(counts)), BIN_LABELS)
    axis.set_xlabel("score (share of the points)")
    axis.set_ylabel("students")
    axis.set_ylim(0, max(counts + [1]) * 1.2)
    axis.yaxis.get_major_locator().set_params(integer=True)
    not_graded = f", {failed} could not be graded" if failed else ""
    axis.set_title(f"Score distribution: {graded} graded{not_graded}", loc="left", fontweight="bold")


def _draw_rates(axis, rates):
    axis.set_title("Pass rate of each check (graded students)", loc="left", fontweight="bold")
    if not rates:
        _say(axis, "No submission was graded.")
        return
    positions = range(len(rates))
    colors = ["#55a868" if rate.percent >= 80 else "#dd8452" if rate.percent >= 50 else "#c44e52" for rate in rates]
    bars = axis.barh(positions, [rate.percent for rate in rates], color=colors)
    axis.bar_label(bars, labels=[f"{rate.passed}/{rate.graded}" for rate in rates], padding=3, fontsize=8)
    axis.set_yticks(positions, [_plain(_short(f"{rate.exercise} · {rate.check}", LABEL_WIDTH)) for rate in rates],
                    fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, 112)
    axis.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axis.set_xlabel("students who passed the check (green: 80% or more, orange: 50–79%, red: under 50%)")


def _draw_mistakes(axis, shown, total, anything_graded):
    more = f" (the {len(shown)} commonest of {total})" if total > len(shown) else ""
    axis.set_title(f"Most common mistakes{more}", loc="left", fontweight="bold")
    if not shown:
        _say(axis, "None: every graded student passed every check." if anything_graded else "No submission was graded.")
        return
    positions = range(len(shown))
    bars = axis.barh(positions, [item.count for item in shown], color="#c44e52")
    axis.bar_label(bars, padding=3, fontsize=9)
    axis.set_yticks(positions, [_plain(_mistake_label(item)) for item in shown], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, max(item.count for item in shown) * 1.15)
    axis.xaxis.get_major_locator().set_params(integer=True)
    axis.set_xlabel("students (each counted once per exercise: the first check of it they did not pass)")


def _mistake_label(item):
    """'exercise1 · structure: course configuration 1' over the mistake, wrapped to LABEL_LINES lines."""
    mistake = re.sub(r"(\d), (?=\d)", "\\1,\u00a0", item.mistake)  # keep "(2, 2)" on one line
    lines = textwrap.wrap(mistake, LABEL_WIDTH, break_on_hyphens=False)
    if len(lines) > LABEL_LINES - 1:
        lines = lines[:LABEL_LINES - 2] + [_short(" ".join(lines[LABEL_LINES - 2:]), LABEL_WIDTH)]
    return "\n".join([_short(f"{item.exercise} · {item.check}", LABEL_WIDTH), *lines])


def _short(text, width):
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _plain(text):
    """`text` shown literally by Matplotlib (a '$' would start mathematics)."""
    return text.replace("$", r"\$")


def _say(axis, text):
    axis.text(0.5, 0.5, text, ha="center", va="center", transform=axis.transAxes, fontsize=11)
    axis.set_axis_off()
