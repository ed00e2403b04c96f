"""The finished students of a class run, kept as they finish, so that an interrupted run can resume.

One JSON file per finished student, OUT/.finished/STEM.json, written atomically as soon as
the student is graded:

    {"format": 1, "id", "sha256", "settings": {...}, "row": {... a gradebook row ...},
     "feedback": {"text": "...", "json": "...", "html": "..."}}

On resume, a student is not graded again when their file is there, is readable, and was
made for the same id, the same file contents (SHA-256) and the same grading settings
(seed, exercises, limits, grader version: whatever the caller passes as `settings`).
Anything else (a damaged file, a changed submission, other settings, a row whose
grading failed: status "error") is graded again.
Since the kept Row and feedback texts are the ones first written, a resumed run writes
the same gradebook and feedback as an uninterrupted one.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from grader.classroom.feedback import FeedbackTexts
from grader.classroom.gradebook import Row
from grader.classroom.output import write_together
from grader.classroom.submissions import safe_stem

STORE_FOLDER = ".finished"
FORMAT = 1


@dataclass(frozen=True)
class FinishedStudent:
    """A student graded earlier in this output folder: their Row and their feedback texts."""

    row: Row
    feedback: FeedbackTexts


class FinishedStore:
    """The finished students under `out_dir`/.finished, for grading settings `settings` (a JSON-ready dict)."""

    def __init__(self, out_dir, settings):
        self.folder = Path(out_dir) / STORE_FOLDER
        self.settings = json.loads(json.dumps(settings))

    def save(self, submission, row, feedback):
        """Keep a student who has just finished (atomically: the file is complete or absent).

        Raises:
            output.OutputFolderError: it could not be written (the message names the folder).
        """
        data = {"format": FORMAT, "id": submission.id, "sha256": submission.sha256, "settings": self.settings,
                "row": row.data(), "feedback": {"text": feedback.text, "json": feedback.json,
                                                     "html": feedback.html}}
        write_together(self.folder, {self._name(submission): json.dumps(data, ensure_ascii=False)})

    def finished(self, submission):
        """The FinishedStudent kept for `submission`, or None when it must be graded (again)."""
        if not submission.gradable:
            return None
        try:
            data = json.loads((self.folder / self._name(submission)).read_text(encoding="utf-8"))
            if (data["format"], data["id"], data["sha256"], data["settings"]) != (
                    FORMAT, submission.id, submission.sha256, self.settings):
                return None
            row = Row.from_data(data["row"])
            if not row.graded:
                return None
            return FinishedStudent(row, FeedbackTexts(str(data["feedback"]["text"]), str(data["feedback"]["json"]),
                                                      str(data["feedback"].get("html", ""))))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def damaged(self, submission):
        """Why the kept file of `submission` is damaged ("cut short", ...), or None (absent or whole).

        A file that is whole but was made for another file or other settings is not damaged:
        it is simply not used.
        """
        path = self.folder / self._name(submission)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            return f"{STORE_FOLDER}/{path.name} cannot be read: {error}"
        try:
            data = json.loads(text)
            Row.from_data(data["row"])
            str(data["feedback"]["text"]), str(data["feedback"]["json"])
            data["format"], data["id"], data["sha256"], data["settings"]
        except ValueError:
            return f"{STORE_FOLDER}/{path.name} is cut short or not JSON"
        except (KeyError, TypeError) as error:
            return f"{STORE_FOLDER}/{path.name} lacks {error}"
        return None

    def forget(self, submission):
        """Drop what is kept for `submission` (for example before grading it again on purpose)."""
        (self.folder / self._name(submission)).unlink(missing_ok=True)

    @staticmethod
    def _name(submission):
        """The kept file's name: the submission's stem (from find_submissions), else one made from its id."""
        return f"{submission.stem or safe_stem(submission.id)}.json"
