"""The keeper of one grading job: starts it, waits for it, and ends everything it left behind.

Forked by the warm server for each job (server.py), the keeper runs only the grader's
code. It becomes a child subreaper (processes.py), forks the job process (job.py) into
a session of its own, tells the parent the job's pid, and lets it start. When the job
ends, however it ends (it finished, the parent killed it for time or memory, it killed
itself), the keeper ends every process still below it: children, grandchildren,
double-forked and setsid() ones, ones that ignore SIGTERM (they are adopted by the
keeper as orphans, and sent SIGKILL). Then it reports how the job ended and exits.

    reply pipe:  started {pid}  ...the job's own replies...  ended {returncode, signal}
"""
import os
import shutil
import signal

from grader.grading import channel
from grader.grading.processes import become_subreaper, die_with_parent, end_descendants


def run_keeper(settings, command_fd, reply_fd, load_output_fd, output_fd, table, versions):
    """Start the job, wait for it, end what it left, report; never returns."""
    from grader.grading.job import run_job

    become_subreaper()
    die_with_parent()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the job
        os.close(go_write)
        os.read(go_read, 1)  # wait until the parent knows our pid
        os.close(go_read)
        os.setsid()
        die_with_parent()
        run_job(settings, command_fd, reply_fd, load_output_fd, output_fd, table, versions)
    os.close(go_read)
    for fd in (command_fd, load_output_fd, output_fd):
        os.close(fd)
    _write(reply_fd, {"type": "started", "pid": pid}, settings.token)
    os.write(go_write, b"go")
    os.close(go_write)
    _, status = os.waitpid(pid, 0)
    end_descendants()
    if settings.wipe:
        empty(settings.wipe, keep=settings.cwd)
    _write(reply_fd, {"type": "ended", **ending(status)}, settings.token)
    os._exit(0)


def empty(folder, keep=None):
    """Remove everything in `folder` but the way to `keep` (a sandbox's /tmp after a job: nothing
    a student's code wrote there is seen by the next)."""
    keep = os.path.realpath(keep) if keep else None
    for entry in os.scandir(folder):
        real = os.path.realpath(entry.path)
        if keep and (keep == real or keep.startswith(real + os.sep)):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def ending(status):
    """How a process ended, from its wait status (see `ending_of`)."""
    return ending_of(os.waitstatus_to_exitcode(status))


def ending_of(returncode):
    """{"returncode": code} for a process that exited, {"returncode": -N, "signal": "SIGKILL"} for a killed
    one (`returncode` as subprocess gives it: -N for signal N)."""
    if returncode < 0:
        number = -returncode
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        return {"returncode": returncode, "signal": name}
    return {"returncode": returncode}


def _write(fd, message, token):
    data = channel.encode(message, token)
    while data:
        data = data[os.write(fd, data):]
