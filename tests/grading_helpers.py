"""Running `python -m grader exerciseN ...` as a student would, for the grading tests."""
import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "grading" / "corpus"


@dataclass
class Graded:
    """What a grading run showed: exit status, stdout, stderr."""

    returncode: int
    stdout: str
    stderr: str

    def json(self):
        """stdout parsed as the single JSON object `--format json` prints."""
        return json.loads(self.stdout)


def grade(*args, cwd=REPO_ROOT, env=None, timeout=600):
    """Run `python -m grader ARGS` in a fresh process (TensorFlow log level not preset)."""
    environment = dict(os.environ if env is None else env)
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the grader must quiet TensorFlow itself
    result = subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True,
                            text=True, timeout=timeout, cwd=cwd, env=environment)
    return Graded(result.returncode, result.stdout, result.stderr)


def run_grader(*args, cwd=None):
    """`grade` from the current folder (default) with the 300 s limit of the package-level CLI tests."""
    return grade(*args, cwd=cwd, timeout=300)


def not_passed(report):
    """'check name: message' for every check of a JSON report that did not pass, one per line."""
    return "\n".join(f"{exercise['name']} / {check['name']}: {check['message']}"
                     for exercise in report["exercises"] for check in exercise["checks"]
                     if check["status"] != "passed")


def windows_only(test):
    """Mark `test` to run in the Windows mode too, not in the macOS one (pyproject.toml's `windows_only`)."""
    return pytest.mark.portable(pytest.mark.windows_only(test))


def cases_of_this_mode(cases, portable_cases, windows_cases):
    """The cases a module fixture grades: all of `cases` ({name: case}) in the suite; in an emulated mode those
    whose tests run there: `portable_cases` in both modes, `windows_cases` in the Windows one only.

    Without fork every graded file costs a job process of its own (a TensorFlow import), so a mode grades
    only the cases whose verdict passes through what the mode changes, not those that check the text the
    job makes of a source or an exception (the same code in every job, which the suite shows)."""
    mode = os.environ.get("UNET_GRADER_EMULATE")
    if not mode:
        return dict(cases)
    kept = set(portable_cases) | (set(windows_cases) if mode == "windows" else set())
    return {name: case for name, case in cases.items() if name in kept}


def write_source(folder, name, text):
    """Write a student's .py file into `folder` and return its path."""
    path = Path(folder) / name
    path.write_text(text)
    return path


CORRECT_BLOCKS = '''
from tensorflow.keras.layers import Conv2D, Conv2DTranspose, Dropout, Input, MaxPooling2D, concatenate
from tensorflow.keras.models import Model


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    return (MaxPooling2D(2)(conv) if max_pooling else conv), conv


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
'''


class _ThreadStreams:
    """A stand-in for sys.stdout or sys.stderr that writes to the stream its thread has chosen (see `captured`),
    so that gradings side by side in threads each capture only what they print."""

    def __init__(self, fallback):
        self.fallback = fallback
        self.local = threading.local()

    def __getattr__(self, name):
        return getattr(getattr(self.local, "stream", None) or self.fallback, name)

    def write(self, text):
        return (getattr(self.local, "stream", None) or self.fallback).write(text)


_streams_lock = threading.Lock()


@contextlib.contextmanager
def captured():
    """(stdout, stderr) StringIOs that take what this thread prints to sys.stdout and sys.stderr meanwhile."""
    with _streams_lock:
        for name in ("stdout", "stderr"):
            if not isinstance(getattr(sys, name), _ThreadStreams):
                setattr(sys, name, _ThreadStreams(getattr(sys, name)))
    out, err = io.StringIO(), io.StringIO()
    sys.stdout.local.stream, sys.stderr.local.stream = out, err
    try:
        yield out, err
    finally:
        sys.stdout.local.stream = sys.stderr.local.stream = None


def open_warm_grader():
    """The Grader the tests that grade share (conftest's `warm_grader`): forked jobs where the platform can
    fork; without fork (the portable modes) each source's exercises in one job process, as in a class run,
    which hands the rest to fresh jobs after a crash or a time-out: the same reports for fewer TensorFlow starts."""
    from grader.grading.session import Grader

    return Grader(timeout_s=120, memory_mb=4096, parallel=2,
                  one_job_per_source=bool(os.environ.get("UNET_GRADER_EMULATE")))


def grade_in(grader, *args, cwd=None):
    """`python -m grader ARGS` for a grading command (exerciseN or all), run in this process with `grader`
    (an open Grader): what the command prints to stdout and stderr, and its exit status.

    The command's own code runs (argument parsing, the source's resolution, every report and
    file it writes, its usage errors and their words); only the Grader is shared, so that a
    grading does not pay TensorFlow's start-up. The command line as a process (TensorFlow's
    log level, the console's encoding, what is left running) is tested with `grade`.
    """
    from grader.cli import build_parser
    from grader.commands import grade as grade_command
    from grader.console import exit_code_for

    with captured() as (out, err):
        try:
            options = build_parser().parse_args([str(arg) for arg in args])
            with _working_in(cwd):
                code = grade_command.run(options, grader=grader)
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code
        except Exception as error:  # noqa: BLE001 -- as cli.main: every error becomes a message and an exit code
            code = exit_code_for(error)
    return Graded(code, out.getvalue(), err.getvalue())


_cwd_lock = threading.Lock()


@contextlib.contextmanager
def _working_in(folder):
    """In `folder` (None: where we are) for the duration; one such change at a time."""
    if folder is None:
        yield
        return
    with _cwd_lock:
        before = os.getcwd()
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(before)


def grade_warm(cases, grader):
    """{name: Graded} for many gradings given as command lines (`cases`: {name: args of `python -m grader`}),
    two at a time with `grader` (see `grade_in`)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(lambda args: grade_in(grader, *args), cases.values())))


def grade_reports(grader, jobs, seed, timeout_s=120, memory_mb=4096):
    """The Report of each (source, exercise names) of `jobs`, two at a time with `grader` (an open Grader)."""
    from concurrent.futures import ThreadPoolExecutor

    from grader.grading.session import Limits

    limits = Limits(timeout_s, memory_mb)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: grader.grade(job[0], job[1], seed, limits=limits), jobs))
