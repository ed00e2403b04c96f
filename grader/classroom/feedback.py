"""Each student's feedback: feedback/STEM.txt and feedback/STEM.json, ready to hand back as they are.

For a graded submission the two texts are exactly what `python -m grader all --source
FILE` prints for it, as text and with `--format json` (the renderers of grader.reports).
For a submission that could not be graded they say why, with a score of 0.
"""
import json
from dataclasses import dataclass

from grader.classroom.output import write_together
from grader.reports import json_report, text

FEEDBACK_FOLDER = "feedback"


@dataclass(frozen=True)
class FeedbackTexts:
    """A student's feedback: the text report and the JSON report, as written to their files."""

    text: str
    json: str


def feedback_for_report(report):
    """The FeedbackTexts of a graded submission (a records.Report): the reports the grader prints."""
    return FeedbackTexts(text.render(report), json_report.render(report))


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
    return FeedbackTexts("\n".join(lines) + "\n", json.dumps(data, indent=2) + "\n")


def feedback_names(stem):
    """The two file names, relative to the output folder, of the student whose file stem is `stem`."""
    return f"{FEEDBACK_FOLDER}/{stem}.txt", f"{FEEDBACK_FOLDER}/{stem}.json"


def write_feedback(out_dir, stem, feedback):
    """Write feedback/STEM.txt and feedback/STEM.json under `out_dir`, both or neither; return their paths.

    Raises:
        output.OutputFolderError: they could not be written (the message names the folder).
    """
    text_name, json_name = feedback_names(stem)
    return write_together(out_dir, {text_name: feedback.text, json_name: feedback.json})
