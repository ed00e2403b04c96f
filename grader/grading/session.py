"""Grading sessions: the pipeline from a source to a Report (runs in the parent).

    configurations (configs.py)
      -> a trusted job: the reference's observations, once per exercise and seed   (reference.py)
      -> for each exercise, a fresh job: load what its function needs of the source (sources/)
         and observe it: build, describe, run                                       (model/)
         (an exercise built from blocks again with the reference blocks when it fails
          with the student's own, then with one student block at a time, to find the
          exercise at fault; a block whose own exercise ran past its time limit earlier
          in the grading is not called again)
      -> checks: compare with the reference, word, score                           (checks/, compare.py,
                                                                                     messages.py)
      -> Report                                                                     (records.py)

Every job is forked from one warm server, which pays TensorFlow's start-up once
(supervisor.py): a `Grader` keeps it for as long as it is open, so that a class, a
`watch` session or a notebook kernel grade many sources for one start. Where the platform
cannot fork (Windows, macOS), every job is a spare process that imported TensorFlow ahead
of time instead (spares.py): a grading starts all the jobs it needs at once, and a Grader
that stays open keeps some waiting for the next grading. A job that dies,
overruns its time or memory costs only its own exercise, which scores 0 with a clear
message.
"""
import dataclasses
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grader.exercises import COURSE
from grader.grading import checks
from grader.grading.compare import all_match
from grader.grading.configs import configurations
from grader.grading.messages import Context
from grader.grading.pairs import model_pair
from grader.grading.records import Observation, Outcome, Report
from grader.grading.supervisor import ChildFailure, Discard, GraderFailure, Job, OutputCapture, WarmServer

SETUP_LIMIT_S = 600  # describing the reference: the grader's own work
# Outcomes after which a job cannot grade another exercise: it was ended, or the student's code changed it
JOB_ENDING_KINDS = {"timeout", "memory_watch", "crashed", "forged", "broken", "tampered", "answers"}
REPO_ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def grader_version():
    """The installed package's version (pyproject.toml's), or 'unknown' when it is not installed."""
    try:
        return metadata.version("unet-course")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Limits:
    """A grading job's limits: the seconds each exercise may take, the memory its process may use."""

    timeout_s: float
    memory_mb: int


class Grader:
    """Grades sources with one warm server; use as a context manager. Its methods may be called
    from several threads at once (a class run grades its students side by side).

    Arguments:
        timeout_s: the time limit of each exercise's job.
        memory_mb: the memory cap of each job.
        table: the exercise table.
        repo_root: the checkout the grader is imported from in the jobs.
        sandbox: a sandbox.Sandbox to run the server and its jobs in, or None.
        parallel: how many jobs of one grading may run at once (the exercises of one
            source are graded side by side; a class grades its students side by side instead).
        keep_spares: without fork, how many job processes to keep started and waiting for the
            next grading (a `watch` session: one per exercise it grades).
        one_job_per_source: without fork, grade all the exercises of a source one after the other
            in one job process (a class run: one TensorFlow start per student instead of one per
            exercise); an exercise that ends or taints that job (a time-out, a crash, the memory
            cap, tampering) hands the exercises after it to a fresh job, so each verdict is the same.

    Raises:
        GraderFailure: the grader itself could not start.
    """

    def __init__(self, timeout_s, memory_mb, table=COURSE, repo_root=REPO_ROOT, sandbox=None, parallel=None,
                 keep_spares=0, one_job_per_source=False):
        self.limits = Limits(timeout_s, memory_mb)
        self.table = table
        self.parallel = parallel or min(4, os.cpu_count() or 1)
        # One job at a time per core: TensorFlow's own thread pools would only make them wait for each other.
        threads = {} if self.parallel > 1 else {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
        if sandbox is None:
            self.server = WarmServer(repo_root, table.locator, env=threads, spares=keep_spares)
        else:
            self.server = WarmServer(repo_root, table.locator, wrapper=sandbox.command(env=threads),
                                     job_uid=sandbox.uid, wipe="/tmp", spares=keep_spares)
        self._expectations = {}
        self._versions = self.server.versions
        self.one_job_per_source = one_job_per_source and not self.server.warm
        self._lock = threading.Lock()

    @property
    def warm(self):
        """Whether jobs are forked from a warm server (False: each job starts TensorFlow itself)."""
        return self.server.warm

    def versions(self):
        """The grader's and the libraries' versions, for the report."""
        if self._versions is None:
            self._versions = self._trusted([{"cmd": "versions"}], "versions")[0]["versions"]
        return {"grader": grader_version(), **self._versions}

    def expectations(self, exercise, seed):
        """The reference's Observations of `exercise`'s configurations for `seed` (computed once)."""
        with self._lock:
            known = self._expectations.get((exercise.name, seed))
        if known is None:
            self._describe([exercise], seed)
            known = self._expectations[(exercise.name, seed)]
        return known

    def _describe(self, exercises, seed):
        """Describe the reference for `exercises` and `seed` in one trusted job, and keep the descriptions."""
        commands = [{"cmd": "reference", "exercise": exercise.name, "seed": seed,
                     "configs": [config.wire() for config in configurations(exercise, seed)]} for exercise in exercises]
        for exercise, reply in zip(exercises, self._trusted(commands, "reference")):
            with self._lock:
                self._expectations[(exercise.name, seed)] = [Observation.from_wire(item)
                                                             for item in reply["expectations"]]

    def prepare(self, names, seed):
        """Describe the reference for the exercises named `names` and `seed` now: forked, side by side;
        without fork, in one job (each job process there pays TensorFlow's start-up)."""
        missing = [self.table.get(name) for name in names if (name, seed) not in self._expectations]
        if len(missing) > 1 and self.warm:
            with ThreadPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1)) as pool:
                list(pool.map(lambda exercise: self.expectations(exercise, seed), missing))
        elif missing:
            self._describe(missing, seed)

    def share_expectations(self, other):
        """Use the reference descriptions `other` (a Grader of the same table) has computed already."""
        with self._lock:
            self._expectations.update(other._expectations)

    def _trusted(self, commands, expected_type):
        """Ask a trusted job (no student code) `commands` in turn during the grader's own work; their replies.
        Any failure is the grader's.

        Without a warm server (which says the versions when it starts) the first such job also
        says them, so that no job starts TensorFlow for them alone.
        """
        job = Job(self.server, self.limits.memory_mb, OutputCapture(), trusted=True)
        try:
            replies = [job.ask(command, SETUP_LIMIT_S) for command in commands]
            if self._versions is None and expected_type != "versions":
                said = job.ask({"cmd": "versions"}, SETUP_LIMIT_S)
                self._versions = said["versions"] if said.get("type") == "versions" else None
        except ChildFailure as failure:
            raise GraderFailure(_setup_failure_text(failure.data)) from None
        finally:
            job.quit()
        for reply in replies:
            if reply.get("type") != expected_type:
                raise GraderFailure(f"the grading process answered {reply.get('type')!r} instead of "
                                    f"{expected_type!r}")
        return replies

    def grade(self, source, names, seed, cwd=None, limits=None):
        """Grade the exercises named `names` of `source` (a records.Source); return a Report.

        `cwd` is the folder the jobs work in (default: where the grader runs); `limits` the
        jobs' Limits (default: the Grader's).
        """
        exercises = [self.table.get(name) for name in names]
        limits = limits or self.limits
        if not self.warm:  # every job process this grading needs starts now, side by side
            missing = any((name, seed) not in self._expectations for name in names)
            self.server.spares.reserve(int(missing) + (1 if self.one_job_per_source else len(exercises)))
        self.prepare(names, seed)
        hangs = _Hangs(self.table)
        if self.one_job_per_source:
            graded = self._grade_in_one_job(source, exercises, seed, cwd, limits, hangs)
        else:
            graded = self._each(list(enumerate(exercises)), lambda item: self._grade_exercise(
                source, item[1], seed, cwd, limits, hangs, first=item[0] == 0))
        output = OutputCapture()
        for _, printed, _ in graded:
            output.add(printed.text())
        notes = list(dict.fromkeys(note for _, _, found in graded for note in found))
        return Report(source=source.display, seed=seed, exercises=tuple(result for result, _, _ in graded),
                      versions=self.versions(), output=output.text(),
                      output_dropped=output.dropped + sum(printed.dropped for _, printed, _ in graded),
                      notes=tuple(notes))

    def _each(self, items, work):
        """[work(item) for item in items], up to `parallel` at a time, in order."""
        if self.parallel <= 1 or len(items) <= 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.parallel, len(items))) as pool:
            return list(pool.map(work, items))

    def _grade_exercise(self, source, exercise, seed, cwd, limits, hangs, first):
        """(ExerciseResult, what the job printed, the load's notes) of one exercise in a job of its own.

        Only the first exercise's job shows what the source prints while it loads. `hangs` (a _Hangs)
        is what the grading learnt of the student's functions that ran past the time limit.
        """
        printed, notes = OutputCapture(), []
        job = Job(self.server, limits.memory_mb, printed, load_output=printed if first else Discard(), cwd=cwd,
                  preload=bool(exercise.blocks))
        try:
            outcome = self._outcome(job, source, exercise, seed, notes, limits.timeout_s, hangs)
        finally:
            job.quit()
        return self._score(source, exercise, seed, outcome, limits), printed, notes

    def _grade_in_one_job(self, source, exercises, seed, cwd, limits, hangs):
        """[(ExerciseResult, printed, notes)] of `exercises` one after the other in one job (see
        `one_job_per_source`); after an outcome that ended or tainted the job, the rest in a fresh one
        (which shows nothing the source prints while it loads: the first job showed that).

        An exercise that has taken half its time limit, with exercises after it, has a spare process start
        then: should it run out of time, the fresh job's TensorFlow start overlaps the wait instead of following it.
        """
        printed, notes, graded = OutputCapture(), [], []
        job = None
        try:
            for index, exercise in enumerate(exercises):
                if job is None:
                    job = Job(self.server, limits.memory_mb, printed, cwd=cwd,
                              preload=any(later.blocks for later in exercises[index:]))
                standby = threading.Timer(limits.timeout_s / 2, self.server.spares.reserve, args=(1,))
                standby.daemon = True
                if index < len(exercises) - 1:
                    standby.start()
                try:
                    outcome = self._outcome(job, source, exercise, seed, notes, limits.timeout_s, hangs,
                                            quiet=index > 0)
                finally:
                    standby.cancel()
                graded.append((self._score(source, exercise, seed, outcome, limits), OutputCapture(), []))
                if outcome.error and outcome.error.get("kind") in JOB_ENDING_KINDS:
                    job.quit()
                    job = None
        finally:
            if job is not None:
                job.quit()
        result, _, _ = graded[0]
        graded[0] = (result, printed, notes)  # the jobs' prints and notes, shown once with the first exercise
        return graded

    def _score(self, source, exercise, seed, outcome, limits):
        """The ExerciseResult of `exercise`'s Outcome."""
        configs = configurations(exercise, seed)
        expectations = self.expectations(exercise, seed)
        context = Context(exercise, self.table, display=source.display, seed=seed, memory_mb=limits.memory_mb)
        result = checks.score_exercise(checks.plan(exercise, configs, self.table), expectations, outcome, context)
        return dataclasses.replace(result, models=model_pair(configs, expectations, outcome, context))

    def _outcome(self, job, source, exercise, seed, notes, timeout_s, hangs, quiet=False):
        """The Outcome of one exercise in `job`: load (`quiet`: its prints go nowhere), then observe
        (the student's blocks that `hangs` knows ran past the time limit are not called again)."""
        configs = configurations(exercise, seed)
        expectations = self.expectations(exercise, seed)
        load_error = _load(job, source, timeout_s, _functions_needed(exercise, self.table), notes, quiet)
        if load_error:
            return Outcome(error=load_error, phase="load")
        try:
            outcome = _observe(job, exercise, configs, expectations, seed, timeout_s, self.table,
                               hangs.of_blocks(exercise))
        except ChildFailure as failure:
            outcome = Outcome(error=failure.data, phase="grade")
        except _Tampered as tampered:
            return Outcome(error=tampered.error, phase="grade")
        hangs.record(exercise, outcome)
        return outcome

    def close(self):
        """End the server and everything it started."""
        self.server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def grade(source, exercises, seed, timeout_s, memory_mb, repo_root=REPO_ROOT, table=COURSE):
    """Grade the exercises named `exercises` of `source` (a records.Source) with a Grader of its own
    (without fork, in one job process for all of them: each process there pays a TensorFlow start).

    Raises:
        GraderFailure: the grader itself could not work (TensorFlow missing, reference broken).
    """
    with Grader(timeout_s, memory_mb, table, repo_root, one_job_per_source=True) as grader:
        return grader.grade(source, exercises, seed)


def grade_batch(jobs, seed, timeout_s, memory_mb, repo_root=REPO_ROOT, table=COURSE):
    """Grade several (source, exercise names) jobs with one TensorFlow start, side by side; one Report per job."""
    workers = min(4, os.cpu_count() or 1)
    with Grader(timeout_s, memory_mb, table, repo_root, parallel=1) as grader, \
            ThreadPoolExecutor(max_workers=workers) as pool:
        grader.prepare(list(dict.fromkeys(name for _, names in jobs for name in names)), seed)
        return list(pool.map(lambda job: grader.grade(job[0], job[1], seed), jobs))


def _setup_failure_text(data):
    if data["kind"] == "memory_watch":
        return (f"the grading process needed more than the {data['limit_mb']} MiB memory cap before any "
                f"student code ran; raise --memory-limit.")
    if data["kind"] == "timeout":
        return f"describing the reference did not finish within {data['limit']} s."
    return f"the reference could not be described ({data})."


def _functions_needed(exercise, table):
    """The graded functions that grading `exercise` runs: its own and its blocks'."""
    return [exercise.function] + [block.function for block in table.blocks_of(exercise)]


class _Hangs:
    """The student's graded functions that ran past their exercise's time limit in one grading (the threads of
    a grading share it): an exercise built from such a function, graded after it, does not wait for it again."""

    def __init__(self, table):
        self.table = table
        self._found = {}  # function -> {"exercise": the exercise that grades it, "limit": its time limit in s}
        self._lock = threading.Lock()

    def record(self, exercise, outcome):
        """Keep `exercise`'s function when its Outcome is a time-out while it was graded (not while loading)."""
        error = outcome.error
        if error and error.get("kind") == "timeout" and outcome.phase == "grade":
            with self._lock:
                self._found.setdefault(exercise.function, {"exercise": exercise.name, "limit": error["limit"]})

    def of_blocks(self, exercise):
        """{block function: {"exercise", "limit"}} for the blocks of `exercise` known to hang."""
        with self._lock:
            return {block.function: dict(self._found[block.function]) for block in self.table.blocks_of(exercise)
                    if block.function in self._found}


class _Tampered(Exception):
    """The job reported that the student's code changed the grader or reached for the answers."""

    def __init__(self, reply):
        self.error = _tampering(reply)
        super().__init__(self.error["kind"])


def _tampering(reply):
    """The error data of a "tampered" reply: reaching for the answers, or changing the grader's modules."""
    if reply.get("answers"):
        return {"kind": "answers", "attempts": reply["answers"]}
    return {"kind": "tampered", "changes": reply["changes"]}


def _load(job, source, timeout_s, functions, notes, quiet=False):
    """Load what `functions` need of the student's source in the job; the error data if it cannot be, else None.

    The load's notes (imports left out, ...) are added to `notes`, each once.
    """
    try:
        reply = job.ask({"cmd": "load", "source": source.wire(), "functions": functions, "quiet": quiet}, timeout_s)
    except ChildFailure as failure:
        return failure.data
    if reply["type"] == "load_error":
        return reply["error"]
    if reply["type"] == "tampered":
        return _tampering(reply)
    notes += [note for note in reply.get("notes", []) if note not in notes]
    return None


def _observe(job, exercise, configs, expectations, seed, timeout_s, table, hung=None):
    """The Outcome of one loaded exercise.

    An exercise built from blocks is built with the student's own blocks; when that
    fails, again with the reference blocks (does the model itself pass?), and when it
    then passes, with one student block at a time, to find the exercise the fault comes from.
    One call of a block may take half of `timeout_s` (at most build.BLOCK_LIMIT_S), so that a
    block that hangs leaves the time to grade the model with the reference blocks; the blocks
    in `hung` ({function: {"exercise", "limit"}}, see _Hangs) are not called at all.
    """
    blocks = [block.function for block in table.blocks_of(exercise)]

    def observe(own_block=None, whose="own"):
        choice = {block: ("own" if block == own_block else whose) for block in blocks}
        command = {"cmd": "grade", "exercise": exercise.name, "seed": seed, "blocks": choice,
                   "configs": [config.wire() for config in configs], "block_limit_s": timeout_s / 2,
                   "hung": hung or {}}
        return _observations(job.ask(command, timeout_s))

    outcome = Outcome(own=observe())
    if not blocks or outcome.own is None or all_match(expectations, outcome.own) \
            or _not_implemented(outcome.own, exercise):
        return outcome
    outcome.reference = observe(whose="reference")
    if all_match(expectations, outcome.reference):
        outcome.mixed = {block: observe(own_block=block, whose="reference") for block in blocks}
    return outcome


def _not_implemented(observations, exercise):
    """Whether the graded function itself raised NotImplementedError (the reference blocks cannot help then)."""
    first = observations[0]
    return (not first.ok and first.error["kind"] == "not_implemented"
            and first.error.get("in_function") in (None, exercise.function))


def _observations(reply):
    if reply["type"] == "tampered":
        raise _Tampered(reply)
    if reply["observations"] is None:
        return None
    return [Observation.from_wire(item) for item in reply["observations"]]
