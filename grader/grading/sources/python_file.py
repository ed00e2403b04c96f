"""A student's `.py` file: checked in the parent, executed as a fresh module in the child."""
import importlib.util
import os
import sys
from pathlib import Path

from grader.grading.records import Source
from grader.grading.sources.loaded import LoadedSource

STUDENT_MODULE = "student_submission"


def resolve(path, source_path):
    """The Source of the `.py` file at `path` (named `source_path` on the command line)."""
    return Source("file", display=str(source_path), path=str(Path(path).resolve()))


def load(source, table):
    """Execute the `.py` file as a fresh module named `student_submission`; return a LoadedSource."""
    path = source.path
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.append(folder)  # its helper modules, after ours so it cannot shadow them
    spec = importlib.util.spec_from_file_location(STUDENT_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[STUDENT_MODULE] = module
    spec.loader.exec_module(module)
    return LoadedSource(module, path)


def location(source, table):
    """Where-finder for errors raised while the file itself loads."""
    return LoadedSource(None, source.path)
