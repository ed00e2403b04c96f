"""A student's `.py` file (plain, or a script exported from a notebook): checked in the parent,
what the graded functions need run in the child.

A plain file is read like a notebook of one cell, so a `unet_model().summary()` or a
training call left at its bottom never runs; a script written by `jupyter nbconvert --to
script` (`# In[3]:`) or jupytext (`# %%`) is read cell by cell, and grades like the
notebook it came from. Lines keep their numbers in the file.
"""
from pathlib import Path

from grader.exercises import COURSE
from grader.grading.records import Source
from grader.grading.sources.cells import script_cells
from grader.grading.sources.loaded import LoadedSource, shown
from grader.grading.sources.program import run_cells
from grader.grading.sources.text import read_python

STUDENT_MODULE = "student_submission"


def resolve(path, source_path):
    """The Source of the `.py` file at `path` (named `source_path` on the command line)."""
    return Source("file", display=str(source_path), path=str(Path(path).resolve()))


def load_file(path, display, table, wanted, module_name=STUDENT_MODULE, package=None, student_files=None):
    """Run what the graded functions in `wanted` need from the file at `path`; return a LoadedSource.

    `student_files` is the file or folder whose frames count as the student's (default: the file).
    """
    cells = script_cells(read_python(path, display), str(path))
    program = run_cells(cells, module_name, str(path), wanted or table.functions, table.functions,
                        display=display, package=package, always_passed=table.always_passed,
                        free_defaults=table.free_defaults)
    return LoadedSource(program.module, student_files or path, program.notes, program.failed)


def load(source, table=COURSE, wanted=None):
    """Run what the graded functions need from the `.py` file; return a LoadedSource."""
    return load_file(source.path, shown(Path(source.path)), table, wanted)


def location(source, table=COURSE):
    """Where-finder for errors raised while the file itself loads."""
    return LoadedSource(None, source.path)
