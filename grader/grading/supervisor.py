"""Run the grading child under watch: time limit, memory cap, output cap, private channel.

Runs in the parent and never imports TensorFlow. `Child.ask(command, limit_s)` sends one
command and waits for the reply while watching the child; when the child overruns its
time, grows past the memory cap, dies, or something forges the channel, the child's
whole process group is killed and ChildFailure says what happened (as plain data).
"""
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time

from grader.grading.channel import ChannelError, decode

POLL_S = 0.05
OUTPUT_LIMIT_CHARS = 4_000
EXIT_GRACE_S = 1.0


class ChildFailure(Exception):
    """The child stopped answering: `data` is {"kind": "timeout"|"memory_watch"|"crashed"|"forged", ...}."""

    def __init__(self, data):
        super().__init__(data["kind"])
        self.data = data


class GraderFailure(Exception):
    """The grader itself failed (not the student's code): the command exits with status 2."""


class OutputCapture:
    """What the child printed (the student's prints), kept up to a limit, the rest counted."""

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


class Child:
    """One grading child process (see child.py for the commands it answers)."""

    def __init__(self, repo_root, memory_mb, output, table_locator):
        self.memory_mb = memory_mb
        self.peak_mb = 0
        self.token = secrets.token_hex(16)
        command_read, self._command_write = os.pipe()
        reply_read, reply_write = os.pipe()
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1")
        env["PYTHONPATH"] = os.pathsep.join([str(repo_root)] + [p for p in [env.get("PYTHONPATH")] if p])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.grading.child", str(command_read), str(reply_write)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(command_read, reply_write), start_new_session=True, env=env)
        os.close(command_read)
        os.close(reply_write)
        self.replies = queue.Queue()
        self.output = output  # may be swapped between sources graded by the same child
        threading.Thread(target=_pump_output, args=(self.process.stdout, self), daemon=True).start()
        threading.Thread(target=_pump_replies, args=(reply_read, self.replies), daemon=True).start()
        self._send({"cmd": "hello", "token": self.token, "repo_root": str(repo_root), "memory_mb": memory_mb,
                    "table": table_locator})

    def ask(self, command, limit_s):
        """Send `command`, return the child's reply (a dict).

        Raises:
            ChildFailure: the child overran `limit_s`, the memory cap, died or forged the channel.
            GraderFailure: the child reported a fault of the grader's own code.
        """
        if command is not None:
            self._send(command)
        deadline = time.monotonic() + limit_s
        exited_at = None
        while True:
            try:
                line = self.replies.get(timeout=POLL_S)
            except queue.Empty:
                line = ""
            if line is None or (exited_at and time.monotonic() - exited_at > EXIT_GRACE_S):
                raise ChildFailure(self._ended())
            if line:
                try:
                    reply = decode(line, self.token)
                except ChannelError:
                    self.kill()
                    raise ChildFailure({"kind": "forged"}) from None
                if reply.get("type") == "internal_error":
                    self.kill()
                    raise GraderFailure(f"the grading process failed: {reply.get('text')}\n{reply.get('traceback', '')}")
                return reply
            if exited_at is None and self.process.poll() is not None:
                exited_at = time.monotonic()
            if time.monotonic() > deadline:
                self.kill()
                raise ChildFailure({"kind": "timeout", "limit": limit_s})
            used = _resident_mb(self.process.pid)
            self.peak_mb = max(self.peak_mb, used)
            if used > self.memory_mb:
                self.kill()
                raise ChildFailure({"kind": "memory_watch", "limit_mb": self.memory_mb})

    def quit(self):
        """Ask the child to finish, and make sure it does."""
        try:
            self._send({"cmd": "quit"})
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self):
        """End the child and anything it started (its whole process group)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.close(self._command_write)
        except OSError:
            pass

    def _send(self, command):
        data = (json.dumps(command) + "\n").encode("utf-8")
        try:
            while data:
                data = data[os.write(self._command_write, data):]
        except OSError:  # the child is gone; ask() notices and says how it ended
            pass

    def _ended(self):
        """ChildFailure data for a child that stopped without replying."""
        try:
            code = self.process.wait(timeout=EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        self.kill()
        data = {"kind": "crashed", "returncode": code}
        if code is not None and code < 0:
            data["signal"] = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            if self.peak_mb > 0.8 * self.memory_mb:
                data = {"kind": "memory_watch", "limit_mb": self.memory_mb}
        return data


def _pump_output(stream, child):
    """Copy the child's stdout+stderr into `child.output` until it closes."""
    while True:
        chunk = stream.read1(65536)
        if not chunk:
            return
        child.output.add(chunk.decode("utf-8", errors="replace"))


def _pump_replies(fd, replies):
    """Put each line of the reply pipe into `replies`; None at the end."""
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            replies.put(line.decode("utf-8", errors="replace"))
    replies.put(None)


def _resident_mb(pid):
    """The process's resident memory in MiB (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 0
