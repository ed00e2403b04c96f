"""One grading session: the pipeline from a source to a Report (runs in the parent).

    configurations (configs.py)
      -> child: the reference's observations, before any student code   (reference.py)
      -> child: load the student's source                               (sources/)
      -> child: observe each exercise: build, describe, run             (model/)
         (an exercise built from blocks again with the reference blocks when it fails
          with the student's own, then with one student block at a time, to find the
          exercise at fault)
      -> checks: compare with the reference, word, score                (checks/, compare.py, messages.py)
      -> Report                                                          (records.py)

If the child dies, overruns its time or memory during an exercise, that exercise
scores 0 with a clear message and a fresh child grades the remaining ones.
"""
from importlib import metadata
from pathlib import Path

from grader.exercises import COURSE
from grader.grading import checks, stored
from grader.grading.compare import all_match
from grader.grading.configs import configurations
from grader.grading.messages import Context
from grader.grading.records import Observation, Outcome, Report
from grader.grading.supervisor import Child, ChildFailure, GraderFailure, OutputCapture

SETUP_LIMIT_S = 600  # starting TensorFlow and describing the reference: the grader's own work
REPO_ROOT = Path(__file__).resolve().parents[2]


def grader_version():
    """The installed package's version (pyproject.toml's), or 'unknown' when it is not installed."""
    try:
        return metadata.version("unet-course")
    except metadata.PackageNotFoundError:
        return "unknown"


def grade(source, exercises, seed, timeout_s, memory_mb, repo_root=REPO_ROOT, table=COURSE):
    """Grade the exercises named `exercises` of `source` (a records.Source); return a Report.

    Raises:
        GraderFailure: the grader itself could not work (TensorFlow missing, reference broken).
    """
    return grade_batch([(source, exercises)], seed, timeout_s, memory_mb, repo_root, table)[0]


def grade_batch(jobs, seed, timeout_s, memory_mb, repo_root=REPO_ROOT, table=COURSE):
    """Grade several (source, exercise names) jobs with one TensorFlow start; one Report per job.

    The sources are loaded one after the other into the same child process, so one
    source's side effects can reach the next: use this for trusted batches (the test
    corpus, an instructor's own variants), and `grade` for a student's work.
    """
    needed = [table.get(name) for name in dict.fromkeys(name for _, names in jobs for name in names)]
    configs = {exercise.name: configurations(exercise, seed) for exercise in needed}
    children = _Children(repo_root, memory_mb, table)
    try:
        child = children.current(OutputCapture())
        versions = child.versions
        expectations = {}
        for exercise in needed:
            reply = _setup_ask(child, {"cmd": "reference", "exercise": exercise.name, "seed": seed,
                                       "configs": [config.wire() for config in configs[exercise.name]]},
                               "reference")
            expectations[exercise.name] = [Observation.from_wire(item) for item in reply["expectations"]]
        reports = []
        for source, names in jobs:
            output = OutputCapture()
            graded = [table.get(name) for name in names]
            notes = []
            outcomes = _grade_source(children, source, graded, configs, expectations, seed, timeout_s, output,
                                     table, notes)
            reports.append(_report(source, graded, seed, configs, expectations, outcomes, versions, output,
                                   memory_mb, table, notes))
        return reports
    finally:
        children.close()


def _report(source, exercises, seed, configs, expectations, outcomes, versions, output, memory_mb, table, notes):
    results = []
    for exercise in exercises:
        context = Context(exercise, table, display=source.display, seed=seed, memory_mb=memory_mb)
        results.append(checks.score_exercise(checks.plan(exercise, configs[exercise.name], table),
                                             expectations[exercise.name], outcomes[exercise.name], context))
    return Report(source=source.display, seed=seed, exercises=tuple(results),
                  versions={"grader": grader_version(), **versions},
                  output=output.text(), output_dropped=output.dropped, notes=tuple(notes))


class _Children:
    """The current grading child, started when needed; every child started is ended at the end."""

    def __init__(self, repo_root, memory_mb, table):
        self.repo_root = repo_root
        self.memory_mb = memory_mb
        self.table = table
        self.child = None
        self.started = []

    def current(self, output):
        """The running child (a new one if there is none), printing into `output`."""
        if self.child is None:
            self.child = Child(self.repo_root, self.memory_mb, output, self.table.locator)
            self.started.append(self.child)
            self.child.versions = _setup_ask(self.child, None, "ready")["versions"]
        self.child.output = output
        return self.child

    def discard(self):
        """End the current child (after a failure); the next `current` starts a fresh one."""
        if self.child is not None:
            self.child.kill()
        self.child = None

    def close(self):
        """Let the current child finish and make sure every child started has ended."""
        if self.child is not None:
            self.child.quit()
        for child in self.started:
            child.kill()


def _setup_ask(child, command, expected_type):
    """Ask the child during the grader's own work (no student code yet); any failure is the grader's."""
    try:
        reply = child.ask(command, SETUP_LIMIT_S)
    except ChildFailure as failure:
        raise GraderFailure(_setup_failure_text(failure.data, child)) from None
    if reply.get("type") != expected_type:
        raise GraderFailure(f"the grading process answered {reply.get('type')!r} instead of {expected_type!r}")
    return reply


def _setup_failure_text(data, child):
    if data["kind"] == "memory_watch":
        return (f"the grading process needed more than the {data['limit_mb']} MiB memory cap before any "
                f"student code ran; raise --memory-limit.")
    if data["kind"] == "timeout":
        return f"the grading process did not start within {data['limit']} s."
    return (f"the grading process could not start ({data}). Check that TensorFlow is installed in this "
            f"Python ({child.process.args[0]}): run `python -c \"import tensorflow\"`.")


def _grade_source(children, source, exercises, configs, expectations, seed, timeout_s, output, table, notes):
    """{exercise name: Outcome} for one source, restarting the child after a failure; `notes` gets the load's."""
    outcomes = {}
    pending = list(exercises)
    functions = _functions_needed(exercises, table)
    loaded = False
    while pending:
        child = children.current(output)
        if not loaded:
            load_error = _load(child, source, timeout_s, functions, notes)
            if load_error:
                children.discard()
                for exercise in pending:
                    outcomes[exercise.name] = Outcome(error=load_error, phase="load")
                return outcomes
            loaded = True
        exercise = pending.pop(0)
        try:
            outcomes[exercise.name] = _grade_one(child, exercise, configs[exercise.name],
                                                 expectations[exercise.name], seed, timeout_s, table)
        except ChildFailure as failure:
            outcomes[exercise.name] = Outcome(error=failure.data, phase="grade")
            children.discard()
            loaded = False
        except _Tampered as tampered:
            outcomes[exercise.name] = Outcome(error={"kind": "tampered", "changes": tampered.changes}, phase="grade")
            children.discard()
            loaded = False
    return outcomes


class _Tampered(Exception):
    def __init__(self, changes):
        super().__init__(", ".join(changes))
        self.changes = changes


def _functions_needed(exercises, table):
    """The graded functions that grading `exercises` runs: theirs and their blocks'."""
    functions = [exercise.function for exercise in exercises]
    functions += [block.function for exercise in exercises for block in table.blocks_of(exercise)]
    return list(dict.fromkeys(functions))


def _load(child, source, timeout_s, functions, notes):
    """Load the student's source in the child; the error data if it cannot be, else None.

    The load's notes (imports left out, ...) are added to `notes`, each once.
    """
    try:
        reply = child.ask({"cmd": "load", "source": source.wire(), "functions": functions}, timeout_s)
    except ChildFailure as failure:
        return failure.data
    if reply["type"] == "load_error":
        return reply["error"]
    if reply["type"] == "tampered":
        return {"kind": "tampered", "changes": reply["changes"]}
    notes += [note for note in reply.get("notes", []) if note not in notes]
    return None


def _grade_one(child, exercise, configs, expectations, seed, timeout_s, table):
    """The Outcome of one exercise.

    An exercise built from blocks is built with the student's own blocks; when that
    fails, again with the reference blocks (does the model itself pass?), and when it
    then passes, with one student block at a time, to find the exercise the fault comes from.
    """
    blocks = [block.function for block in table.blocks_of(exercise)]

    def observe(own_block=None, whose="own"):
        choice = {block: ("own" if block == own_block else whose) for block in blocks}
        command = {"cmd": "grade", "exercise": exercise.name, "seed": seed, "blocks": choice,
                   "configs": [config.wire() for config in configs]}
        return _observations(child.ask(command, timeout_s))

    outcome = Outcome(own=observe())
    if not blocks or outcome.own is None or all_match(expectations, outcome.own) \
            or _not_implemented(outcome.own, exercise):
        return outcome
    if stored.available():  # a student bundle has no reference blocks to try
        outcome.blocks_unavailable = True
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
        raise _Tampered(reply["changes"])
    if reply["observations"] is None:
        return None
    return [Observation.from_wire(item) for item in reply["observations"]]
