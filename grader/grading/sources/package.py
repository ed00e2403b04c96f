"""An installed package of the checkout (`exercises`, or the reference `solutions`)."""
import importlib
import importlib.util
import os
from pathlib import Path

from grader.grading.records import Source
from grader.grading.sources.loaded import LoadedSource, shown


def resolve(module, repo_root):
    """The Source of the package holding `module` ("exercises.unet"), shown as that module's file."""
    parts = module.split(".")
    return Source("package", display=shown(Path(repo_root, *parts[:-1], parts[-1] + ".py")), name=parts[0])


def load(source, table):
    """Import the package and return a LoadedSource whose whole folder is the student's."""
    module = importlib.import_module(source.name)
    return LoadedSource(module, Path(module.__file__).parent)


def location(source, table):
    """Where-finder for errors raised while the package itself loads."""
    spec = importlib.util.find_spec(source.name)
    folder = os.path.dirname(spec.origin) if spec and spec.origin else os.getcwd()
    return LoadedSource(None, folder)
