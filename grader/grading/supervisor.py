"""Grading jobs under watch: a warm server forks them, the parent watches them (runs in the parent).

Runs in the parent and never imports TensorFlow.

    WarmServer   Linux: `python -m grader.grading.server`, started once: it imports TensorFlow
                 and Keras and forks a keeper and a job process per job (server.py, keeper.py,
                 job.py). Where the platform cannot fork such a process (Windows, macOS), it
                 keeps a pool of spares instead: fresh job processes started ahead of time,
                 each of which imports TensorFlow while the student edits and then serves
                 exactly one job over its standard streams (spares.py). `WarmServer.warm`
                 says which; both grade identically.
    Job          one job's private pipes (commands down; replies, load output and output up)
                 and `ask(command, limit_s)`: send one command, wait for the reply while
                 watching the job process. When it overruns its time, grows past the
                 memory cap, dies, or something forges the channel, the job's process
                 group is killed (its keeper, or for a spare the parent, then ends whatever
                 else it left running) and ChildFailure says what happened, as plain data.
"""
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict

from grader.grading.channel import ChannelError, decode
from grader.grading.job import JobSettings
from grader.grading.keeper import ending_of
from grader.grading.processes import resident_mb
from grader.grading.server import MAX_MESSAGE
from grader.grading.spares import SparePool, spare_command

POLL_S = 0.05
OUTPUT_LIMIT_CHARS = 4_000
EXIT_GRACE_S = 1.0
ENDED_WAIT_S = 10.0
START_LIMIT_S = 600  # starting TensorFlow in the server: the grader's own work


class ChildFailure(Exception):
    """The job stopped answering: `data` is {"kind": "timeout"|"memory_watch"|"crashed"|"forged"|"broken", ...}.

    "broken": the grader's own code failed in the job after the student's code had run in it.
    """

    def __init__(self, data):
        super().__init__(data["kind"])
        self.data = data


class GraderFailure(Exception):
    """The grader itself failed (not the student's code): the command exits with status 2."""


class OutputCapture:
    """What a job printed (the student's prints), kept up to a limit, the rest counted."""

    def __init__(self, limit=OUTPUT_LIMIT_CHARS):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0
        self._lock = threading.Lock()

    def add(self, text):
        """Keep `text` while under the limit; count what does not fit."""
        with self._lock:
            room = max(0, self.limit - self.kept)
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
            self.dropped += max(0, len(text) - room)

    def text(self):
        """Everything kept, as one string."""
        with self._lock:
            return "".join(self.parts)


class Discard:
    """An output sink that keeps nothing (the load output of an exercise's second job)."""

    def add(self, text):
        """Drop `text`."""


def platform_can_fork_warm():
    """Whether jobs can be forked from a warm server here (Linux: fork after TensorFlow's import, prctl,
    descriptors passed over a Unix socket). UNET_GRADER_COLD=1 forces the spares' path (tests, bench)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")
            and not os.environ.get("UNET_GRADER_COLD"))


class WarmServer:
    """The process that forks grading jobs (see the module docstring). Use as a context manager."""

    def __init__(self, repo_root, table_locator, wrapper=(), env=None, job_uid=None, wipe=None, spares=0):
        """Start the server and wait until it has imported everything (or, without fork, start `spares`
        spare job processes, which import in the background).

        Arguments:
            repo_root: the checkout the grader is imported from.
            table_locator: the exercise table's locator.
            wrapper: a command line to run the server inside (a sandbox, see sandbox.py).
            env: extra environment variables for the server and its jobs.
            job_uid: the user each student job becomes (in a sandbox), or None.
            wipe: a folder to empty after each job (a sandbox's private /tmp), or None.
            spares: without fork, how many job processes to keep waiting (at least one is started per job).

        Raises:
            GraderFailure: the server could not start (TensorFlow missing or broken).
        """
        self.repo_root = str(repo_root)
        self.table_locator = table_locator
        self.warm = platform_can_fork_warm()
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1",
                        PYTHONIOENCODING="utf-8", **(env or {}))
        self.env["PYTHONPATH"] = os.pathsep.join([self.repo_root] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        self._lock = threading.Lock()
        self.process = None
        self.job_uid = job_uid
        self.wipe = wipe
        self.spares = None
        if self.warm:
            self._start(list(wrapper))
        else:
            self.versions = None  # a job says them; see session.Grader.versions
            self.spares = SparePool(spare_command(table_locator, wrapper), self.env, spares)

    def _start(self, wrapper):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.socket = ours
        self.process = subprocess.Popen(
            [*wrapper, sys.executable, "-m", "grader.grading.server", str(theirs.fileno())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(theirs.fileno(),), start_new_session=True, env=self.env)
        theirs.close()
        self.socket.settimeout(START_LIMIT_S)
        try:
            self.socket.send(json.dumps({"repo_root": self.repo_root, "table": self.table_locator}).encode())
            reply = json.loads(self.socket.recv(MAX_MESSAGE) or b"null")
        except (OSError, ValueError) as error:
            reply = {"type": "internal_error", "text": str(error)}
        if not reply or reply.get("type") != "ready":
            detail = (reply or {}).get("text") or self._stderr_tail()
            self.close()
            raise GraderFailure(f"the grading process could not start ({detail}). Check that TensorFlow is "
                                f"installed in this Python ({sys.executable}): run `python -c \"import tensorflow\"`.")
        self.socket.settimeout(None)
        self.versions = reply["versions"]

    def _stderr_tail(self):
        try:
            self.process.wait(timeout=5)
            return (self.process.stderr.read() or b"").decode("utf-8", "replace").strip().splitlines()[-1][:300]
        except (subprocess.TimeoutExpired, IndexError, OSError, ValueError):
            return "no answer"

    def fork(self, settings, fds):
        """Ask the server to fork a job with `settings` and the job's ends of its pipes; the keeper's pid."""
        with self._lock:
            try:
                socket.send_fds(self.socket, [json.dumps({"cmd": "fork", "settings": asdict(settings)}).encode()],
                                list(fds))
                reply = json.loads(self.socket.recv(MAX_MESSAGE) or b"null")
            except (OSError, ValueError) as error:
                raise GraderFailure(f"the grading server stopped answering ({error})") from None
        if not reply or reply.get("type") != "forked":
            raise GraderFailure(f"the grading server answered {reply!r} to a fork")
        return reply["keeper"]

    def close(self):
        """End the server and every job it started (without fork: every spare still waiting)."""
        if self.spares is not None:
            self.spares.close()
        if self.process is None:
            return
        try:
            self.socket.send(json.dumps({"cmd": "quit"}).encode())
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.socket.close()
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Job:
    """One grading job (see the module docstring)."""

    def __init__(self, server, memory_mb, output, load_output=None, cwd=None, trusted=False, preload=False):
        """Start a job: forked by `server`'s keeper, or (without fork) in one of its spares.

        Arguments:
            output: where what the job prints after loading goes (an OutputCapture).
            load_output: where what it prints while loading goes (default: `output`).
            cwd: the folder the job works in.
            trusted: a reference job, which runs no student code.
            preload: load the reference blocks before the student's code (see job.JobSettings).
        """
        self.server = server
        self.memory_mb = memory_mb
        self.peak_mb = 0
        self.token = secrets.token_hex(16)
        self.replies = queue.Queue()
        self.ended = None
        self.pid = None
        self.spare = None if server.warm else server.spares.take()  # without fork: the Spare this job runs in
        settings = JobSettings(token=self.token, memory_mb=memory_mb, cwd=cwd, trusted=trusted, preload=preload,
                               uid=None if trusted else server.job_uid, wipe=server.wipe,
                               show_load_output=not isinstance(load_output, Discard),
                               marker=self.spare.marker if self.spare else None)
        if server.warm:
            command_read, self._command_write = os.pipe()
            reply_read, reply_write = os.pipe()
            load_read, load_write = os.pipe()
            output_read, output_write = os.pipe()
            theirs = (command_read, reply_write, load_write, output_write)
            try:
                server.fork(settings, theirs)
            finally:
                for fd in theirs:
                    os.close(fd)
        else:
            self.pid = self.spare.pid  # until it says so itself
            self.spare.limit_memory(memory_mb)
            self._command_write, reply_read, load_read, output_read = (
                self.spare.command_fd, self.spare.reply_fd, None, self.spare.output_fd)
            self._send(asdict(settings))
        self._output_pumps = [threading.Thread(target=_pump_output, args=(output_read, output.add), daemon=True)]
        if load_read is not None:
            self._output_pumps.append(threading.Thread(target=_pump_output, daemon=True,
                                                       args=(load_read, (load_output or output).add)))
        for pump in [*self._output_pumps, threading.Thread(target=_pump_replies, args=(reply_read, self.replies),
                                                           daemon=True)]:
            pump.start()
        self.pid = self._started()

    def _started(self):
        """The job's pid, as its keeper (or a spare, once it has imported everything) reports it first thing."""
        try:
            line = self.replies.get(timeout=START_LIMIT_S)
            message = decode(line, self.token) if line else None
        except (queue.Empty, ChannelError):
            message = None
        if not message or message.get("type") != "started":
            detail = f" ({message['text']})" if message and message.get("text") else ""
            raise GraderFailure(f"a grading job did not start{detail}. Check that TensorFlow is installed in this "
                                f"Python ({sys.executable}): run `python -c \"import tensorflow\"`.")
        return message["pid"]

    def ask(self, command, limit_s):
        """Send `command`, return the job's reply (a dict).

        Raises:
            ChildFailure: the job overran `limit_s`, the memory cap, died or forged the channel.
            GraderFailure: the job reported a fault of the grader's own code.
        """
        if command is not None:
            self._send(command)
        deadline = time.monotonic() + limit_s
        while True:
            reply = self._next_reply()
            if reply is not None:
                if reply.get("type") == "internal_error":
                    self.kill()
                    if reply.get("after_student_code"):
                        raise ChildFailure({"kind": "broken", "text": reply.get("text", "")})
                    raise GraderFailure(f"the grading process failed: {reply.get('text')}\n"
                                        f"{reply.get('traceback', '')}")
                return reply
            if self.ended is not None:
                raise ChildFailure(self._failure())
            if time.monotonic() > deadline:
                self.kill()
                raise ChildFailure({"kind": "timeout", "limit": limit_s})
            used = resident_mb(self.pid)
            self.peak_mb = max(self.peak_mb, used)
            if used > self.memory_mb:
                self.kill()
                raise ChildFailure({"kind": "memory_watch", "limit_mb": self.memory_mb})

    def _next_reply(self):
        """The next reply of the job itself, None if none came within POLL_S (its ending is recorded)."""
        try:
            line = self.replies.get(timeout=POLL_S)
        except queue.Empty:
            line = ""
        if line is None:  # the pipe closed: the job and its keeper are gone
            self.ended = self.ended or self._spare_ending() or {"returncode": None}
            return None
        if not line:
            if self.spare is not None and self.spare.process.poll() is not None and self.ended is None:
                self._wait_for_eof()
            return None
        try:
            message = decode(line, self.token)
        except ChannelError:
            self.kill()
            raise ChildFailure({"kind": "forged"}) from None
        if message.get("type") == "ended":
            self.ended = message
            return None
        return message

    def _wait_for_eof(self):
        """A spare job exited: give its last replies a moment to arrive, then record how it ended."""
        time.sleep(EXIT_GRACE_S / 5)
        if self.replies.empty():
            self.ended = self._spare_ending()

    def _spare_ending(self):
        """How a spare job ended ({"returncode", "signal"}), once its pipes have closed; None for a forked job."""
        if self.spare is None:
            return None
        try:
            code = self.spare.process.wait(timeout=EXIT_GRACE_S)  # its pipes close a moment before it can be reaped
        except subprocess.TimeoutExpired:
            return None
        return ending_of(code)

    def _failure(self):
        """ChildFailure data for a job that ended without replying."""
        data = {"kind": "crashed", "returncode": self.ended.get("returncode")}
        if self.ended.get("signal"):
            data["signal"] = self.ended["signal"]
            if self.peak_mb > 0.8 * self.memory_mb:
                data = {"kind": "memory_watch", "limit_mb": self.memory_mb}
        return data

    def quit(self):
        """Ask the job to finish, and make sure it and everything it started have ended.

        Returns once everything the job printed has arrived in its output.
        """
        self._send({"cmd": "quit"})
        self._wait_ended(ENDED_WAIT_S)
        self.kill()
        for pump in self._output_pumps:
            pump.join(timeout=ENDED_WAIT_S)
        if self.spare is not None:
            self.server.spares.refill()  # the next grading's processes start now, not during this one

    def kill(self):
        """End the job's process group (its keeper then ends the rest and reports); a spare, with everything
        it started."""
        if self.spare is not None:
            self.spare.end()
            try:
                self.spare.process.wait(timeout=ENDED_WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        elif self.pid:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._wait_ended(ENDED_WAIT_S)
        try:
            os.close(self._command_write)
        except OSError:
            pass

    def _wait_ended(self, limit_s):
        deadline = time.monotonic() + limit_s
        while self.ended is None and time.monotonic() < deadline:
            try:
                self._next_reply()
            except ChildFailure:
                pass

    def _send(self, command):
        data = (json.dumps(command) + "\n").encode("utf-8")
        try:
            while data:
                data = data[os.write(self._command_write, data):]
        except OSError:  # the job is gone; ask() notices and says how it ended
            pass


def _pump_output(fd, add):
    """Copy what a job prints into `add` until its pipe closes."""
    with os.fdopen(fd, "rb") as stream:
        while True:
            chunk = stream.read1(65536)
            if not chunk:
                return
            add(chunk.decode("utf-8", errors="replace"))


def _pump_replies(fd, replies):
    """Put each line of the reply pipe into `replies`; None at the end."""
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            replies.put(line.decode("utf-8", errors="replace"))
    replies.put(None)
