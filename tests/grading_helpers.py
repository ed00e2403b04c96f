"""Running `python -m grader exerciseN ...` as a student would, for the grading tests."""
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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


def grade_warm(cases):
    """{name: Graded} for many gradings given as command lines (`cases`: {name: args of `python -m grader`}),
    all in one warm Grader: what the command line prints and exits with, for a fraction of its start-ups.

    Each case is parsed by the grader's own argument parser; its report is rendered as the
    command renders it (text or --format json) and its exit status is the command's (0 when
    every check passed, 1 otherwise). The command line itself is tested on its own elsewhere.
    """
    from concurrent.futures import ThreadPoolExecutor

    from grader.cli import build_parser
    from grader.grading import sources
    from grader.grading.session import Grader, Limits
    from grader.reports import json_report, text

    parser = build_parser()

    def graded(grader, args):
        options = parser.parse_args([str(arg) for arg in args])
        report = grader.grade(sources.resolve(options.source, options.solutions, REPO_ROOT), options.exercises,
                              options.seed, limits=Limits(options.timeout, options.memory_limit))
        shown = json_report.render(report) if options.format == "json" else text.render(report)
        return Graded(0 if report.passed else 1, shown, "")

    # Without fork (the portable modes) each file's exercises share one job process, as in a class run, which
    # hands the rest to fresh jobs after a crash or a time-out: a third of the TensorFlow starts, the same reports.
    shared = bool(os.environ.get("UNET_GRADER_EMULATE"))
    with Grader(timeout_s=120, memory_mb=4096, parallel=1, one_job_per_source=shared) as grader, \
            ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(cases, pool.map(lambda args: graded(grader, args), cases.values())))
