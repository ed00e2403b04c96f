"""The Gradescope autograder zip: laid out as Gradescope asks, and run as Gradescope runs it.

One release is made for the whole module (`release --seeds 2 --gradescope`). Each test
unzips its autograder.zip into a temporary ROOT/source, copies run_autograder to
ROOT/run_autograder, puts a submission in ROOT/submission and runs ROOT/run_autograder from
ROOT (UNET_AUTOGRADER_ROOT=ROOT stands for /autograder), with a Python first on PATH that
has the course's dependencies but not this checkout. Every results.json it leaves is
checked against the fields Gradescope documents (results_problems below).
"""
import json
import os
import re
import shutil
import stat
import subprocess
import zipfile

import pytest

from bundle_helpers import bundle_python, checks_of, course_file
from grader.instructor import gradescope, release
from grader.instructor.solution_leaks import find_solution_code, solution_statements
from grader.notebook.builder import NOTEBOOK_NAME, build_notebook, write_notebook
from grading_helpers import REPO_ROOT, grade_in, run_grader

# Gradescope's "Autograder Specifications", Output format
# (gradescope-autograders.readthedocs.io/en/latest/specs/; docs/specs.md of gradescope/autograder_samples)
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "simple_format", "html", "md", "ansi"}
TOP_LEVEL_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
TEST_STATUSES = {"passed", "failed"}
LEADERBOARD_ORDERS = {"asc", "desc"}


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field_problems(where, item, key, value):
    """What is wrong with one documented field (top level or of a test)."""
    if key in ("score", "max_score", "execution_time") and not (_number(value) and value >= 0):
        return [f"{where}{key} is {value!r}, not a number >= 0"]
    if key in ("visibility", "stdout_visibility") and value not in VISIBILITIES:
        return [f"{where}{key} is {value!r}, not one of {sorted(VISIBILITIES)}"]
    if key.endswith("_format") and value not in FORMATS:
        return [f"{where}{key} is {value!r}, not one of {sorted(FORMATS)}"]
    if key in ("output", "name", "number") and not isinstance(value, str):
        return [f"{where}{key} is {value!r}, not a string"]
    if key == "extra_data" and not isinstance(value, dict):
        return [f"{where}extra_data is not an object"]
    if key == "status" and value not in TEST_STATUSES:
        return [f"{where}status is {value!r}, not one of {sorted(TEST_STATUSES)}"]
    if key == "tags" and not (isinstance(value, list) and all(isinstance(tag, str) for tag in value)):
        return [f"{where}tags is {value!r}, not a list of strings"]
    return []


def results_problems(results):
    """Everything in a results.json object that Gradescope's documented format does not allow.

    Also this autograder's own promises: a top-level score, equal to the sum of the tests'
    scores, each between 0 and its max_score.
    """
    if not isinstance(results, dict):
        return ["results.json is not a JSON object"]
    problems = [f"undocumented top-level key {key!r}" for key in sorted(set(results) - TOP_LEVEL_KEYS)]
    for key in sorted(set(results) & TOP_LEVEL_KEYS - {"tests", "leaderboard"}):
        problems += _field_problems("", results, key, results[key])
    tests = results.get("tests", [])
    if not isinstance(tests, list):
        return problems + ["tests is not a list"]
    if "score" not in results:
        problems.append("no top-level score")
    for index, test in enumerate(tests):
        where = f"tests[{index}]."
        if not isinstance(test, dict):
            problems.append(f"tests[{index}] is not an object")
            continue
        problems += [f"undocumented key {where}{key}" for key in sorted(set(test) - TEST_KEYS)]
        for key in sorted(set(test) & TEST_KEYS):
            problems += _field_problems(where, test, key, test[key])
        if _number(test.get("score")) and _number(test.get("max_score")) and test["score"] > test["max_score"]:
            problems.append(f"{where}score {test['score']} is above its max_score {test['max_score']}")
    for index, entry in enumerate(results.get("leaderboard", [])):
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and "value" in entry
                and entry.get("order", "desc") in LEADERBOARD_ORDERS):
            problems.append(f"leaderboard[{index}] is not {{name, value[, order asc|desc]}}")
    scores = [test.get("score", 0) for test in tests if isinstance(test, dict)]
    if _number(results.get("score")) and all(map(_number, scores)) and sum(scores) != results["score"]:
        problems.append(f"the tests' scores add up to {sum(scores)}, not to the score {results['score']}")
    return problems


@pytest.mark.parametrize("results, problem", [
    ({"score": 1, "max_score": 2, "tests": []}, "undocumented top-level key 'max_score'"),
    ({"score": 0, "tests": [{"score": 0, "status": "error"}]}, "status is 'error'"),
    ({"score": 2, "tests": [{"score": 1, "max_score": 1}]}, "add up to 1, not to the score 2"),
    ({"score": 0, "visibility": "students"}, "visibility is 'students'"),
    ({"tests": []}, "no top-level score"),
    ({"score": True}, "not a number"),
])
def test_the_results_validator_rejects_what_gradescope_does_not_document(results, problem):
    assert any(problem in found for found in results_problems(results)), results_problems(results)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """(bundle, autograder zip) made by the real command into a new folder."""
    out = tmp_path_factory.mktemp("release") / "unet-bundle"
    result = run_grader("release", str(out), "--seeds", "2", "--gradescope", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    archive = out.parent / "unet-bundle-autograder.zip"
    assert f"Gradescope autograder: {archive}" in result.stdout
    assert "searched every file in unet-bundle-autograder.zip for the reference functions' code: none found" \
        in result.stdout
    return out, archive


@pytest.fixture(scope="module")
def python(tmp_path_factory):
    return bundle_python(tmp_path_factory.mktemp("student-venv"))


def unzip_as_gradescope_does(archive, folder):
    """Extract `archive` into `folder` keeping each entry's permissions, as `unzip` does."""
    with zipfile.ZipFile(archive) as opened:
        for entry in opened.infolist():
            opened.extract(entry, folder)
            mode = (entry.external_attr >> 16) & 0o777
            if mode:
                os.chmod(folder / entry.filename, mode)


@pytest.fixture
def root(released, tmp_path):
    """A folder laid out like Gradescope's /autograder, with an empty submission."""
    root = tmp_path / "autograder"
    unzip_as_gradescope_does(released[1], root / "source")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    return root


def _environment(root, python, path_first=None):
    """The test's environment without this checkout on PYTHONPATH, `python`'s folder first on PATH."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    env.update(UNET_AUTOGRADER_ROOT=str(root), UNET_GRADER_DEBUG="1",  # the script must switch tracebacks off
               PATH=os.pathsep.join([str(path_first or python.parent), env["PATH"]]))
    return env


def run_autograder(root, python, path_first=None):
    """Run ROOT/run_autograder as Gradescope does; return (the run, results.json checked against the spec)."""
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=_environment(root, python, path_first),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results_problems(results) == [], results_problems(results)
    assert "Traceback" not in done.stdout + done.stderr + json.dumps(results)
    return done, results


def _failed(results):
    return [test for test in results["tests"] if test["status"] == "failed"]


def _wrong_padding(reference_text):
    """The reference with conv_block's first convolution padded 'valid'."""
    return reference_text.replace('padding="same"', 'padding="valid"', 1)


@pytest.mark.slow
def test_zip_has_the_scripts_at_its_root_and_the_bundle_without_solutions(released, tmp_path):
    bundle, archive = released
    assert archive.parent == bundle.parent and not list(bundle.rglob("*.zip"))
    with zipfile.ZipFile(archive) as opened:
        entries = {entry.filename: entry for entry in opened.infolist()}
    for name in ("setup.sh", "run_autograder"):
        mode = entries[name].external_attr >> 16
        assert stat.S_ISREG(mode) and mode & 0o111 == 0o111, f"{name}: {oct(mode)}"
    for needed in ["pyproject.toml", "README.md", NOTEBOOK_NAME, "exercises/unet.py", "grader/__main__.py",
                   "grader/expectations.json", "grader/reports/gradescope.py", "segmentation/files.py"]:
        assert needed in entries, needed
    assert not [name for name in entries if name.startswith(("solutions", "grader/instructor", "tests/"))]
    unzip_as_gradescope_does(archive, tmp_path)
    assert find_solution_code(tmp_path, solution_statements()) == []
    for script in ("setup.sh", "run_autograder"):
        checked = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    assert f'NOTEBOOK="{NOTEBOOK_NAME}"' in (tmp_path / "run_autograder").read_text()


@pytest.mark.slow
def test_correct_file_scores_full_marks(root, python):
    shutil.copy(REPO_ROOT / "solutions" / "unet.py", root / "submission" / "unet.py")
    imported = subprocess.run([str(python), "-c", "import solutions"], cwd=root, capture_output=True, text=True,
                              env=_environment(root, python))
    assert "No module named 'solutions'" in imported.stderr
    done, results = run_autograder(root, python)
    assert results["score"] == results["extra_data"]["max_score"] == 36 and not _failed(results)
    assert results["output"].startswith("Graded submission/unet.py with seed ")
    assert results["execution_time"] >= 0
    assert "Score: 36/36 (100%)" in done.stdout  # the grader's report, for the instructor's stdout log


@pytest.mark.slow
def test_wrong_block_scores_as_in_the_full_package(root, python, warm_grader):
    """exercise3 is graded with the reference blocks rebuilt from the stored recipes: 24/36 as in the full package."""
    work = root / "submission" / "unet.py"
    work.write_text(course_file((REPO_ROOT / "solutions" / "unet.py").read_text(), "wrong upsampling_block"))
    _, results = run_autograder(root, python)
    seed = re.match(r"Graded submission/unet.py with seed (\d+)", results["output"]).group(1)
    package = grade_in(warm_grader, "all", "--source", str(work), "--seed", seed, "--format", "json")
    report = json.loads(package.stdout)
    assert results["score"] == report["score"] == 24
    assert [(test["name"], test["status"]) for test in results["tests"]] == checks_of(report)


@pytest.mark.slow
def test_wrong_repository_is_graded_from_exercises_and_names_the_mistake(root, python, released):
    repository = root / "submission"
    shutil.rmtree(repository)
    shutil.copytree(released[0], repository)
    reference = (REPO_ROOT / "solutions" / "unet.py").read_text()
    (repository / "exercises" / "unet.py").write_text(_wrong_padding(reference))
    _, results = run_autograder(root, python)
    assert 0 < results["score"] < 36
    assert results["output"].startswith("Graded exercises/unet.py of your repository")
    failed = _failed(results)
    assert not [test for test in failed if test["name"].startswith("exercise2")]
    conv_block = [test for test in failed if test["name"].startswith("exercise1") and "structure" in test["tags"]]
    assert conv_block and all("padding 'valid', expected 'same'" in test["output"] for test in conv_block)


@pytest.mark.slow
def test_repository_with_the_untouched_stub_is_graded_from_its_notebook(root, python, released):
    repository = root / "submission"
    shutil.rmtree(repository)
    shutil.copytree(released[0], repository)
    write_notebook(build_notebook(solutions=True), repository / NOTEBOOK_NAME)
    _, results = run_autograder(root, python)
    assert results["score"] == 36
    assert results["output"].startswith(f"Graded {NOTEBOOK_NAME} of your repository: its exercises/unet.py "
                                        f"is the untouched stub.")


@pytest.mark.slow
def test_file_with_a_syntax_error_scores_0_and_says_where(root, python):
    (root / "submission" / "unet.py").write_text("def conv_block(inputs=None, n_filters=32:\n    pass\n")
    _, results = run_autograder(root, python)
    assert results["score"] == 0 and len(_failed(results)) == len(results["tests"]) > 0
    assert "Syntax error in submission/unet.py, line 1" in results["tests"][0]["output"]


@pytest.mark.slow
def test_submission_without_a_notebook_or_python_file_says_what_to_upload(root, python):
    (root / "submission" / "unet.txt").write_text("my answers")
    _, results = run_autograder(root, python)
    assert results["score"] == 0 and results["tests"] == []
    assert "no notebook (.ipynb) or Python file (.py)" in results["output"]
    assert "unet.txt" in results["output"] and f"Upload your {NOTEBOOK_NAME}" in results["output"]


@pytest.mark.slow
def test_several_files_grade_the_course_notebook_and_say_so(root, python, released):
    shutil.copy(released[0] / NOTEBOOK_NAME, root / "submission" / NOTEBOOK_NAME)
    (root / "submission" / "scratch.py").write_text("x = 1\n")
    shutil.copy(released[0] / NOTEBOOK_NAME, root / "submission" / "copy.ipynb")
    _, results = run_autograder(root, python)
    assert results["output"].startswith(f"You submitted 3 notebooks or Python files (copy.ipynb, {NOTEBOOK_NAME}, "
                                        f"scratch.py); graded {NOTEBOOK_NAME}.")
    assert results["score"] == 0 and all("not implemented yet" in test["output"] for test in results["tests"])


@pytest.mark.slow
def test_grader_failure_still_leaves_results_that_say_what_happened(root, python):
    (root / "source" / "grader" / "expectations.json").write_text('{"format": 99}')
    shutil.copy(REPO_ROOT / "solutions" / "unet.py", root / "submission" / "unet.py")
    _, results = run_autograder(root, python)
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("submission/unet.py could not be graded: The grader itself failed")
    assert "tell the course staff" in results["output"] and "UNET_GRADER_DEBUG" not in results["output"]


@pytest.mark.slow
def test_python_that_does_not_run_still_leaves_results(root, python, tmp_path):
    broken = tmp_path / "broken-python"
    broken.mkdir()
    (broken / "python3").write_text("#!/bin/sh\nexit 1\n")
    (broken / "python3").chmod(0o755)
    (root / "submission" / "unet.py").write_text("x = 1\n")
    _, results = run_autograder(root, python, path_first=broken)
    assert results["score"] == 0 and "could not start Python" in results["output"]


def test_failed_release_leaves_neither_the_bundle_nor_the_zip(tmp_path, monkeypatch):
    monkeypatch.setattr(gradescope, "find_solution_code_in_zip", lambda archive, statements: [("setup.sh", "up=x")])
    out = tmp_path / "bundle"
    with pytest.raises(release.ReleaseError, match=r"bundle-autograder.zip would contain solution code.*setup.sh"):
        release.make_release(out, write_expectations=lambda bundle: None, log=lambda line: None, gradescope=True)
    assert list(tmp_path.iterdir()) == []


def test_release_refuses_to_replace_an_existing_zip(tmp_path):
    (tmp_path / "bundle-autograder.zip").write_text("an earlier upload")
    with pytest.raises(release.ReleaseError, match="bundle-autograder.zip exists already"):
        release.make_release(tmp_path / "bundle", write_expectations=lambda bundle: None, gradescope=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bundle-autograder.zip"]
    assert (tmp_path / "bundle-autograder.zip").read_text() == "an earlier upload"


@pytest.mark.slow
def test_notebook_that_does_not_read_scores_0_in_the_graders_words(root, python):
    (root / "submission" / NOTEBOOK_NAME).write_text('{"cells": [')
    _, results = run_autograder(root, python)
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith(f"submission/{NOTEBOOK_NAME} could not be graded: submission/{NOTEBOOK_NAME} "
                                        f"is not a readable Jupyter notebook")


def test_setup_without_the_package_says_which_zip_to_upload(tmp_path):
    (tmp_path / "source").mkdir()
    done = subprocess.run(["bash", str(gradescope.SCRIPTS / "setup.sh")], capture_output=True, text=True,
                          env={**os.environ, "UNET_AUTOGRADER_ROOT": str(tmp_path)}, timeout=60)
    assert done.returncode == 1
    assert f"{tmp_path}/source/pyproject.toml is missing" in done.stderr
    assert "python -m grader release OUT_DIR --gradescope" in done.stderr and not (tmp_path / "venv").exists()
