"""A class's submissions: which file to grade for which student, and what cannot be graded.

SUBMISSIONS is a folder (a `.zip` is unpacked first with `unpack_zip`). Each entry in it
is one student's:

    alice.py, bob.ipynb            a file: the student id is its stem
    carol/unet.ipynb               a folder holding one .py or .ipynb file (at any depth)
    dave/exercises/unet.py         a folder holding a checkout of the package: its exercises/unet.py
    erin.zip                       a student's own .zip: read as the folder it unpacks to (when
                                   `find_submissions` is given a way to unpack it)
    frank/work.zip                 a .zip inside a student's folder: unpacked the same way, its
                                   files counted with the folder's ("frank/work.zip/unet.ipynb")

LMS downloads name their files like `lastname_firstname_12345_67890_unet.ipynb`; an id
pattern (a regular expression with one group, searched in the file's stem or the
folder's name) picks the id out: `_(\\d+)_\\d+_` gives "12345". Without a pattern the
whole stem is the id.

What cannot be graded becomes a Submission with a `problem` (a sentence for the
instructor) instead of a path: two files for one id, an empty folder, a file that is
neither .py nor .ipynb, a name the id pattern does not match. Such a student is listed
and given 0 points with the reason; nothing here raises for a student's file.

Hidden files and folders (`.DS_Store`, `.ipynb_checkpoints`, `.git`), `__MACOSX` and
`__pycache__` are never looked at. A student id becomes a file name under the output
folder only through `file_stems`, which makes the names safe and unique.
"""
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from segmentation.errors import UsageError

GRADABLE_SUFFIXES = (".py", ".ipynb")
IGNORED_NAMES = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}
CHECKOUT_FILE = ("exercises", "unet.py")
MAX_STEM_LENGTH = 80
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
SAFE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SAFE_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")  # what every stem of `file_stems` is
UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")


class SubmissionsError(UsageError):
    """SUBMISSIONS or the id pattern cannot be used as given; the message says why and what to do."""


@dataclass(frozen=True)
class Submission:
    """One student's submission.

    Attributes:
        id: the student id (from the file's stem or the folder's name, or the id pattern's group).
        path: the absolute path of the file to grade; None when it cannot be graded.
        display: its name relative to SUBMISSIONS ("alice/unet.ipynb"); the names, joined
            with ", ", when several entries belong to this id.
        sha256: the SHA-256 of the file to grade (hex); None when it cannot be graded.
        problem: None, or why it cannot be graded, as a sentence that says what to do.
        stem: the safe, unique name of this student's files under the output folder
            (feedback/STEM.txt), see `file_stems`.
    """

    id: str
    path: Path
    display: str
    sha256: str = None
    problem: str = None
    stem: str = None

    @property
    def gradable(self):
        """Whether there is a file to grade."""
        return self.problem is None


@dataclass(frozen=True)
class _Entry:
    """One top-level entry of SUBMISSIONS, before the entries of one id are put together."""

    id: str
    display: str
    path: Path = None
    problem: str = None


def compile_id_pattern(pattern):
    """The compiled id pattern (`pattern` is a string, or None for "the whole stem").

    Raises:
        SubmissionsError: not a valid regular expression, or not exactly one group.
    """
    if pattern is None:
        return None
    example = r"for example --id-pattern '_(\d+)_\d+_' picks 12345 out of lastname_firstname_12345_67890_unet.ipynb"
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise SubmissionsError(f"--id-pattern '{pattern}' is not a valid regular expression ({error}). "
                               f"Put one group (...) around the student id, {example}.") from None
    if compiled.groups != 1:
        raise SubmissionsError(f"--id-pattern '{pattern}' has {compiled.groups} groups; it needs exactly one, "
                               f"around the student id (write other groups as (?:...)), {example}.")
    return compiled


def find_submissions(folder, id_pattern=None, unpack=None):
    """The submissions in `folder`, one per student id, sorted by id.

    Arguments:
        folder: the SUBMISSIONS folder (unpack a .zip with `unpack_zip` first).
        id_pattern: a regular expression with one group that picks the id out of a file's
            stem or a folder's name (searched, not matched whole), or None for the whole stem.
        unpack: None, or a function that unpacks a student's own .zip (a top-level entry of
            `folder`) and returns the folder it unpacked to (`archive.unpack_student_zip` into a
            scratch folder); it raises SubmissionsError when it cannot. Without it such a
            .zip is a file that cannot be graded.

    Raises:
        SubmissionsError: `folder` is not a folder, or `id_pattern` is unusable.
    """
    folder = Path(folder)
    pattern = compile_id_pattern(id_pattern)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder (nor a .zip file)"
        raise SubmissionsError(f"{folder} {what}. Give the folder (or .zip file) that holds one .py or "
                               f".ipynb file, or one folder, per student.")
    by_id = defaultdict(list)
    for path in _visible(folder):
        entry = _entry(path, folder, pattern, id_pattern, unpack)
        by_id[entry.id].append(entry)
    submissions = [_submission(student_id, entries) for student_id, entries in by_id.items()]
    stems = file_stems([submission.id for submission in submissions])
    return sorted((_with_stem(submission, stems[submission.id]) for submission in submissions),
                  key=lambda submission: submission.id)


def _visible(folder):
    """The entries of `folder` worth looking at, sorted by name (hidden and system ones left out)."""
    try:
        children = list(folder.iterdir())
    except OSError as error:
        raise SubmissionsError(f"Cannot read the folder {folder}: {error.strerror}. "
                               f"Check its permissions.") from None
    return sorted((child for child in children if not _ignored(child.name)), key=lambda child: child.name)


def _ignored(name):
    """Whether a file or folder of this name is never looked at."""
    return name.startswith(".") or name in IGNORED_NAMES or name.startswith("~$")


def _readable(name):
    """`name` with any bytes that are not UTF-8 (kept by Python as surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _student_id(name, pattern):
    """The id in `name` (a stem or a folder name), or None when the pattern does not match."""
    if pattern is None:
        return name
    found = pattern.search(name)
    return found.group(1) if found and found.group(1) else None


def _entry(path, root, pattern, pattern_text, unpack):
    """The _Entry for one top-level file or folder of SUBMISSIONS."""
    name = _readable(path.name if path.is_dir() else path.stem)
    display = _readable(path.name) + ("/" if path.is_dir() else "")
    student_id = _student_id(name, pattern)
    if student_id is None:
        return _Entry(name, display, problem=f"The name {display} does not match --id-pattern '{pattern_text}': "
                                             f"rename it, or change the pattern, then grade again.")
    if path.is_dir():
        try:
            return _folder_entry(student_id, path, root, unpack=unpack)
        except SubmissionsError as error:  # a student's folder that cannot be read is that student's problem
            return _Entry(student_id, display, problem=str(error))
    if path.suffix.lower() == ".zip" and unpack is not None:
        return _zip_entry(student_id, path, display, unpack)
    if path.suffix not in GRADABLE_SUFFIXES:
        return _Entry(student_id, display, problem=f"{display} is neither a .py file nor a .ipynb notebook, so it "
                                                   f"cannot be graded: ask the student for their notebook or script.")
    return _Entry(student_id, display, path=path)


def _zip_entry(student_id, path, display, unpack):
    """The _Entry for a student's own .zip: what its unpacked folder holds, shown inside the zip's name."""
    try:
        unpacked = unpack(path)
    except SubmissionsError as error:
        return _Entry(student_id, display, problem=f"{display} cannot be graded: {error}")
    return _folder_entry(student_id, unpacked, unpacked, shown_as=display + "/")


def _folder_entry(student_id, folder, root, shown_as="", unpack=None):
    """The _Entry for a student's folder: its checkout's exercises/unet.py, or its one gradable file.

    Names are shown relative to `root`, after `shown_as` (the .zip a folder was unpacked from).
    With `unpack`, a .zip among the folder's files is unpacked and stands for what it holds
    (a checkout's exercises/unet.py, or its .py/.ipynb files), as a top-level .zip does.
    """
    display = shown_as + (_relative(folder, root) + "/" if folder != root else "")
    checkout = _checkout_file(folder)
    if checkout is not None:
        return _Entry(student_id, shown_as + _relative(checkout, root), path=checkout)
    files = _files_inside(folder)
    shown = {path: shown_as + _relative(path, root) for path in files}
    zips = [path for path in files if path.suffix.lower() == ".zip"] if unpack is not None else []
    for zip_path in zips:
        try:
            inside = _zip_contents(zip_path, shown.pop(zip_path), unpack)
        except SubmissionsError as error:
            return _Entry(student_id, display, problem=f"{shown_as + _relative(zip_path, root)} cannot be "
                                                       f"graded: {error}")
        shown.update(inside)
    files = list(shown)
    gradable = [path for path in files if path.suffix in GRADABLE_SUFFIXES]
    if len(gradable) == 1:
        return _Entry(student_id, shown[gradable[0]], path=gradable[0])
    if not files:
        problem = f"The folder {display} is empty: ask the student for their notebook or script."
    elif not gradable:
        problem = (f"The folder {display} holds no .py or .ipynb file (only {_listed(files, shown, display)}): "
                   f"ask the student for their notebook or script.")
    else:
        problem = (f"The folder {display} holds {len(gradable)} .py/.ipynb files ({_listed(gradable, shown, display)}): "
                   f"leave only the one to grade, then grade again.")
    return _Entry(student_id, display, problem=problem)


def _zip_contents(zip_path, zip_shown, unpack):
    """{path: shown name} of what a .zip inside a student's folder stands for once unpacked.

    Its checkout's exercises/unet.py alone, as for a folder; else every file it holds
    (so that the folder's rules, one gradable file, apply to them with the folder's own).
    """
    unpacked = unpack(zip_path)
    checkout = _checkout_file(unpacked)
    inside = [checkout] if checkout is not None else _files_inside(unpacked)
    return {path: f"{zip_shown}/{_relative(path, unpacked)}" for path in inside}


def _relative(path, root):
    """`path` as the instructor knows it: relative to SUBMISSIONS, with '/'."""
    return _readable(path.relative_to(root).as_posix())


def _checkout_file(folder):
    """The exercises/unet.py of a checkout in `folder` (or in its only subfolder, as GitHub zips have it)."""
    candidates = [folder]
    subfolders = [child for child in _visible(folder) if child.is_dir()]
    if len(subfolders) == 1:
        candidates.append(subfolders[0])
    for candidate in candidates:
        path = candidate.joinpath(*CHECKOUT_FILE)
        if path.is_file():
            return path
    return None


def _files_inside(folder):
    """Every file under `folder`, at any depth, sorted, hidden and system ones left out."""
    found = []
    for child in _visible(folder):
        if child.is_dir() and not child.is_symlink():
            found += _files_inside(child)
        elif child.is_file():
            found.append(child)
    return found


def _listed(paths, shown_names, folder_shown, shown=4):
    """'a.py, work/b.ipynb and 3 more' for files shown as `shown_names` says, inside `folder_shown`."""
    names = [shown_names[path][len(folder_shown):] if shown_names[path].startswith(folder_shown)
             else shown_names[path] for path in paths]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _submission(student_id, entries):
    """The Submission of one id from its entries: the one gradable file, or the problem."""
    gradable = [entry for entry in entries if entry.path is not None]
    if len(gradable) == 1:
        return _hashed(student_id, gradable[0])
    display = ", ".join(entry.display for entry in entries)
    if len(gradable) > 1:
        problem = (f"{len(gradable)} files for student {student_id} ({', '.join(e.display for e in gradable)}): "
                   f"keep only the one to grade, then grade again.")
    elif len(entries) == 1:
        problem = entries[0].problem
    else:
        problem = " ".join(entry.problem for entry in entries)
    return Submission(student_id, None, display, problem=problem)


def _hashed(student_id, entry):
    """The Submission of a gradable entry, with its file's SHA-256 (or the problem of reading it)."""
    try:
        digest = file_sha256(entry.path)
    except OSError as error:
        return Submission(student_id, None, entry.display,
                          problem=f"{entry.display} cannot be read ({error.strerror}): check its permissions, "
                                  f"then grade again.")
    return Submission(student_id, entry.path.resolve(), entry.display, sha256=digest)


def _with_stem(submission, stem):
    """`submission` with its file stem filled in."""
    return Submission(submission.id, submission.path, submission.display, submission.sha256,
                      submission.problem, stem)


def file_sha256(path):
    """The SHA-256 of the file at `path`, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_stem(student_id):
    """A file name stem for `student_id` that is safe on every file system.

    An id made only of letters, digits, '.', '_' and '-' (not starting with a dot, not a
    Windows device name, not too long) is kept as it is; any other id is simplified and
    gets 10 hex digits of its SHA-256, so that different ids stay apart:
    "José Müller" -> "Jos_M_ller-1a2b3c4d5e".
    """
    if (SAFE_STEM.fullmatch(student_id) and len(student_id) <= MAX_STEM_LENGTH and not student_id.endswith(".")
            and student_id.split(".")[0].lower() not in WINDOWS_RESERVED):
        return student_id
    simplified = UNSAFE_RUN.sub("_", student_id).strip("._-")[:MAX_STEM_LENGTH - 11].rstrip("._-") or "student"
    return f"{simplified}-{hashlib.sha256(student_id.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def file_stems(student_ids):
    """{id: stem}: a safe file name stem (see `safe_stem`) for each id, unique even where case is ignored.

    The stems depend only on the set of ids, so an interrupted run that is resumed with
    the same submissions names every student's files as before. Ids whose safe stems
    meet (ignoring case, as macOS and Windows do) get "~2", "~3", ... in id order.
    """
    stems, taken = {}, set()
    for student_id in sorted(set(student_ids)):
        stem = base = safe_stem(student_id)
        number = 1
        while stem.lower() in taken:
            number += 1
            stem = f"{base}~{number}"
        taken.add(stem.lower())
        stems[student_id] = stem
    return stems
