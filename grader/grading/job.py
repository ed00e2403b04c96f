"""A grading job: one fresh process that loads a source and observes one exercise (the job child).

A job is forked from the warm server by a keeper (server.py, keeper.py), or, where the
platform cannot fork a warm process, started ahead of time as a spare, `python -m
grader.grading.job spare TABLE`, which talks over its standard streams (spares.py).
Either way it starts with TensorFlow, Keras and the grader imported, and before any code
of the student's runs it: reads an empty stdin, caps its memory (where the platform has
rlimits), stops answering for other processes of the same user (not dumpable, Linux),
watches the grader's and Keras' modules (integrity.py) and guards the answers (guard.py).

It reads one JSON command per line from its private command pipe and answers each on
its private reply pipe, stamped with the job's token:

    versions                                 -> versions {versions}         (the libraries', for the report)
    reference {exercise, configs, seed}      -> reference {expectations}    (a trusted job: no student code)
    load {source, functions, quiet}          -> loaded {notes} | load_error {error} | tampered {changes}
        (quiet: what the source prints while it loads goes nowhere: a job that grades a second exercise)
    grade {exercise, configs, seed, blocks, block_limit_s, hung}
                                             -> graded {observations} | tampered {changes}
        (blocks, for an exercise built from blocks: {function: "own"|"reference"}; block_limit_s: what
         one call of a block may take; hung: {block function: {exercise, limit}} for the student's blocks
         whose own exercise ran past its time limit earlier in the grading, never called again)
    quit

What the student's code prints while it loads goes to the load-output pipe, what it
prints afterwards to the output pipe, so that a source loaded once per exercise shows
its import-time prints once. A fault of the grader's own code is answered with
`internal_error`.
"""
import json
import os
import sys
import traceback
import warnings
from dataclasses import dataclass

from grader.grading import channel, tracebacks


@dataclass(frozen=True)
class JobSettings:
    """What a job is told when it starts (JSON in the fork command, or a spare's first line).

    Attributes:
        token: stamps every reply, so lines written by student code into the reply pipe are known as forged.
        memory_mb: the memory cap.
        cwd: the folder to work in (None: stay where the grader runs).
        trusted: a reference job, which runs no student code.
        preload: load the reference blocks before the student's code (a job grading an exercise built
            from blocks), since the guard keeps the reference out of reach afterwards.
        uid: the user to become before the student's code runs (in a sandbox), or None.
        wipe: a folder the keeper empties after the job (a sandbox's private /tmp), or None.
        show_load_output: whether a spare passes on what the source prints while it loads (a forked
            job has a pipe of its own for that, which the parent reads or drops).
        marker: a spare's environment marker (processes.MARKER_VARIABLE), set again here since a
            sandbox starts its command with a clean environment; everything the job starts inherits it.
    """

    token: str
    memory_mb: int
    cwd: str = None
    trusted: bool = False
    preload: bool = False
    uid: int = None
    wipe: str = None
    show_load_output: bool = True
    marker: str = None


def run_job(settings, command_fd, reply_fd, load_output_fd, output_fd, table, versions):
    """Serve the job's commands until `quit` (or the end of the command pipe); never returns.

    `versions` (the libraries', for the report) is what `import_everything` returned.
    """
    encode = channel.encode  # bound before any student code runs, like everything `serve` uses

    def reply(message):
        data = encode(message, settings.token)
        while data:
            data = data[os.write(reply_fd, data):]

    student_code_ran = []
    try:
        _isolate(settings, command_fd, reply_fd, load_output_fd, output_fd)
        tracebacks.install()  # uncaught exceptions of the student's code show the student's frames only
        attempts = [] if settings.trusted else _guard(settings, table)
        commands = os.fdopen(command_fd, "r", encoding="utf-8")
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.set_inheritable(quiet, False)
        serve(commands, reply, table, lambda silent=False: _print_to(quiet if silent else output_fd), versions,
              attempts, student_code_ran)
    except Exception as error:  # noqa: BLE001 -- said to the parent, which decides whose fault it is
        try:
            text = f"{type(error).__name__}: {error}"[:600]
            details = traceback.format_exc()
        except Exception:  # noqa: BLE001 -- the student's code may have broken even this
            text, details = "the grading process's own state was broken", ""
        # Before any student code, a fault of the grader itself (exit 2); after it, possibly the
        # student's code breaking the process (sys.modules cleared, builtins replaced): the exercise's.
        reply({"type": "internal_error", "text": text, "traceback": details,
               "after_student_code": bool(student_code_ran)})
    _finish()


def _isolate(settings, command_fd, reply_fd, load_output_fd, output_fd):
    """The job's own process state, before any student code: fds, stdin, output, memory, cwd."""
    from grader.grading.processes import MARKER_VARIABLE, not_dumpable

    for fd in (command_fd, reply_fd, load_output_fd, output_fd):
        os.set_inheritable(fd, False)  # processes the student's code starts must not hold them
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, 0)
    os.close(empty)
    _print_to(load_output_fd)
    os.close(load_output_fd)
    not_dumpable()
    _limit_memory(settings.memory_mb)
    if settings.cwd:
        os.chdir(settings.cwd)
    if settings.marker:
        os.environ[MARKER_VARIABLE] = settings.marker
    warnings.simplefilter("ignore")


def _guard(settings, table):
    """Before the student's code: the reference blocks loaded if needed, the answers guarded, our user left.

    Returns the guard's record of attempts to reach the answers (see guard.py).
    """
    from grader.grading import guard, reference

    if settings.preload:
        reference.preload_blocks(table)
    attempts = guard.install([table.reference_package], reference.guarded_places(table))
    if settings.uid is not None:
        os.setgroups([])
        os.setgid(settings.uid)
        os.setuid(settings.uid)
    return attempts


def _print_to(fd):
    """From now on, what this process prints (stdout and stderr) goes to `fd`; what was printed before is flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)


def _finish():
    """Leave at once: threads the student's code started must not keep the process alive."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def serve(commands, reply, table, start_output, versions, attempts=(), student_code_ran=None):
    """Answer commands one by one (see the module docstring).

    `start_output(silent=False)` points what the process prints at the output pipe (at nothing when
    `silent`); `attempts` is the guard's record of the student's attempts to reach the answers;
    `student_code_ran` (a list) gets an entry once the student's code has started to run.
    """
    student_code_ran = [] if student_code_ran is None else student_code_ran
    # Names bound here, before the student's code is loaded, keep pointing at the grader's
    # own functions even if that code replaces the modules' attributes (which the
    # integrity watch then reports).
    from grader.grading import reference, sources
    from grader.grading.integrity import changes as integrity_changes
    from grader.grading.integrity import snapshot as integrity_snapshot
    from grader.grading.model.build import blocks_limited, known_to_hang
    from grader.grading.model.observe import observe_all
    from grader.grading.records import Config, Source
    from grader.grading.sources.program import MissingPackage
    from grader.grading.sources.text import SourceTextError
    from grader.grading.student_errors import exception_data, syntax_data

    loaded = None
    before = None
    for line in commands:
        command = json.loads(line)
        kind = command["cmd"]
        if kind == "quit":
            return
        if kind == "versions":
            reply({"type": "versions", "versions": versions})
        elif kind == "reference":
            exercise = table.get(command["exercise"])
            configs = [Config.from_wire(config) for config in command["configs"]]
            observed = reference.expectations(exercise, configs, command["seed"], table)
            reply({"type": "reference", "exercise": exercise.name,
                   "expectations": [observation.wire() for observation in observed]})
        elif kind == "load":
            if command.get("quiet"):
                start_output(silent=True)
            before = integrity_snapshot()
            source = Source.from_wire(command["source"])
            error = None
            student_code_ran.append(source.display)
            try:
                loaded = sources.load(source, table, command.get("functions"))
            except SyntaxError as raised:
                error = syntax_data(raised, sources.location(source, table))
            except MissingPackage as missing:
                error = missing.data
            except SourceTextError as raised:
                error = {"kind": "unreadable_file", "text": str(raised)}
            except BaseException as raised:  # noqa: B036 -- ImportError, SystemExit, KeyboardInterrupt, anything
                error = exception_data(raised, sources.location(source, table))
            finally:
                start_output()
            changed = integrity_changes(before)
            if changed or attempts:
                reply({"type": "tampered", "changes": changed, "answers": list(attempts)})
            elif error is not None:
                reply({"type": "load_error", "error": error})
            else:
                reply({"type": "loaded", "notes": loaded.notes})
        elif kind == "grade":
            exercise = table.get(command["exercise"])
            configs = [Config.from_wire(config) for config in command["configs"]]
            function = loaded.function(exercise.function)
            if function is None:
                observations = None
            else:
                blocks = _blocks(command["blocks"], loaded, reference, exercise, table) if exercise.blocks else None
                for name, hang in command.get("hung", {}).items():
                    if blocks and command["blocks"].get(name) == "own" and name in blocks:
                        known_to_hang(blocks[name], name, hang["exercise"], hang["limit"])
                with blocks_limited(command.get("block_limit_s", float("inf"))):
                    observations = [observation.wire() for observation in
                                    observe_all(exercise, function, configs, command["seed"], loaded, blocks)]
            changed = integrity_changes(before)
            if changed or attempts:
                reply({"type": "tampered", "changes": changed, "answers": list(attempts)})
            else:
                reply({"type": "graded", "exercise": exercise.name, "blocks": command["blocks"],
                       "observations": observations})


def _blocks(choice, loaded, reference, exercise, table):
    """{function: f} for each block of `exercise`: the student's own or the reference's, as asked."""
    references = reference.reference_blocks(exercise, table) if "reference" in choice.values() else {}
    blocks = {}
    for name, whose in choice.items():
        block = references.get(name) if whose == "reference" else loaded.function(name)
        if block is not None:
            blocks[name] = block
    return blocks


def import_everything():
    """Import TensorFlow (quietly), Keras, IPython's transformers and every grader module a job uses.

    Returns the versions for the report. Done once by the warm server (or a cold job),
    so that every job forked from it starts with all of it loaded, and so that the
    integrity snapshot taken before the student's code runs covers it. Builds no model
    and runs no TensorFlow operation: either starts TensorFlow threads (a graph runner,
    pools), and a process with those cannot fork safely.
    """
    from segmentation.quiet_tf import import_tensorflow

    tf = import_tensorflow()
    import keras
    import numpy
    # tf.keras' modules load lazily: load the ones students import now, before the integrity snapshot
    import tensorflow.keras.activations  # noqa: F401
    import tensorflow.keras.initializers  # noqa: F401
    import tensorflow.keras.layers  # noqa: F401
    import tensorflow.keras.models  # noqa: F401
    from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401

    import grader.exercises  # noqa: F401
    from grader.grading import compare, integrity, reference, sources, stored, student_errors  # noqa: F401
    from grader.grading.model import behaviour, build, describe, observe, rebuilt  # noqa: F401

    if stored.available():  # a bundle: its stored expectations parsed once here, not again in every job
        try:
            stored.pool()
        except (OSError, ValueError, stored.ExpectationsError):
            pass  # said where they are needed, in the grader's words

    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__}


def _limit_memory(megabytes):
    """Make allocations beyond `megabytes` fail with MemoryError instead of exhausting the machine.

    Where there are no rlimits (Windows: a Job Object does it, see winjob.py; elsewhere the parent's
    watch of resident memory) nothing is done here.
    """
    try:
        import resource
    except ImportError:
        return

    limit = int(megabytes) * 1024 * 1024
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):  # not permitted here: the parent's watch still applies
        pass


def spare_main(table_locator):
    """A spare (spares.py): import everything, wait for one job's settings on stdin, say it has started
    (as a forked job's keeper does), run that job.

    Its standard streams are its pipes to the parent: stdin the commands, stdout the replies,
    stderr the student's output. They are moved to private descriptors first, and the standard
    ones point at the null device while TensorFlow starts, so nothing it prints is taken for the
    student's. A spare that reads the end of stdin before its settings (the parent is gone) exits.
    """
    command_fd, reply_fd, output_fd = os.dup(0), os.dup(1), os.dup(2)
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    os.close(quiet)
    try:
        versions = import_everything()
        from grader.exercises import load_table

        table = load_table(table_locator)
        failure = None
    except Exception as error:  # noqa: BLE001 -- the grader cannot start here: said once the parent asks
        failure = {"type": "internal_error", "text": f"{type(error).__name__}: {error}"[:600]}
    line = _read_line(command_fd)
    if not line:
        _finish()
    settings = JobSettings(**json.loads(line))
    started = channel.encode(failure or {"type": "started", "pid": os.getpid()}, settings.token)
    while started:  # ready: the job's time limits start now
        started = started[os.write(reply_fd, started):]
    if failure:
        _finish()
    load_output_fd = os.dup(output_fd) if settings.show_load_output else os.open(os.devnull, os.O_WRONLY)
    run_job(settings, command_fd, reply_fd, load_output_fd, output_fd, table, versions)


def _read_line(fd):
    """One line from `fd`, a byte at a time (nothing past it is read: the job's commands follow)."""
    data = bytearray()
    while not data.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        data += byte
    return data.decode("utf-8")


def main(argv=None):
    """`python -m grader.grading.job spare TABLE`: a spare job process (see spare_main)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["spare"] or len(argv) != 2:
        sys.exit("usage: python -m grader.grading.job spare TABLE (started by the grader itself)")
    spare_main(argv[1])


if __name__ == "__main__":
    main()
