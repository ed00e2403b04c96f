"""The class's gradebook: one Row per student, written as gradebook.csv and gradebook.json.

gradebook.csv (UTF-8 with a byte-order mark, so that Excel shows accents; pandas.read_csv
and LibreOffice read it without options; Python's csv module with encoding="utf-8-sig"):

    id, file, score, max_score, percent, <one column per exercise: its score>,
    status ("graded" or "error"), reason (why, for "error"), seconds, sha256

gradebook.json, the same and every check:

    {"run": {... what the caller gives ...},
     "students": [{"id", "file", "score", "max_score", "percent",
                   "exercise_scores": {exercise: score}, "exercise_max_scores": {exercise: points},
                   "status", "reason", "seconds", "sha256",
                   "checks": [{"exercise", "name", "status", "score", "max_score", "message", "mistake"}]}]}

pandas takes the students of gradebook.json with
`pandas.json_normalize(json.load(handle)["students"])` (columns "exercise_scores.exercise1", ...).

"graded" means the grader ran: the student's code may still have failed every check.
"error" means it did not (the submission could not be graded, or the grader failed):
0 points, and the reason. Rows are written sorted by id and hold no date or time other
than each student's grading seconds, so a run that was interrupted and resumed writes
the same bytes as one that was not (the caller decides what `run` holds).
"""
import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.classroom.output import write_together
from segmentation.errors import UsageError

CSV_NAME = "gradebook.csv"
JSON_NAME = "gradebook.json"
CSV_ENCODING = "utf-8-sig"
GRADED = "graded"
ERROR = "error"
CHECK_KEYS = ("exercise", "name", "status", "score", "max_score", "message", "mistake")


class GradebookError(UsageError):
    """A gradebook.json cannot be read; the message names it and says what to do."""


@dataclass(frozen=True)
class Row:
    """One student's line of the gradebook.

    Attributes:
        id: the student id.
        file: the submission as named in SUBMISSIONS ("alice/unet.ipynb").
        score, max_score: points scored and possible.
        percent: 100 * score / max_score, to one decimal (0 when nothing is possible).
        exercise_scores: {exercise name: points scored}.
        exercise_max_scores: {exercise name: points possible}.
        status: "graded" (the grader ran) or "error" (it could not; see `reason`).
        reason: why, for status "error"; None otherwise.
        seconds: how long grading took (None when nothing was graded).
        sha256: the SHA-256 of the graded file (None when there was none).
        checks: every check, as plain dicts with the keys CHECK_KEYS.
    """

    id: str
    file: str
    score: int
    max_score: int
    percent: float
    exercise_scores: dict
    exercise_max_scores: dict
    status: str
    reason: str = None
    seconds: float = None
    sha256: str = None
    checks: tuple = field(default=())

    @property
    def graded(self):
        """Whether the grader ran on this submission."""
        return self.status == GRADED

    def data(self):
        """The row as the JSON object of gradebook.json."""
        data = asdict(self)
        data["checks"] = [dict(check) for check in self.checks]
        return data

    @classmethod
    def from_data(cls, data):
        """The Row a JSON object of gradebook.json describes (KeyError/TypeError when it is not one)."""
        values = {name: data[name] for name in cls.__dataclass_fields__}
        values["checks"] = tuple({key: check[key] for key in CHECK_KEYS} for check in data["checks"])
        values["exercise_scores"] = dict(data["exercise_scores"])
        values["exercise_max_scores"] = dict(data["exercise_max_scores"])
        return cls(**values)


@dataclass(frozen=True)
class Gradebook:
    """What gradebook.json holds: the run's information and the rows."""

    run: dict
    rows: tuple


def percent_of(score, max_score):
    """100 * score / max_score to one decimal; 0.0 when nothing is possible."""
    return round(100 * score / max_score, 1) if max_score else 0.0


def row_from_report(submission, report, seconds):
    """The Row of a graded submission.

    Arguments:
        submission: the submissions.Submission graded.
        report: its records.Report.
        seconds: how long grading it took.
    """
    checks = tuple({"exercise": exercise.name, **check.wire(), "mistake": check.mistake}
                   for exercise in report.exercises for check in exercise.checks)
    return Row(id=submission.id, file=submission.display, score=report.score, max_score=report.max_score,
               percent=percent_of(report.score, report.max_score),
               exercise_scores={exercise.name: exercise.score for exercise in report.exercises},
               exercise_max_scores={exercise.name: exercise.max_score for exercise in report.exercises},
               status=GRADED, seconds=_rounded_seconds(seconds), sha256=submission.sha256, checks=checks)


def row_for_failure(submission, max_scores, reason=None, seconds=None):
    """The Row of a submission that could not be graded: 0 points of every exercise's maximum.

    Arguments:
        submission: the submissions.Submission.
        max_scores: {exercise name: points possible}, in the gradebook's order.
        reason: why (a sentence); default the submission's own problem.
        seconds: how long was spent before grading failed, if anything was tried.
    """
    reason = reason if reason is not None else submission.problem
    if not reason:
        raise ValueError(f"row_for_failure needs a reason for {submission.id!r}")
    return Row(id=submission.id, file=submission.display, score=0, max_score=sum(max_scores.values()),
               percent=0.0, exercise_scores={name: 0 for name in max_scores},
               exercise_max_scores=dict(max_scores), status=ERROR, reason=reason,
               seconds=_rounded_seconds(seconds), sha256=submission.sha256)


def _rounded_seconds(seconds):
    return None if seconds is None else round(float(seconds), 2)


def csv_columns(exercise_names):
    """The header of gradebook.csv."""
    return ["id", "file", "score", "max_score", "percent", *exercise_names, "status", "reason", "seconds", "sha256"]


def render_csv(rows, exercise_names):
    """The text of gradebook.csv (rows sorted by id; quoted as needed, so any text survives)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(exercise_names))
    for row in sorted(rows, key=lambda row: row.id):
        scores = [_cell(row.exercise_scores.get(name)) for name in exercise_names]
        writer.writerow([row.id, row.file, row.score, row.max_score, row.percent, *scores, row.status,
                         _cell(row.reason), _cell(row.seconds), _cell(row.sha256)])
    return buffer.getvalue()


def _cell(value):
    return "" if value is None else value


def render_json(rows, run_info):
    """The text of gradebook.json (rows sorted by id)."""
    data = {"run": run_info, "students": [row.data() for row in sorted(rows, key=lambda row: row.id)]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_gradebook(out_dir, rows, exercise_names, run_info):
    """Write gradebook.csv and gradebook.json into `out_dir`, both or neither; return their paths.

    Arguments:
        out_dir: the class's output folder.
        rows: the Rows, one per student, in any order.
        exercise_names: the exercises, in the order of the CSV's columns.
        run_info: a JSON-ready dict for gradebook.json's "run" (settings, versions; put dates
            in it only if two runs may differ by them).

    Raises:
        output.OutputFolderError: the files could not be written (none of them is left).
    """
    csv_text = render_csv(rows, exercise_names)
    return write_together(out_dir, {CSV_NAME: csv_text.encode(CSV_ENCODING),
                                    JSON_NAME: render_json(rows, run_info)})


def read_gradebook(out_dir):
    """The Gradebook in `out_dir`/gradebook.json.

    Raises:
        GradebookError: it is missing, damaged or not a gradebook.
    """
    path = Path(out_dir) / JSON_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Gradebook(dict(data["run"]), tuple(Row.from_data(row) for row in data["students"]))
    except FileNotFoundError:
        raise GradebookError(f"There is no gradebook at {path}: grade the class first.") from None
    except OSError as error:
        raise GradebookError(f"Cannot read {path}: {error.strerror}. Check its permissions.") from None
    except (ValueError, KeyError, TypeError) as error:
        raise GradebookError(f"{path} is damaged or not a gradebook ({type(error).__name__}: {error}). "
                             f"Grade the class again to rewrite it.") from None
