"""Grading a class on a Dask cluster (`python -m grader class ... --dask ADDRESS`).

Each task grades one submission on a worker: the file's bytes travel with the task, the
worker writes them into a folder of their own and grades them exactly as a local run
does (jobs forked from a warm server kept for the worker's lifetime, in a sandbox where
the worker's machine offers one), and the Report comes back. The coordinator keeps each
student as their task finishes and writes the same files as a local run, so the
gradebook of a cluster equals the local one for the same seed.

Students are handed to the scheduler one per worker thread at a time. When a worker dies
in the middle of a student's grading (killed, out of memory, its machine gone), the
scheduler gives the task to another worker: at most twice
(ATTEMPTS in all; the scheduler's allowed-failures is set to that for the run and put
back after), then the student gets a row saying so, graded again on `--resume`. When
the scheduler itself goes away, the students finished so far are kept and the run
stops with ClusterLost, whose message run.py completes with how to resume.

Dask is an optional extra (`pip install .[cluster]`). dask-jobqueue (SLURM, PBS) and
dask-kubernetes start a cluster on university machines; pass the scheduler's address.
"""
import tempfile
import threading
from pathlib import Path

from grader.classroom.workplace import grade_in_folder, sandbox_for
from segmentation.errors import UsageError

ATTEMPTS = 3  # a student's grading is tried on at most this many workers (retried at most twice)

_worker = {}  # the worker process's Grader and folders, made by its first task


class ClusterLost(UsageError):
    """The Dask scheduler went away in the middle of a run; the message says what happened."""
_worker_lock = threading.Lock()


def grade_on_cluster(todo, settings, seed, table, keep):
    """Grade `todo` on the Dask cluster at settings.dask; `keep(submission, report, seconds, reason)` each.

    Returns True when interrupted (Ctrl-C): the unfinished tasks are cancelled.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--dask needs Dask's distributed package: pip install .[cluster] (or pip install "
                         "\"dask[distributed]\"), then run the command again.") from None
    try:
        client = Client(settings.dask, timeout=30)
    except (OSError, TimeoutError) as error:
        raise UsageError(f"No Dask scheduler answers at {settings.dask} ({error}). Start the cluster first "
                         f"(dask scheduler / dask worker, dask-jobqueue or dask-kubernetes) and give its "
                         f"address.") from None
    by_key = {}
    futures = []
    waiting = list(todo)
    running = as_completed()

    def submit_next():
        sub = waiting.pop(0)
        future = client.submit(grade_one, sub.display, Path(sub.path).read_bytes(), list(settings.exercises),
                               seed, settings.timeout_s, settings.memory_mb, table.locator,
                               key=f"grade-{sub.stem}-{sub.sha256[:12]}", pure=False)
        by_key[future.key] = sub
        futures.append(future)
        running.add(future)

    previous_failures = _set_allowed_failures(client, ATTEMPTS - 1)
    try:
        while waiting and running.count() < _threads(client):
            submit_next()
        for future in running:
            while waiting and running.count() < _threads(client):  # one student per worker thread at a time
                submit_next()
            sub = by_key[future.key]
            try:
                report, seconds, reason = future.result()
            except Exception as error:  # noqa: BLE001 -- a worker that died: that student's row says so
                if _scheduler_gone(client, error):
                    raise ClusterLost(f"The Dask scheduler at {settings.dask} went away in the middle of the "
                                      f"run ({_first_line(error)}).") from None
                report, seconds, reason = None, None, _failure_reason(error)
            keep(sub, report, seconds, reason)
        return False
    except KeyboardInterrupt:
        client.cancel(futures)
        return True
    except OSError as error:  # the connection itself broke
        raise ClusterLost(f"The Dask scheduler at {settings.dask} went away in the middle of the run "
                          f"({_first_line(error)}).") from None
    finally:
        if previous_failures is not None and client.status == "running":
            _set_allowed_failures(client, previous_failures)
        client.close()


def _threads(client):
    """How many gradings the cluster's workers run at once now (at least 1: a cluster still starting).

    No more students than that are handed to the scheduler at a time: a student queued on a worker
    that dies counts that death as an attempt too (the scheduler's allowed-failures counts every task
    a dead worker held), so only the student being graded there may pay for it. A client that has lost
    its scheduler is not asked: the next result says it is gone."""
    if client.status != "running":  # the scheduler has gone: asking would wait for Dask's connect time-out
        return 1
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 -- a scheduler that does not answer: the next result will say why
        return 1


def _set_allowed_failures(client, count):
    """Set the scheduler's allowed-failures (worker deaths a task survives) to `count`; the old value, or None."""
    def swap(dask_scheduler, count=count):
        old, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, count
        return old

    try:
        return client.run_on_scheduler(swap)
    except Exception:  # noqa: BLE001 -- a scheduler that refuses: its own setting stays
        return None


def _scheduler_gone(client, error):
    """Whether `error` from a future means the scheduler (not one worker, not the grading) is gone."""
    from concurrent.futures import CancelledError

    return isinstance(error, (CancelledError, OSError)) and client.status != "running" or (
        isinstance(error, CancelledError) and "scheduler" in str(error).lower())


def _failure_reason(error):
    """The row's reason for a student whose task failed on the cluster."""
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        return (f"the grader itself failed on the cluster: the Dask worker grading it died {ATTEMPTS} times "
                f"(killed, out of memory, or its machine gone: see the workers' logs)")
    return f"the grader itself failed on the cluster: {_first_line(error)}"


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def grade_one(display, content, names, seed, timeout_s, memory_mb, table_locator):
    """On a worker: grade one submission given as its bytes; (Report, seconds, reason) as workplace.Graded."""
    grader, folder = _worker_grader(timeout_s, memory_mb, table_locator)
    graded = grade_in_folder(grader, folder, display, content, names, seed)
    return graded.report, graded.seconds, graded.reason


def _worker_grader(timeout_s, memory_mb, table_locator):
    """The worker process's warm Grader (made once, ended with the process) and its working folder."""
    import atexit
    import os

    from grader.exercises import load_table
    from grader.grading.session import Grader

    key = (timeout_s, memory_mb, table_locator)
    with _worker_lock:
        if _worker.get("key") != key:
            if "grader" in _worker:
                _worker["grader"].close()
            folder = Path(tempfile.mkdtemp(prefix="unet-class-worker-"))
            folder.chmod(0o755)
            table = load_table(table_locator)
            box = sandbox_for(os.getpid() % 5000, folder, table)
            _worker.update(key=key, folder=folder, grader=Grader(timeout_s, memory_mb, table, sandbox=box, parallel=1,
                                                                keep_spares=1, one_job_per_source=True))
            atexit.register(_worker["grader"].close)
        return _worker["grader"], _worker["folder"]
