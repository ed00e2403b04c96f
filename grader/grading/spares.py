"""Grading jobs without fork: fresh processes, started ahead of time (runs in the parent).

Where a warm server cannot fork its jobs (Windows; macOS, which must not fork after
TensorFlow's import; see supervisor.platform_can_fork_warm), each job is a process of its
own, `python -m grader.grading.job spare TABLE`, that talks to the parent over its
standard streams only, the one channel every platform has (no inherited descriptors):

    stdin   commands; the first line is the job's settings (job.JobSettings as JSON)
    stdout  the job's replies, stamped with its token (channel.py)
    stderr  what the student's code prints

A *spare* is such a process started before it is needed: it imports TensorFlow, Keras and
the grader while the student edits, then waits for exactly one job's settings, serves
that job and exits. `SparePool` keeps some waiting: when a job is done, the next one starts,
while the student edits (not while a grading runs, whose processes it would slow down), so
that a save in `watch` or a notebook's check finds one ready.

Each spare runs in a session of its own (POSIX) or a Job Object with kill-on-close
(Windows, winjob.py), and carries a marker in its environment: ending a job ends its
process, its tree, its group, and whatever still carries the marker (processes.end_tree).
A spare whose parent goes away reads the end of its stdin and exits.
"""
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from grader.grading import winjob
from grader.grading.processes import MARKER_VARIABLE, end_tree


@dataclass
class Spare:
    """One started job process and the parent's ends of its three pipes."""

    process: subprocess.Popen
    command_fd: int
    reply_fd: int
    output_fd: int
    marker: str
    started: float
    job_object: object = None

    @property
    def pid(self):
        """The job process's pid."""
        return self.process.pid

    def limit_memory(self, memory_mb):
        """Where a Job Object holds the process (Windows), cap its memory there too."""
        if self.job_object is not None:
            try:
                self.job_object.limit_memory(memory_mb)
            except OSError:  # the parent's watch of resident memory still applies
                pass

    def end(self):
        """End the process and everything it started; close the parent's ends of the pipes once unused."""
        if self.job_object is not None:
            self.job_object.terminate()
        end_tree(self.process.pid, self.marker, self.started)
        if self.job_object is not None:
            self.job_object.close()
            self.job_object = None

    def discard(self):
        """End a spare that was never given a job, and close its pipes."""
        self.end()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.command_fd, self.reply_fd, self.output_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def start_spare(command, env, cwd=None):
    """Start one spare: `command` (the job's command line, maybe inside a sandbox) with pipes on its
    standard streams, in a session or Job Object of its own; return its Spare."""
    command_read, command_write = os.pipe()
    reply_read, reply_write = os.pipe()
    output_read, output_write = os.pipe()
    marker = secrets.token_hex(8)
    if os.name == "nt":
        platform = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
    else:
        platform = {"start_new_session": True}
    started = time.time()
    try:
        process = subprocess.Popen(command, stdin=command_read, stdout=reply_write, stderr=output_write,
                                   env={**env, MARKER_VARIABLE: marker}, cwd=cwd, close_fds=True, **platform)
    finally:
        for fd in (command_read, reply_write, output_write):
            os.close(fd)
    job_object = None
    if winjob.available():
        try:
            job_object = winjob.JobObject(process._handle)
        except OSError:  # e.g. already in a job that forbids nesting: the tree walk still ends what it can
            job_object = None
    return Spare(process, command_write, reply_read, output_read, marker, started, job_object)


class SparePool:
    """Spares waiting for a job: `take()` hands one out, `refill()` (when a job is done) starts enough
    to keep `size` waiting, `reserve(n)` starts enough now for `n` jobs about to come."""

    def __init__(self, command, env, size):
        """Start `size` spares of `command` with environment `env` now (they import in the background)."""
        self.command = list(command)
        self.env = dict(env)
        self.size = max(0, size)
        self._waiting = []
        self._lock = threading.Lock()
        self._closed = False
        self._fill(self.size)

    def _fill(self, count):
        while len(self._waiting) < count and not self._closed:
            self._waiting.append(start_spare(self.command, self.env))

    def reserve(self, count):
        """Have at least `count` spares started (the jobs of one grading, all at once)."""
        with self._lock:
            self._fill(count)

    def refill(self):
        """Start spares until `size` are waiting (a job is done: the next grading's start now)."""
        with self._lock:
            self._fill(self.size)

    def take(self):
        """A spare for a job: a waiting one, else one started now."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool of spare grading processes is closed")
            while self._waiting:
                spare = self._waiting.pop(0)
                if spare.process.poll() is None:
                    break
                spare.discard()  # it died waiting (killed from outside): never hand it out
            else:
                spare = start_spare(self.command, self.env)
        return spare

    def close(self):
        """End every spare still waiting."""
        with self._lock:
            self._closed = True
            waiting, self._waiting = self._waiting, []
        for spare in waiting:
            spare.discard()


def spare_command(table_locator, wrapper=()):
    """The command line of a spare: `python -m grader.grading.job spare TABLE`, inside `wrapper`."""
    return [*wrapper, sys.executable, "-m", "grader.grading.job", "spare", table_locator]
