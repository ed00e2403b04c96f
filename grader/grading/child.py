"""The grading child: imports TensorFlow once, then builds what the parent asks for.

Started by supervisor.py as `python -m grader.grading.child COMMAND_FD REPLY_FD`. It reads
one JSON command per line and answers each with one JSON reply, in this order:

    hello {token, repo_root, memory_mb, table} -> ready {versions}
    reference {exercise, configs, seed}        -> reference {expectations}   (before any student code)
    load {source, functions}                   -> loaded {notes} | load_error {error} | tampered {changes}
    grade {exercise, configs, seed, blocks}    -> graded {observations} | tampered {changes}
        (blocks, for an exercise built from blocks: {function: "own"|"reference"})
    quit

`table` is the exercise table's locator (grader/exercises.py); exercises are named,
configurations, sources and observations travel as the JSON of their records.

It prints nothing itself: its stdout and stderr carry only what the student's code
prints. A fault of the grader's own code here is answered with `internal_error`.
"""
import json
import os
import sys
import traceback
import warnings

from grader.grading import channel


def main(argv=None):
    """Serve the parent's commands until `quit` or the end of the command pipe."""
    argv = sys.argv[1:] if argv is None else argv
    for fd in (int(argv[0]), int(argv[1])):
        os.set_inheritable(fd, False)  # processes the student's code starts must not hold them
    commands = os.fdopen(int(argv[0]), "r", encoding="utf-8")
    replies = int(argv[1])
    hello = json.loads(commands.readline())
    token = hello["token"]
    encode = channel.encode  # bound before any student code runs, like everything `serve` uses

    def reply(message):
        data = encode(message, token)
        while data:
            data = data[os.write(replies, data):]

    try:
        _limit_memory(hello["memory_mb"])
        sys.path.insert(0, hello["repo_root"])
        warnings.simplefilter("ignore")
        versions = _import_everything()
        from grader.grading import tracebacks

        tracebacks.install()  # uncaught exceptions of the student's code show the student's frames only
        from grader.exercises import load_table

        table = load_table(hello["table"])
        reply({"type": "ready", "versions": versions})
        serve(commands, reply, table)
    except Exception as error:  # a fault of the grader itself: the parent says so, exit 2
        reply({"type": "internal_error", "text": f"{type(error).__name__}: {error}",
               "traceback": traceback.format_exc()})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # student threads must not keep the process alive


def serve(commands, reply, table):
    """Answer commands one by one (see the module docstring)."""
    # Names bound here, before the student's code is loaded, keep pointing at the grader's
    # own functions even if that code replaces the modules' attributes (which the
    # integrity watch then reports).
    from grader.grading import reference, sources
    from grader.grading.integrity import changes as integrity_changes
    from grader.grading.integrity import snapshot as integrity_snapshot
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
        if kind == "reference":
            exercise = table.get(command["exercise"])
            configs = [Config.from_wire(config) for config in command["configs"]]
            observed = reference.expectations(exercise, configs, command["seed"], table)
            reply({"type": "reference", "exercise": exercise.name,
                   "expectations": [observation.wire() for observation in observed]})
        elif kind == "load":
            before = integrity_snapshot()
            source = Source.from_wire(command["source"])
            try:
                loaded = sources.load(source, table, command.get("functions"))
            except SyntaxError as error:
                reply({"type": "load_error", "error": syntax_data(error, sources.location(source, table))})
                continue
            except MissingPackage as missing:
                reply({"type": "load_error", "error": missing.data})
                continue
            except SourceTextError as error:
                reply({"type": "load_error", "error": {"kind": "unreadable_file", "text": str(error)}})
                continue
            except BaseException as error:  # noqa: B036 -- ImportError, SystemExit, KeyboardInterrupt, anything
                reply({"type": "load_error", "error": exception_data(error, sources.location(source, table))})
                continue
            changed = integrity_changes(before)
            reply({"type": "tampered", "changes": changed} if changed else {"type": "loaded", "notes": loaded.notes})
        elif kind == "grade":
            exercise = table.get(command["exercise"])
            configs = [Config.from_wire(config) for config in command["configs"]]
            function = loaded.function(exercise.function)
            if function is None:
                observations = None
            else:
                blocks = _blocks(command["blocks"], loaded, reference, exercise, table) if exercise.blocks else None
                observations = [observation.wire() for observation in
                                observe_all(exercise, function, configs, command["seed"], loaded, blocks)]
            changed = integrity_changes(before)
            if changed:
                reply({"type": "tampered", "changes": changed})
            else:
                reply({"type": "graded", "exercise": exercise.name, "blocks": command["blocks"],
                       "observations": observations})
            _forget_models()


def _blocks(choice, loaded, reference, exercise, table):
    """{function: f} for each block of `exercise`: the student's own or the reference's, as asked."""
    references = reference.reference_blocks(exercise, table)
    blocks = {}
    for name, whose in choice.items():
        block = references.get(name) if whose == "reference" else loaded.function(name)
        if block is not None:
            blocks[name] = block
    return blocks


def _import_everything():
    """Import TensorFlow (quietly), Keras and every grader module the child uses; return versions."""
    from segmentation.quiet_tf import import_tensorflow

    tf = import_tensorflow()
    import keras
    import numpy

    # Every grader module a student could reach is loaded now, so that the integrity
    # snapshot taken before their code runs covers it.
    import grader.exercises  # noqa: F401
    from grader.grading import compare, integrity, reference, sources, student_errors  # noqa: F401
    from grader.grading.model import behaviour, build, describe, observe  # noqa: F401

    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__}


def _forget_models():
    """Free the models of the last exercise before the next one."""
    import gc

    import keras

    keras.backend.clear_session(free_memory=False)  # a full collection takes long with TensorFlow loaded
    gc.collect(0)


def _limit_memory(megabytes):
    """Make allocations beyond `megabytes` fail with MemoryError instead of exhausting the machine."""
    import resource

    limit = int(megabytes) * 1024 * 1024
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):  # not permitted here: the parent's watch still applies
        pass


if __name__ == "__main__":
    main()
