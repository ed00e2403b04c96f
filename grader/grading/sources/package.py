"""A package of the checkout (`exercises`, or the reference `solutions`): its module file read like a
`.py` file, so that only what the graded functions need runs."""
import importlib.util
import os
from pathlib import Path

from grader.exercises import COURSE
from grader.grading.records import Source
from grader.grading.sources.loaded import LoadedSource, shown
from grader.grading.sources.python_file import STUDENT_MODULE, load_file


def resolve(module, repo_root):
    """The Source of the package holding `module` ("exercises.unet"), shown as that module's file."""
    parts = module.split(".")
    return Source("package", display=shown(Path(repo_root, *parts[:-1], parts[-1] + ".py")), name=module)


def module_path(source):
    """The file of the source's module, found without importing it."""
    package, _, rest = source.name.partition(".")
    spec = importlib.util.find_spec(package)
    folder = Path(next(iter(spec.submodule_search_locations or []), os.path.dirname(spec.origin or "")))
    return folder / (rest.replace(".", os.sep) + ".py") if rest else Path(spec.origin)


def load(source, table=COURSE, wanted=None):
    """Run what the graded functions need from the package's module; a LoadedSource whose whole folder is theirs."""
    path = module_path(source)
    package = source.name.split(".")[0]
    return load_file(path, shown(path), table, wanted, STUDENT_MODULE, package=package,
                     student_files=str(path.parent))


def location(source, table=COURSE):
    """Where-finder for errors raised while the package itself loads."""
    return LoadedSource(None, str(module_path(source).parent))
