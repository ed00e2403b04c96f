"""The class in a browser: report.html, one self-contained page from the gradebook's rows.

    render_class_page(rows, exercise_names, run_info, stems) -> str
    write_class_page(out_dir, rows, exercise_names, run_info, stems)

The page holds the gradebook as a table (every column sortable with a button, filters by
exercise not passed and by status), the score histogram (an inline SVG with the same
counts as a table beside it), the pass rate of each check and the most common mistakes
with their count and links to the students concerned (feedback/STEM.html, each student's
page: the same page as `--format html`). The counts are summary.py's, so summary.md and
the page agree. CSS and script are inline, nothing is fetched, it works from `file://`;
without JavaScript the tables still read (sorted by id) and only the buttons and filters
do nothing (the filters are shown only when the script runs).
"""
import html

from grader.classroom.output import write_together
from grader.classroom.summary import BIN_LABELS, MISTAKES_IN_MARKDOWN, check_pass_rates, common_mistakes, score_bins
from grader.reports.html_report import STYLE, page

PAGE_NAME = "report.html"
EXTRA_STYLE = """
[hidden] { display: none !important; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer;
            color: inherit; text-align: left; }
th button:focus-visible, select:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
th button::after { content: " \\2195"; color: #777; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: inherit; }
th[aria-sort="descending"] button::after { content: " \\2193"; color: inherit; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; margin: .5rem 0; }
.bar { background: #cfe8f7; height: .9rem; display: inline-block; vertical-align: middle; min-width: 1px; }
.scroll { overflow-x: auto; }
svg text { font: 11px system-ui, sans-serif; }
.ids a { margin-right: .4rem; }
"""
SCRIPT = """<script>
(function () {
  var table = document.getElementById("gradebook"), body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (head, column) {
    var button = head.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var down = head.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(heads, function (other) { other.setAttribute("aria-sort", "none"); });
      head.setAttribute("aria-sort", down ? "descending" : "ascending");
      var numeric = head.getAttribute("data-type") === "number";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-value"), y = b.cells[column].getAttribute("data-value");
        var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        if (down) { order = -order; }
        if (order === 0) {  /* ties: by student id, whichever way */
          order = a.cells[0].getAttribute("data-value").localeCompare(b.cells[0].getAttribute("data-value"));
        }
        return order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      document.getElementById("sorted").textContent =
        "Sorted by " + button.textContent + (down ? ", highest first." : ", lowest first.");
    });
  });
  var filters = document.getElementById("filters"), exercise = document.getElementById("exercise"),
      status = document.getElementById("status");
  filters.hidden = false;
  function apply() {
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var lost = " " + row.getAttribute("data-not-passed") + " ";
      var open = (exercise.value === "" || lost.indexOf(" " + exercise.value + " ") >= 0)
        && (status.value === "" || row.getAttribute("data-status") === status.value);
      row.hidden = !open;
      shown += open ? 1 : 0;
    });
    document.getElementById("shown").textContent = shown + " of " + body.rows.length + " students shown.";
  }
  exercise.addEventListener("change", apply);
  status.addEventListener("change", apply);
  apply();
})();
</script>
"""
STATUS_NAMES = {"passed": "all checks passed", "failed": "some checks not passed", "error": "could not be graded"}


def render_class_page(rows, exercise_names, run_info, stems):
    """The text of report.html.

    Arguments:
        rows: the gradebook's Rows.
        exercise_names: the exercises, in order.
        run_info: the run's information (seed, students, ...), listed at the top.
        stems: {student id: the stem of their feedback files}.
    """
    rows = sorted(rows, key=lambda row: row.id)
    graded = [row for row in rows if row.graded]
    rates = check_pass_rates(rows, exercise_names)
    mistakes = common_mistakes(rows)
    mean = sum(row.percent for row in graded) / len(graded) if graded else 0.0
    body = ["<h1>Class report</h1>",
            f'<p class="score">{len(rows)} students, {len(graded)} graded; mean score {mean:.1f}%.</p>',
            '<p class="muted">' + _e(", ".join(f"{key}: {value}" for key, value in run_info.items())) + "</p>",
            '<nav aria-label="Sections"><ul><li><a href="#gradebook-title">Gradebook</a></li>'
            '<li><a href="#histogram-title">Scores</a></li><li><a href="#checks-title">Pass rate of each check</a>'
            '</li><li><a href="#mistakes-title">Most common mistakes</a></li></ul></nav>']
    body += _gradebook(rows, exercise_names, stems)
    body += _histogram(score_bins(rows))
    body += _rates(rates)
    body += _mistakes(mistakes, stems)
    return page(f"Class report: {len(rows)} students", "\n".join(body), STYLE + EXTRA_STYLE, SCRIPT)


def write_class_page(out_dir, rows, exercise_names, run_info, stems):
    """Write report.html into `out_dir`; return its path.

    Raises:
        output.OutputFolderError: it could not be written (nothing half-written is left).
    """
    return write_together(out_dir, {PAGE_NAME: render_class_page(rows, exercise_names, run_info, stems)})[0]


def student_href(stem):
    """The link from report.html to a student's page."""
    return f"feedback/{stem}.html"


def _row_status(row):
    if not row.graded:
        return "error"
    return "passed" if row.score == row.max_score else "failed"


def _gradebook(rows, exercise_names, stems):
    columns = [("Student", "text"), ("File", "text"), ("Score", "number"), ("Percent", "number")]
    columns += [(name, "number") for name in exercise_names] + [("Status", "text")]
    heads = "".join(f'<th scope="col" aria-sort="none" data-type="{kind}"'
                    f'{" class=num" if kind == "number" else ""}><button type="button">{_e(title)}</button></th>'
                    for title, kind in columns)
    options = "".join(f'<option value="{_e(name)}">{_e(name)}</option>' for name in exercise_names)
    statuses = "".join(f'<option value="{key}">{words}</option>' for key, words in STATUS_NAMES.items())
    lines = ['<section aria-labelledby="gradebook-title">', '<h2 id="gradebook-title">Gradebook</h2>',
             '<form class="filters" id="filters" hidden onsubmit="return false">',
             f'<label>Exercise not passed <select id="exercise"><option value="">any</option>{options}</select></label>',
             f'<label>Status <select id="status"><option value="">any</option>{statuses}</select></label>',
             '<span id="shown" aria-live="polite"></span></form>',
             '<p class="muted" id="sorted" aria-live="polite">Sorted by student id.</p>',
             '<div class="scroll"><table id="gradebook">',
             '<caption class="muted">Every student: points per exercise; the column buttons sort the table.</caption>',
             f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for row in rows:
        status = _row_status(row)
        not_passed = " ".join(name for name in exercise_names
                              if row.exercise_scores.get(name, 0) < row.exercise_max_scores.get(name, 0))
        stem = stems.get(row.id)
        student = f'<a href="{_e(student_href(stem))}">{_e(row.id)}</a>' if stem else _e(row.id)
        cells = [f'<th scope="row" data-value="{_e(row.id)}">{student}</th>',
                 f'<td data-value="{_e(row.file)}">{_e(row.file)}</td>',
                 f'<td class="num" data-value="{row.score}">{row.score}/{row.max_score}</td>',
                 f'<td class="num" data-value="{row.percent}">{row.percent:.1f}%</td>']
        cells += [f'<td class="num" data-value="{row.exercise_scores.get(name, 0)}">'
                  f'{row.exercise_scores.get(name, 0)}/{row.exercise_max_scores.get(name, 0)}</td>'
                  for name in exercise_names]
        words = STATUS_NAMES[status] + (f": {row.reason}" if row.reason else "")
        cells.append(f'<td class="{status}" data-value="{status}">{_e(words)}</td>')
        lines.append(f'<tr data-status="{status}" data-not-passed="{_e(not_passed)}">{"".join(cells)}</tr>')
    return lines + ["</tbody>", "</table></div>", "</section>"]


def _histogram(counts):
    width, height, left, bottom = 660, 220, 40, 40
    step = (width - left) / len(counts)
    top = max(counts + [1])
    bars = []
    for number, (label, count) in enumerate(zip(BIN_LABELS, counts)):
        bar = (height - bottom - 10) * count / top
        x = left + number * step
        bars.append(f'<rect x="{x + 3:.1f}" y="{height - bottom - bar:.1f}" width="{step - 6:.1f}" '
                    f'height="{bar:.1f}" fill="#0072B2"></rect>'
                    f'<text x="{x + step / 2:.1f}" y="{height - bottom - bar - 3:.1f}" text-anchor="middle">'
                    f'{count}</text><text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                    f'{_e(label.split(chr(8211))[0])}</text>')
    words = "; ".join(f"{label}: {count}" for label, count in zip(BIN_LABELS, counts))
    cells = "".join(f"<td class=num>{count}</td>" for count in counts)
    labels = "".join(f'<th scope="col" class=num>{_e(label)}</th>' for label in BIN_LABELS)
    return ['<section aria-labelledby="histogram-title">', '<h2 id="histogram-title">Scores</h2>',
            f'<svg role="img" aria-label="Histogram of the graded students\' scores: {_e(words)}" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
            f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#000"></line>'
            f'{"".join(bars)}<text x="{left + (width - left) / 2}" y="{height - 6}" text-anchor="middle">'
            f'score (%, from)</text></svg>',
            '<div class="scroll"><table><caption class="muted">Graded students per score band</caption>'
            f"<thead><tr>{labels}</tr></thead><tbody><tr>{cells}</tr></tbody></table></div>", "</section>"]


def _rates(rates):
    lines = ['<section aria-labelledby="checks-title">', '<h2 id="checks-title">Pass rate of each check</h2>',
             '<div class="scroll"><table><caption class="muted">Graded students who passed each check</caption>',
             '<thead><tr><th scope="col">Exercise</th><th scope="col">Check</th>'
             '<th scope="col" class="num">Passed</th><th scope="col">Rate</th></tr></thead><tbody>']
    for rate in rates:
        lines.append(f"<tr><td>{_e(rate.exercise)}</td><td>{_e(rate.check)}</td>"
                     f'<td class="num">{rate.passed}/{rate.graded}</td><td><span class="bar" '
                     f'style="width:{rate.percent * 1.5:.0f}px"></span> {rate.percent:.0f}%</td></tr>')
    return lines + ["</tbody></table></div>", "</section>"]


def _mistakes(mistakes, stems):
    lines = ['<section aria-labelledby="mistakes-title">', '<h2 id="mistakes-title">Most common mistakes</h2>']
    if not mistakes:
        return lines + ["<p>No mistakes: every graded student passed every check.</p>", "</section>"]
    lines += ['<div class="scroll"><table><caption class="muted">The first check each student did not pass in '
              'each exercise, grouped by the mistake</caption>',
              '<thead><tr><th scope="col" class="num">Students</th><th scope="col">Exercise</th>'
              '<th scope="col">Check</th><th scope="col">Mistake</th><th scope="col">Who</th></tr></thead><tbody>']
    for mistake in mistakes[:MISTAKES_IN_MARKDOWN]:
        who = " ".join(f'<a href="{_e(student_href(stems[sid]))}">{_e(sid)}</a>' if sid in stems else _e(sid)
                       for sid in mistake.ids)
        lines.append(f'<tr><td class="num">{mistake.count}</td><td>{_e(mistake.exercise)}</td>'
                     f"<td>{_e(mistake.check)}</td><td>{_e(mistake.mistake)}</td><td class=ids>{who}</td></tr>")
    lines.append("</tbody></table></div>")
    if len(mistakes) > MISTAKES_IN_MARKDOWN:
        lines.append(f'<p class="muted">{len(mistakes) - MISTAKES_IN_MARKDOWN} rarer mistakes are not listed; '
                     f"each student's page names theirs.</p>")
    return lines + ["</section>"]


def _e(text):
    return html.escape(str(text), quote=True)
