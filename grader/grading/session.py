"""One grading session: the pipeline from a source to scored exercises (runs in the parent).

    configurations -> child: reference expectations (before any student code)
                   -> child: load the student's source
                   -> child: grade each exercise (exercise3 again with the reference
                      blocks when it fails with the student's own, then with one of the
                      student's blocks at a time to find the exercise at fault)
                   -> scores

If the child dies, overruns its time or memory during an exercise, that exercise
scores 0 with a clear message and a fresh child grades the remaining ones.
"""
from pathlib import Path

from grader import stored_expectations
from grader.grading import catalog, scoring
from grader.grading.configs import configurations
from grader.grading.supervisor import Child, ChildFailure, GraderFailure, OutputCapture

SETUP_LIMIT_S = 600  # starting TensorFlow and describing the reference: the grader's own work
REPO_ROOT = Path(__file__).resolve().parents[2]
GRADER_VERSION = "0.1.0"


def grade(source, exercises, seed, timeout_s, memory_mb, repo_root=REPO_ROOT):
    """Grade `exercises` of `source` (see sources.resolve); return the report's data.

    Returns:
        {"results": {"score", "max_score", "exercises": [...], "versions": {...}},
         "seed", "source", "output": what the student's code printed, "output_dropped": count}

    Raises:
        GraderFailure: the grader itself could not work (TensorFlow missing, reference broken).
    """
    return grade_batch([(source, exercises)], seed, timeout_s, memory_mb, repo_root)[0]


def grade_batch(jobs, seed, timeout_s, memory_mb, repo_root=REPO_ROOT):
    """Grade several (source, exercises) jobs with one TensorFlow start; one report per job.

    The sources are loaded one after the other into the same child process, so one
    source's side effects can reach the next: use this for trusted batches (the test
    corpus, an instructor's own variants), and `grade` for a student's work.
    """
    needed = list(dict.fromkeys(exercise for _, exercises in jobs for exercise in exercises))
    configs = {exercise: configurations(exercise, seed) for exercise in needed}
    children = _Children(repo_root, memory_mb)
    try:
        child = children.current(OutputCapture())
        versions = child.versions
        expectations = {}
        for exercise in needed:
            reply = _setup_ask(child, {"cmd": "reference", "exercise": exercise, "configs": configs[exercise],
                                       "seed": seed}, "reference")
            expectations[exercise] = reply["expectations"]
        reports = []
        for source, exercises in jobs:
            output = OutputCapture()
            outcomes = _grade_source(children, source, exercises, configs, expectations, seed, timeout_s, output)
            reports.append(_report(source, exercises, seed, expectations, outcomes, versions, output, memory_mb))
        return reports
    finally:
        children.close()


def _report(source, exercises, seed, expectations, outcomes, versions, output, memory_mb):
    context = {"display": source["display"], "seed": seed, "memory_mb": memory_mb}
    results = [scoring.score_exercise(exercise, catalog.plan(exercise, seed), expectations[exercise],
                                      outcomes[exercise], context) for exercise in exercises]
    return {
        "results": {"score": sum(result["score"] for result in results),
                    "max_score": sum(result["max_score"] for result in results),
                    "exercises": results,
                    "versions": {"grader": GRADER_VERSION, **versions}},
        "seed": seed,
        "source": source["display"],
        "output": output.text(),
        "output_dropped": output.dropped,
    }


class _Children:
    """The current grading child, started when needed; every child started is ended at the end."""

    def __init__(self, repo_root, memory_mb):
        self.repo_root = repo_root
        self.memory_mb = memory_mb
        self.child = None
        self.started = []

    def current(self, output):
        """The running child (a new one if there is none), printing into `output`."""
        if self.child is None:
            self.child = Child(self.repo_root, self.memory_mb, output)
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


def _grade_source(children, source, exercises, configs, expectations, seed, timeout_s, output):
    """{exercise: outcome} (see scoring.score_exercise) for one source, restarting the child after a failure."""
    outcomes = {}
    pending = list(exercises)
    loaded = False
    while pending:
        child = children.current(output)
        if not loaded:
            load_error = _load(child, source, timeout_s)
            if load_error:
                children.discard()
                for exercise in pending:
                    outcomes[exercise] = {"error": load_error, "phase": "load"}
                return outcomes
            loaded = True
        exercise = pending.pop(0)
        try:
            outcomes[exercise] = _grade_one(child, exercise, configs[exercise], expectations[exercise],
                                            seed, timeout_s)
        except ChildFailure as failure:
            outcomes[exercise] = {"error": failure.data, "phase": "grade"}
            children.discard()
            loaded = False
        except _Tampered as tampered:
            outcomes[exercise] = {"error": {"kind": "tampered", "changes": tampered.changes}, "phase": "grade"}
            children.discard()
            loaded = False
    return outcomes


class _Tampered(Exception):
    def __init__(self, changes):
        super().__init__(", ".join(changes))
        self.changes = changes


def _load(child, source, timeout_s):
    """Load the student's source in the child; the error data if it cannot be, else None."""
    try:
        reply = child.ask({"cmd": "load", "source": source}, timeout_s)
    except ChildFailure as failure:
        return failure.data
    if reply["type"] == "load_error":
        return reply["error"]
    if reply["type"] == "tampered":
        return {"kind": "tampered", "changes": reply["changes"]}
    return None


def _grade_one(child, exercise, configs, expectations, seed, timeout_s):
    """The outcome of one exercise (see scoring.score_exercise).

    exercise3 is built with the student's own blocks; when that fails, again with the
    reference blocks (does unet_model itself pass?), and when it then passes, with one
    student block at a time, to find the exercise the fault comes from.
    """
    def observe(conv_block, upsampling_block):
        command = {"cmd": "grade", "exercise": exercise, "configs": configs, "seed": seed,
                   "blocks": {"conv_block": conv_block, "upsampling_block": upsampling_block}}
        return _observations(child.ask(command, timeout_s))

    own = observe("own", "own")
    outcome = {"own": own, "reference": None, "mixed": None}
    if exercise != "exercise3" or own is None or scoring.all_pass(expectations, own) \
            or _unet_not_implemented(own):
        return outcome
    if stored_expectations.available():  # a student bundle has no reference blocks to try
        outcome["blocks_unavailable"] = True
        return outcome
    outcome["reference"] = observe("reference", "reference")
    if scoring.all_pass(expectations, outcome["reference"]):
        outcome["mixed"] = {"conv_block": observe("own", "reference"),
                            "upsampling_block": observe("reference", "own")}
    return outcome


def _unet_not_implemented(observations):
    """Whether unet_model itself raised NotImplementedError (the reference blocks cannot help then)."""
    first = observations[0]
    return (first["status"] == "error" and first["error"]["kind"] == "not_implemented"
            and first["error"].get("in_function") in (None, "unet_model"))


def _observations(reply):
    if reply["type"] == "tampered":
        raise _Tampered(reply["changes"])
    return reply["observations"]
