"""The warm grading server: imports TensorFlow and Keras once, then forks one keeper per job.

Started by the parent (supervisor.py) as `python -m grader.grading.server SOCKET_FD`, where
SOCKET_FD is its end of a Unix socket pair (SOCK_SEQPACKET: one message per command).
It never runs student code and never runs a TensorFlow operation (a process that has run
one cannot fork safely): it only imports, so that every job forked from it starts in a
fraction of a second instead of paying TensorFlow's start-up again.

    hello {repo_root, table}                         -> ready {versions}
    fork {job settings} + 4 file descriptors         -> forked {keeper}
        (command read, reply write, load-output write, output write: the job's private pipes)
    quit

A fork command's settings are job.JobSettings; the keeper (keeper.py) starts the job
process (job.py) and reports on the job's reply pipe.
"""
import gc
import json
import os
import socket
import sys

MAX_MESSAGE = 65536
JOB_FDS = 4


def main(argv=None):
    """Serve the parent's commands until `quit` or the end of the socket."""
    argv = sys.argv[1:] if argv is None else argv
    connection = socket.socket(fileno=int(argv[0]))
    os.set_inheritable(connection.fileno(), False)
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started us ends, and a class run starts
    # its servers from worker threads. The server ends when the parent's end of the socket closes instead.
    hello = json.loads(connection.recv(MAX_MESSAGE))
    sys.path.insert(0, hello["repo_root"])
    try:
        from grader.exercises import load_table
        from grader.grading.job import JobSettings, import_everything

        versions = import_everything()
        table = load_table(hello["table"])
    except Exception as error:  # the grader cannot start here: the parent says so, exit 2
        _send(connection, {"type": "internal_error", "text": f"{type(error).__name__}: {error}"})
        return
    _send(connection, {"type": "ready", "versions": versions})
    # Everything imported so far is shared with every job: keep the jobs' garbage collector off it,
    # so that their pages stay shared instead of being copied when it walks them.
    gc.freeze()
    keepers = set()
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(connection, MAX_MESSAGE, JOB_FDS)
        except OSError:
            break
        if not data:
            break
        command = json.loads(data)
        if command["cmd"] == "quit":
            break
        keepers = {pid for pid in keepers if not _finished(pid)}
        keeper = _fork_keeper(connection, JobSettings(**command["settings"]), fds, table, versions)
        keepers.add(keeper)
        for fd in fds:
            os.close(fd)
        _send(connection, {"type": "forked", "keeper": keeper})
    os._exit(0)


def _fork_keeper(connection, settings, fds, table, versions):
    """Fork the job's keeper; return its pid (in the server)."""
    from grader.grading.keeper import run_keeper

    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        connection.close()
        run_keeper(settings, *fds, table=table, versions=versions)
    return pid


def _finished(pid):
    """Reap the keeper `pid` if it has ended; whether it has."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done != 0


def _send(connection, message):
    connection.send(json.dumps(message).encode("utf-8"))


if __name__ == "__main__":
    main()
