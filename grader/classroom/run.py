"""Grading a whole class: submissions -> gradings side by side -> gradebook, feedback, summary.

    find the submissions (submissions.py; a .zip is unpacked first, archive.py)
      -> the ones already graded in this output folder with the same file and settings are kept (store.py)
      -> the others are graded, `jobs` at a time, each in jobs of its own forked from a warm
         server (grader/grading/session.py), in a sandbox where the machine offers one
         (grader/grading/sandbox.py), or on a Dask cluster (cluster.py)
      -> each student's row and feedback are kept as soon as they finish
      -> gradebook.csv/json and summary.md/png, once every student is done

Every student is graded on the same configurations: one seed for the class, printed and
stored, so that grades are fair and a run can be resumed or replayed. Ctrl-C ends the
running gradings, keeps the finished students, and says how to continue (`--resume`);
no gradebook is written until every student is done.

Only one run writes into an output folder at a time (lock.py). A run killed outright
(SIGKILL, a power cut) leaves only complete files and hidden `.partial` ones; `--resume`
removes the partial ones, grades again whoever was not kept complete (a damaged entry of
`.finished/` is said and graded again) and writes the same gradebook as a run never
stopped.
"""
import contextlib
import itertools
import json
import shutil
import signal
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from grader.classroom.archive import unpack_student_zip, unpack_zip
from grader.classroom.cluster import ClusterLost
from grader.classroom.feedback import feedback_for_problem, feedback_for_report, write_feedback
from grader.classroom.gradebook import row_for_failure, row_from_report, write_gradebook
from grader.classroom.lock import output_lock
from grader.classroom.output import OutputFolderError, check_output_folder, failure_message, write_together
from grader.classroom.progress import ClassProgress
from grader.classroom.store import FinishedStore
from grader.classroom.submissions import find_submissions
from grader.classroom.page import write_class_page
from grader.classroom.summary import write_summary
from grader.classroom.workplace import grade_in_folder, sandbox_for
from grader.exercises import COURSE
from grader.grading import checks, sandbox
from grader.grading.configs import chosen_seed, configurations
from grader.grading.session import Grader, grader_version
from segmentation.errors import UsageError

RUN_FILE = ".class-run.json"


@dataclass(frozen=True)
class ClassSettings:
    """What a class run is asked to do (the command's options).

    Attributes:
        submissions: the folder or .zip of submissions.
        out: the output folder.
        exercises: the names of the exercises to grade.
        jobs: how many students are graded at once.
        seed: the class's seed (None: a new one, or the interrupted run's with `resume`).
        timeout_s, memory_mb: each grading job's limits.
        id_pattern: the regular expression whose group picks the student id out of a name.
        resume: continue the run in `out`.
        dask: the address of a Dask scheduler to grade on, or None to grade here.
    """

    submissions: Path
    out: Path
    exercises: tuple
    jobs: int = 2
    seed: int = None
    timeout_s: float = 120
    memory_mb: int = 4096
    id_pattern: str = None
    resume: bool = False
    dask: str = None


@dataclass(frozen=True)
class ClassResult:
    """How a class run ended: "finished" or "interrupted", and the counts."""

    status: str
    students: int
    graded_now: int
    kept: int
    problems: int
    seed: int
    sandbox: str


def run_class(settings, log=print, progress_stream=None, table=COURSE):
    """Grade the class as `settings` say; write the output folder; return a ClassResult.

    Raises:
        UsageError (and its subclasses from submissions.py, output.py): the submissions
            or the output folder cannot be used; nothing was graded.
    """
    out = check_output_folder(settings.out)
    try:
        with output_lock(out, log):
            return _run_class_locked(settings, out, log, progress_stream, table)
    except OSError as error:  # the lock file itself could not be made
        raise OutputFolderError(failure_message(error, out)) from error


def _run_class_locked(settings, out, log, progress_stream, table):
    """run_class, once this process holds the output folder's lock."""
    _remove_partial_files(out)
    seed = _seed_of_run(settings, out)
    with tempfile.TemporaryDirectory(prefix="unet-class-") as scratch:
        folder = _submissions_folder(settings.submissions, Path(scratch) / "submissions")
        student_zips, numbers = Path(scratch) / "student-zips", itertools.count(1)  # carol/ and dave/ may both
        submissions = find_submissions(folder, settings.id_pattern,  # hold a work.zip: each its own folder
                                       unpack=lambda path: unpack_student_zip(
                                           path, student_zips / f"{next(numbers)}-{path.name}"))
        if not submissions:
            raise UsageError(f"{settings.submissions} holds no submission (no .py or .ipynb file, no student "
                             f"folder). Give the folder (or .zip) of the class's submissions.")
        max_scores = {name: sum(check.max_score for check in checks.plan(
            table.get(name), configurations(table.get(name), seed), table)) for name in settings.exercises}
        store = FinishedStore(out, _store_settings(settings, seed))
        kept = {sub.id: store.finished(sub) for sub in submissions}
        for sub in submissions:
            damage = store.damaged(sub) if kept[sub.id] is None else None
            if damage:
                log(f"{sub.id}: the result kept from before ({damage}) is damaged; {sub.display} is graded again.")
        kept_count = sum(1 for value in kept.values() if value)
        todo = [sub for sub in submissions if sub.gradable and kept[sub.id] is None]
        where = _where_grading(settings)
        log(f"Grading {len(submissions)} submissions of {folder} ({len(todo)} to grade, {kept_count} kept from "
            f"before) with seed {seed}: {', '.join(settings.exercises)}. {where.description}")
        progress = ClassProgress(len(todo) + kept_count, stream=progress_stream, already_done=kept_count)
        finished = {}
        try:
            with progress:
                interrupted = _grade_all(todo, settings, seed, table, where,
                                         lambda *graded: _keep(*graded, max_scores, store, out, progress, finished))
        except OutputFolderError as error:  # a full disk or a read-only folder in the middle of the run
            raise OutputFolderError(
                f"{error} The {kept_count + len(finished)} students graded so far are kept; once {out} can be "
                f"written again, continue with: python -m grader class {settings.submissions} --out "
                f"{settings.out} --resume") from error
        except ClusterLost as error:  # the Dask scheduler went away
            raise ClusterLost(
                f"{error} The {kept_count + len(finished)} students graded so far are kept in {out}; start the "
                f"cluster again, then continue with: python -m grader class {settings.submissions} --out "
                f"{settings.out} --dask {settings.dask} --resume") from error
        if interrupted:
            log(f"\nInterrupted: {kept_count + len(finished)} of {len(submissions)} students are graded and "
                f"kept in {out}; no gradebook is written yet. Continue with:\n  python -m grader class "
                f"{settings.submissions} --out {settings.out} --resume")
            return ClassResult("interrupted", len(submissions), len(finished), kept_count, 0, seed, where.name)
        rows = []
        for sub in submissions:
            if sub.id in finished:  # its feedback was written as it finished
                row, _ = finished[sub.id]
            else:
                row, feedback = _kept_or_failed(sub, kept[sub.id], max_scores)
                write_feedback(out, sub.stem, feedback)
            rows.append(row)
        run_info = {"seed": seed, "exercises": list(settings.exercises), "students": len(submissions),
                    "grader": grader_version(), "sandbox": where.name,
                    "timeout_s": settings.timeout_s, "memory_mb": settings.memory_mb}
        write_gradebook(out, rows, settings.exercises, run_info)
        write_summary(out, rows, settings.exercises, run_info)
        write_class_page(out, rows, settings.exercises, run_info, {sub.id: sub.stem for sub in submissions})
    problems = sum(1 for row in rows if not row.graded)
    log(f"Done: {len(rows)} students in {out}: gradebook.csv, gradebook.json, summary.md, summary.png, "
        f"report.html, feedback/" + (f" ({problems} could not be graded: see gradebook.csv)" if problems else ""))
    return ClassResult("finished", len(submissions), len(finished), kept_count, problems, seed, where.name)


def _remove_partial_files(out):
    """Remove the hidden `.NAME.partial.EXT` files a killed run left (this run holds the lock: none is in use)."""
    for path in list(out.rglob(".*.partial*")):
        if path.is_file():
            path.unlink(missing_ok=True)


def _seed_of_run(settings, out):
    """The class's seed: the interrupted run's (with --resume), the one given, or a new one; recorded in `out`."""
    record_path = out / RUN_FILE
    record = None
    if record_path.is_file():
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except ValueError:
            record = None
    if settings.resume:
        if record is None:
            raise UsageError(f"--resume continues a class run, and {out} holds none. Leave out --resume "
                             f"to start one there.")
        if settings.seed is not None and settings.seed != record["seed"]:
            raise UsageError(f"--resume continues the run of {out} with its seed {record['seed']}; leave "
                             f"out --seed {settings.seed} (or start a new run in another folder).")
        return record["seed"]
    if record is not None:
        raise UsageError(f"{out} holds a class run already. Continue it with --resume, or choose another "
                         f"--out folder.")
    seed = chosen_seed(settings.seed)
    write_together(out, {RUN_FILE: json.dumps({"seed": seed, "exercises": list(settings.exercises)})})
    return seed


def _submissions_folder(given, scratch):
    """The submissions as a folder: `given` itself, or a .zip unpacked into `scratch`."""
    given = Path(given)
    if given.is_file() and given.suffix.lower() == ".zip":
        return unpack_zip(given, scratch)
    if not given.is_dir():
        raise UsageError(f"{given} is neither a folder nor a .zip file. Give the folder (or the .zip an LMS "
                         f"download gives) that holds one submission per student.")
    return given


def _store_settings(settings, seed):
    """What must be the same for a kept student to count on resume."""
    return {"seed": seed, "exercises": list(settings.exercises), "timeout_s": settings.timeout_s,
            "memory_mb": settings.memory_mb, "grader": grader_version()}


def _kept_or_failed(sub, kept, max_scores):
    """(row, feedback) of a student kept from before, or of a submission that cannot be graded."""
    if kept is not None:
        return kept.row, kept.feedback
    return (row_for_failure(sub, max_scores),
            feedback_for_problem(sub.display, sub.problem, sum(max_scores.values())))


@dataclass
class _Where:
    """Where the gradings run: `name` for gradebook.json, `description` for the run's output."""

    name: str
    description: str
    boxes: bool = False


def _where_grading(settings):
    if settings.dask:
        return _Where("dask", f"On the Dask cluster at {settings.dask}.")
    found = sandbox.probe()
    if found.usable:
        return _Where(found.version or "bubblewrap",
                      f"Each student's code runs in a sandbox ({found.version}): it sees only its own "
                      f"submission, a private /tmp and no network.", boxes=True)
    return _Where(f"none: {found.reason}",
                  f"No sandbox: {found.reason}. Each student's code still runs in jobs of its own with the "
                  f"grader's limits, in a folder holding only its own submission, but it could read other "
                  f"files of this machine.")


def _grade_all(todo, settings, seed, table, where, keep):
    """Grade `todo`, `jobs` at a time, `keep(submission, report, seconds, reason)` each as they finish.

    Returns True when interrupted (Ctrl-C).
    """
    if not todo:
        return False
    if settings.dask:
        from grader.classroom.cluster import grade_on_cluster

        return grade_on_cluster(todo, settings, seed, table, keep)
    slots = _Slots(settings, table, boxed=where.boxes, seed=seed)
    stop = threading.Event()

    def grade(sub):
        slot = slots.take()
        try:
            graded = grade_in_folder(slot.grader, slot.folder, sub.display, Path(sub.path).read_bytes(),
                                     settings.exercises, seed)
        finally:
            slots.give_back(slot)
        if stop.is_set():
            return  # interrupted: this student is graded again on --resume
        keep(sub, graded.report, graded.seconds, graded.reason)

    pool = ThreadPoolExecutor(max_workers=settings.jobs)
    pending = set()
    try:
        pending = {pool.submit(grade, sub) for sub in todo}
        with _ctrl_c_between_waits() as pressed:
            while pending and not pressed.is_set():
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
        if pressed.is_set():
            raise KeyboardInterrupt
        return False
    except KeyboardInterrupt:
        stop.set()
        for future in pending:
            future.cancel()
        slots.close()  # ends the running gradings: their students are graded again on --resume
        return True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        slots.close()


@contextlib.contextmanager
def _ctrl_c_between_waits():
    """An Event set by Ctrl-C (SIGINT) meanwhile, instead of KeyboardInterrupt raised wherever the main thread
    is: raised inside `concurrent.futures.wait` while it takes the futures' locks one by one, it left some
    taken, and the grading threads then waited for them forever (the run hung instead of stopping)."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed  # only the main thread gets signals; elsewhere KeyboardInterrupt cannot arrive
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.set())
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _keep(sub, report, seconds, reason, max_scores, store, out, progress, finished):
    """Keep one finished student: their row and feedback, in the store (when graded) and in feedback/."""
    if reason and reason.startswith("the grader itself failed"):
        progress.note(f"{sub.id}: {reason}; graded 0 (graded again on --resume).")
    if report is None:
        row = row_for_failure(sub, max_scores, reason=reason)
        feedback = feedback_for_problem(sub.display, reason, sum(max_scores.values()))
    else:
        row, feedback = row_from_report(sub, report, seconds), feedback_for_report(report)
    if row.graded:
        store.save(sub, row, feedback)
    write_feedback(out, sub.stem, feedback)
    finished[sub.id] = (row, feedback)
    progress.advance()


class _Slots:
    """Where the gradings run: one sandboxed Grader per worker, or (no sandbox) one Grader all workers share."""

    def __init__(self, settings, table, boxed, seed):
        self.scratch = Path(tempfile.mkdtemp(prefix="unet-class-work-"))
        count = settings.jobs if boxed else 1
        with ThreadPoolExecutor(max_workers=count) as pool:  # each slot starts TensorFlow: side by side
            self.all = list(pool.map(lambda number: _Slot(number, self.scratch / f"slot{number}", settings,
                                                         table, boxed), range(count)))
        self.all[0].grader.prepare(settings.exercises, seed)
        for slot in self.all[1:]:
            slot.grader.share_expectations(self.all[0].grader)
        self.free = [self.all[number % count] for number in range(settings.jobs)]
        self._lock = threading.Condition()
        self._closed = False

    def take(self):
        """A free slot (waits for one)."""
        with self._lock:
            while not self.free:
                self._lock.wait()
            return self.free.pop()

    def give_back(self, slot):
        """Make `slot` free again."""
        with self._lock:
            self.free.append(slot)
            self._lock.notify()

    def close(self):
        """End every slot's grader (and the gradings running in it)."""
        if not self._closed:
            self._closed = True
            for slot in self.all:
                slot.grader.close()
            shutil.rmtree(self.scratch, ignore_errors=True)


class _Slot:
    """One Grader (in its own sandbox when `boxed`) and the folder its gradings work in."""

    def __init__(self, number, folder, settings, table, boxed):
        self.folder = folder
        self.folder.mkdir(parents=True)
        box = sandbox_for(number, folder, table) if boxed else None
        # without fork: one job process per student, one ready for the next student
        self.grader = Grader(settings.timeout_s, settings.memory_mb, table, sandbox=box, parallel=1,
                             keep_spares=1, one_job_per_source=True)
