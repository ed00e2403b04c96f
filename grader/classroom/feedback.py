"""Each student's feedback: feedback/STEM.txt, STEM.json and STEM.html, ready to hand back as they are.

For a graded submission the three texts are exactly what `python -m grader all --source
FILE` prints for it, as text, with `--format json` and with `--format html` (the renderers
of grader.reports; the page links back to the class's report.html and draws the models of
the exercises that lost points only). For a submission that
could not be graded they say why, with a score of 0.
"""
import html
import json
from dataclasses import dataclass

from grader.classroom.output import write_together
from grader.reports import html_report, json_report, text

FEEDBACK_FOLDER = "feedback"
CLASS_PAGE = "report.html"


@dataclass(frozen=True)
class FeedbackTexts:
    """A student's feedback: the text report, the JSON report and the HTML page, as written to their files.

    `html` is empty for feedback kept by an earlier version that wrote no page (no page is written then).
    """

    text: str
    json: str
    html: str = ""


def feedback_for_report(report):
    """The FeedbackTexts of a graded submission (a records.Report): the reports the grader prints."""
    page = html_report.render(report, back=(f"../{CLASS_PAGE}", "Back to the class report"), pictures="not passed")
    return FeedbackTexts(text.render(report), json_report.render(report), page)


def feedback_for_problem(display, reason, max_score):
    """The FeedbackTexts of a submission that could not be graded: why, and a score of 0.

    Arguments:
        display: the submission as named in SUBMISSIONS ("alice/unet.ipynb").
        reason: why it could not be graded (a sentence).
        max_score: the points possible.
    """
    lines = [f"{display} could not be graded.", "", f"Reason: {reason}", "",
             f"Score: 0/{max_score} (0%): nothing was graded."]
    data = {"score": 0, "max_score": max_score, "exercises": [], "error": reason}
    body = (f'<p><a href="../{CLASS_PAGE}">Back to the class report</a></p><h1>{html.escape(display)} could not '
            f'be graded</h1><p>Reason: {html.escape(reason)}</p><p class="score">Score: 0/{max_score} (0%): '
            f"nothing was graded.</p>")
    page = html_report.page(f"{display} could not be graded", body)
    return FeedbackTexts("\n".join(lines) + "\n", json.dumps(data, indent=2) + "\n", page)


def feedback_names(stem):
    """The two file names, relative to the output folder, of the student whose file stem is `stem`."""
    return f"{FEEDBACK_FOLDER}/{stem}.txt", f"{FEEDBACK_FOLDER}/{stem}.json"


def write_feedback(out_dir, stem, feedback):
    """Write feedback/STEM.txt, STEM.json (and STEM.html, when there is a page) under `out_dir`, all or
    none; return their paths.

    Raises:
        output.OutputFolderError: they could not be written (the message names the folder).
    """
    text_name, json_name = feedback_names(stem)
    files = {text_name: feedback.text, json_name: feedback.json}
    if feedback.html:
        files[f"{FEEDBACK_FOLDER}/{stem}.html"] = feedback.html
    return write_together(out_dir, files)
