"""The HTML report of one grading (`--format html`, and a class's feedback/ID.html): one self-contained page.

Everything is in the page: the CSS inline, each exercise's picture as a data: URI, no
script, no font or file fetched from anywhere, so it opens from `file://`, on a phone
(viewport meta, one column under 700 px) and prints (print styles). It shows the score,
a table of every check, under each check that did not pass its words (the student's code
at the faulty line as it is quoted there, the hint apart), and the picture of each
exercise's model with alt text saying what it shows and where the fault is.
"""
import base64
import html

from grader.reports import picture
from grader.reports.model_layout import describe_in_words
from grader.reports.text import score_line

STATUS_WORDS = {"passed": "passed", "failed": "failed", "error": "error"}

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --pass: #00603f; --fail: #a33a00; --line: #ccc; --hint: #f3f7fb; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 0; line-height: 1.45; background: #fff; }
main { max-width: 1320px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.score { font-size: 1.25rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; white-space: nowrap; }
.passed { color: var(--pass); font-weight: 600; } .failed, .error { color: var(--fail); font-weight: 600; }
pre { background: #f6f6f6; border-left: 4px solid var(--fail); padding: .5rem .75rem; overflow-x: auto;
      white-space: pre-wrap; word-break: break-word; }
.hint { background: var(--hint); border-left: 4px solid #0072B2; padding: .4rem .75rem; }
figure { margin: 1rem 0; overflow-x: auto; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9rem; }
.muted { color: var(--muted); font-size: .9rem; }
@media (max-width: 700px) { main { padding: .5rem .6rem 2rem; } th, td { padding: .3rem; font-size: .92rem; } }
@media print { a { color: inherit; text-decoration: none; } pre, figure, tr { break-inside: avoid; }
               main { max-width: none; } }
"""


def render(report, title=None, back=None, pictures="all"):
    """The page (str) for a records.Report.

    Arguments:
        report: the records.Report.
        title: the page's heading (default "Grading of SOURCE").
        back: (href, words) of a link up, or None.
        pictures: "all" (a picture of every exercise's model) or "not passed" (only of those
            exercises that lost points: a class's pages, where drawing 200 pictures of right
            models would only cost time).
    """
    heading = title or f"Grading of {report.source}"
    body = [f"<h1>{_e(heading)}</h1>"]
    if back:
        body.insert(0, f'<p><a href="{_e(back[0])}">{_e(back[1])}</a></p>')
    score = score_line(report.score, report.max_score).replace("failure above", "failure below")  # it heads the page
    body.append(f'<p class="score" id="score">{_e(score)}</p>')
    body.append(f'<p class="muted">Seed {report.seed} (to replay the random configurations: '
                f'<code>--seed {report.seed}</code>).</p>')
    body += [f"<p><strong>Note:</strong> {_e(note)}</p>" for note in report.notes]
    if report.output.strip():
        dropped = f" ({report.output_dropped:,} more characters not shown)" if report.output_dropped else ""
        body.append(f"<details><summary>What your code printed while it was graded{_e(dropped)}</summary>"
                    f"<pre>{_e(report.output)}</pre></details>")
    for exercise in report.exercises:
        body += _exercise(exercise, pictures == "all" or exercise.score < exercise.max_score)
    versions = ", ".join(f"{name} {version}" for name, version in report.versions.items())
    body.append(f'<p class="muted">{_e(versions)}</p>')
    return page(f"{heading}: {report.score}/{report.max_score}", "\n".join(body))


def page(title, body, style=STYLE, script=""):
    """A whole HTML document around `body` (inline style; `script`, when given, inline too)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            f"{script}</body>\n</html>\n")


def _exercise(exercise, drawn):
    anchor = f"exercise-{_e(exercise.name)}"
    lines = [f'<section aria-labelledby="{anchor}">',
             f'<h2 id="{anchor}">{_e(exercise.name)} ({_e(exercise.function)}): '
             f'{exercise.score}/{exercise.max_score}</h2>',
             *(f"<p><strong>Note:</strong> {_e(note)}</p>" for note in exercise.notes),
             "<table>", f"<caption class=\"muted\">The checks of {_e(exercise.name)}</caption>",
             '<thead><tr><th scope="col">Check</th><th scope="col">Result</th>'
             '<th scope="col" class="num">Points</th></tr></thead>', "<tbody>"]
    for check in exercise.checks:
        lines.append(f'<tr><td>{_e(check.name)}</td><td class="{check.status}">{STATUS_WORDS[check.status]}</td>'
                     f'<td class="num">{check.score}/{check.max_score}</td></tr>')
    lines += ["</tbody>", "</table>"]
    shown = set()
    for check in exercise.checks:
        if check.status == "passed":
            continue
        lines.append(f'<h3>{_e(check.name)}: <span class="{check.status}">{STATUS_WORDS[check.status]}</span></h3>')
        lines += _message(check.message, shown)
    lines += figure(exercise) if drawn else []
    lines.append("</section>")
    return lines


def _message(message, shown):
    """The message's paragraphs (those not shown above in this exercise): code as <pre>, the hint apart."""
    out, code = [], []
    paragraphs = [paragraph for paragraph in message.split("\n") if paragraph.strip()]
    fresh = [paragraph for paragraph in paragraphs if paragraph not in shown]
    shown.update(paragraphs)
    if not fresh:
        return ['<p class="muted">(The same reason as above.)</p>']
    for paragraph in fresh + [None]:
        if paragraph is not None and paragraph.startswith("    "):
            code.append(paragraph[4:])
            continue
        if code:
            out.append(f"<pre><code>{_e(chr(10).join(code))}</code></pre>")
            code = []
        if paragraph is None:
            break
        if paragraph.startswith("Hint: "):
            out.append(f'<p class="hint"><strong>Hint:</strong> {_e(paragraph[6:])}</p>')
        else:
            out.append(f"<p>{_e(paragraph)}</p>")
    return out


def figure(exercise):
    """The exercise's picture as a <figure> with its PNG inline and alt text, or nothing when it has none."""
    data = picture.exercises_png([exercise])
    if data is None:
        return []
    alt = alt_text(exercise)
    source = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return [f'<figure><img src="{source}" alt="{_e(alt)}" width="1300">',
            f"<figcaption>{_e(alt)}</figcaption></figure>"]


def alt_text(exercise):
    """What the exercise's picture shows, in words: both models and the fault (or that they agree)."""
    pair = exercise.models
    text = (f"{exercise.name} ({exercise.function}), {pair.config}. Your model: "
            f"{describe_in_words(pair.student, pair.found_at)}. The reference: "
            f"{describe_in_words(pair.reference, pair.expected_at)}. ")
    if pair.difference:
        return text + f"First difference: {pair.difference}"
    if pair.stopped:
        return text + f"Your code stopped: {pair.stopped}"
    return text + "No difference: your model is the reference's."


def _e(text):
    return html.escape(str(text), quote=True)
