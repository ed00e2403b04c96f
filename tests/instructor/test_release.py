"""The student bundle: no solution code in it, and grading in it works like in the full package.

One release is made for the whole module (with a small pool of 2 seeds to keep it quick)
and used the way a student would: from inside the bundle, with a Python that has the
course's dependencies but not this checkout (the checkout's editable install would
otherwise let `import solutions` succeed from anywhere and hide a leak).
"""
import json
import os
import re
import shutil
import subprocess

import nbformat
import pytest

from bundle_helpers import bundle_python, checks_of, course_file
from grader.instructor.solution_leaks import find_solution_code, solution_statements
from grading_helpers import REPO_ROOT, grade_in, run_grader

WRONG_CONV_BLOCK = '''
from tensorflow.keras.layers import Conv2D, Conv2DTranspose, Dropout, Input, MaxPooling2D, concatenate
from tensorflow.keras.models import Model


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="valid", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(2)(conv) if max_pooling else conv
    return next_layer, conv
'''


def run_in(bundle, python, *args):
    """`python -m grader ARGS` inside the bundle, as a student runs it."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    return subprocess.run([str(python), "-m", "grader", *args], capture_output=True, text=True,
                          timeout=600, cwd=bundle, env=env)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A release made by the real command into a new folder."""
    out = tmp_path_factory.mktemp("release") / "unet-bundle"
    result = run_grader("release", str(out), "--seeds", "2", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "searched every file for the reference functions' code: none found" in result.stdout
    return out


@pytest.fixture(scope="module")
def python(tmp_path_factory):
    return bundle_python(tmp_path_factory.mktemp("student-venv"))


@pytest.fixture(scope="module")
def pool_seed(bundle):
    return json.loads((bundle / "grader" / "expectations.json").read_text())["seeds"][0]


@pytest.mark.slow
def test_bundle_holds_what_a_student_needs_and_nothing_of_the_solutions(bundle, python):
    for needed in ["README.md", "LICENSE", "pyproject.toml", "unet.ipynb", "exercises/unet.py",
                   "grader/__main__.py", "grader/expectations.json", "segmentation/synth.py",
                   "data/README.md", ".github/workflows/grade.yml"]:
        assert (bundle / needed).is_file(), needed
    for absent in ["solutions", "tests", "bench", ".venv", "data/synthetic", "grader/instructor"]:
        assert not (bundle / absent).exists(), absent
    assert not list(bundle.rglob("__pycache__"))
    assert find_solution_code(bundle, solution_statements()) == []
    pyproject = (bundle / "pyproject.toml").read_text()
    assert 'include = ["exercises*", "grader*", "segmentation*"]' in pyproject
    assert "solutions" not in pyproject
    notebook = nbformat.read(bundle / "unet.ipynb", as_version=4)
    nbformat.validate(notebook)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # a checkout there has solutions/
    imported = subprocess.run([str(python), "-c", "import solutions"], cwd=bundle, capture_output=True, text=True,
                              env=env)
    assert imported.returncode == 1 and "No module named 'solutions'" in imported.stderr


def test_leak_search_finds_a_reference_body_however_it_is_laid_out(tmp_path):
    reference = (REPO_ROOT / "solutions" / "unet.py").read_text()
    body = reference[reference.index("    up = Conv2DTranspose"):reference.index("    return conv\n")]
    (tmp_path / "notes.md").write_text("A hint:\n" + body.replace(", ", ",\n        "))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(body)])
    nbformat.write(notebook, str(tmp_path / "leak.ipynb"))
    found = {path for path, _ in find_solution_code(tmp_path, solution_statements())}
    assert found == {"notes.md", "leak.ipynb"}


@pytest.mark.slow
def test_untouched_stubs_score_zero_and_say_not_implemented(bundle, python):
    result = run_in(bundle, python, "all", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["score"] == 0 and report["max_score"] > 0
    for exercise in report["exercises"]:
        assert "not implemented yet" in exercise["checks"][0]["message"]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
def test_correct_source_scores_full_marks_in_the_bundle(bundle, python, tmp_path, repo_root):
    work = tmp_path / "my_unet.py"
    shutil.copy(repo_root / "solutions" / "unet.py", work)
    result = run_in(bundle, python, "all", "--source", str(work))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(100%)" in result.stdout


@pytest.mark.slow
def test_wrong_source_gets_the_same_message_as_in_the_full_package(bundle, python, tmp_path, pool_seed,
                                                                    warm_grader):
    work = tmp_path / "wrong.py"
    work.write_text(WRONG_CONV_BLOCK)
    args = ["exercise1", "--source", str(work), "--seed", str(pool_seed), "--format", "json"]
    in_bundle = run_in(bundle, python, *args)
    in_package = grade_in(warm_grader, *args)
    assert in_bundle.returncode == in_package.returncode == 1, in_bundle.stderr + in_package.stderr
    bundle_checks = json.loads(in_bundle.stdout)["exercises"][0]["checks"]
    package_checks = json.loads(in_package.stdout)["exercises"][0]["checks"]
    assert bundle_checks == package_checks
    assert any("padding" in check["message"] and check["status"] == "failed" for check in bundle_checks)


@pytest.mark.slow
def test_seed_outside_the_stored_pool_is_a_usage_error(bundle, python):
    result = run_in(bundle, python, "exercise1", "--seed", "999999999")
    assert result.returncode == 2
    assert "--seed 999999999 is not one of them" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", [["all", "--solutions"], ["summary"], ["notebook", "--solutions", "--out", "solved.ipynb"]])
def test_commands_that_need_the_solutions_say_the_bundle_has_none(bundle, python, command):
    result = run_in(bundle, python, *command)
    assert result.returncode == 2
    assert re.search(r"no reference solutions|leaves `solutions/` out", result.stdout + result.stderr)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
def test_classroom_workflow_grades_and_writes_the_job_summary(bundle, python, tmp_path, repo_root):
    workflow = (bundle / ".github" / "workflows" / "grade.yml").read_text()
    steps = dict(re.findall(r"- name: (.+)\n\s+(?:if: .+\n\s+)?run: (.+)", workflow))
    assert steps["Install the course package"] == "python -m pip install ."
    grade = steps["Grade"]
    assert grade.startswith("python -m grader all --format json --junit report.xml")
    student_repo = tmp_path / "student-repo"
    shutil.copytree(bundle, student_repo)
    shutil.copy(repo_root / "solutions" / "unet.py", student_repo / "exercises" / "unet.py")
    summary = tmp_path / "step_summary.md"
    env = {**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_STEP_SUMMARY": str(summary)}
    env.pop("PYTHONPATH", None)
    for step in (grade, steps["Show the score in the job summary"]):
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step], cwd=student_repo, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
    assert json.loads((student_repo / "grade.json").read_text())["score"] > 0
    assert "<testsuite" in (student_repo / "report.xml").read_text()
    assert "(100%)" in summary.read_text().splitlines()[0]


SCORES = {"right": 36, "wrong upsampling_block": 24, "wrong conv_block": 22}


@pytest.mark.slow
@pytest.mark.parametrize("mistake", list(SCORES))
def test_a_file_scores_the_same_in_the_bundle_as_in_the_full_package(bundle, python, tmp_path, repo_root,
                                                                       pool_seed, mistake, warm_grader):
    """exercise3 is graded with the reference blocks in the bundle too (rebuilt from the stored recipes), so a
    wrong block costs its own exercise and exercise3's dependencies check only, as in the full package."""
    work = tmp_path / "unet.py"
    work.write_text(course_file((repo_root / "solutions" / "unet.py").read_text(), mistake))
    args = ["all", "--source", str(work), "--seed", str(pool_seed), "--format", "json"]
    in_bundle, in_package = run_in(bundle, python, *args), grade_in(warm_grader, *args)
    assert in_bundle.returncode == in_package.returncode, in_bundle.stderr + in_package.stderr
    bundle_report, package_report = json.loads(in_bundle.stdout), json.loads(in_package.stdout)
    assert bundle_report["score"] == package_report["score"] == SCORES[mistake]
    assert bundle_report["exercises"] == package_report["exercises"]  # the same checks, statuses and words
    failed = [name for name, status in checks_of(bundle_report) if status == "failed"]
    if mistake != "right":
        block = mistake.split()[1]
        assert failed and all(name.startswith(f"exercise{1 if block == 'conv_block' else 2} ({block})")
                              or name.startswith("exercise3 (unet_model): dependencies") for name in failed), failed
        dependencies = bundle_report["exercises"][2]["checks"][-1]["message"]
        assert f"the fault comes from exercise{1 if block == 'conv_block' else 2} ({block})" in dependencies


@pytest.mark.slow
def test_student_code_cannot_read_the_stored_recipes_while_its_model_is_graded(bundle, python, tmp_path, repo_root):
    reference = (repo_root / "solutions" / "unet.py").read_text()
    reader = ("    import grader, pathlib\n"
              "    print(len((pathlib.Path(grader.__file__).parent / 'expectations.json').read_text()))\n")
    work = tmp_path / "peek.py"
    work.write_text(reference.replace("    inputs = Input(input_size)\n", reader + "    inputs = Input(input_size)\n"))
    result = run_in(bundle, python, "exercise3", "--source", str(work), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    checks = json.loads(result.stdout)["exercises"][0]["checks"]
    assert all(check["score"] == 0 for check in checks)
    assert checks[0]["message"].startswith("Your code tried to reach the reference answers (`open "), checks[0]


def test_release_refuses_a_folder_that_holds_files_and_leaves_it_alone(tmp_path, repo_root):
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = run_grader("release", str(out), cwd=repo_root)
    assert result.returncode == 2
    assert "exists and is not an empty folder" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["bundle"]
    assert [path.name for path in out.iterdir()] == ["notes.txt"]


def test_release_with_solution_code_in_a_copied_file_writes_nothing(tmp_path, monkeypatch):
    from grader.instructor import release

    leaky_root = tmp_path / "checkout"
    shutil.copytree(release.checkout_root(), leaky_root,
                    ignore=shutil.ignore_patterns(".venv", ".git", "data", "tests", "bench", "*.egg-info",
                                                  "__pycache__", ".hypothesis", ".pytest_cache", "runs"))
    reference = (leaky_root / "solutions" / "unet.py").read_text()
    body = reference[reference.index("    up = Conv2DTranspose"):reference.index("    return conv\n")]
    with open(leaky_root / "segmentation" / "__init__.py", "a") as handle:
        handle.write("\n# a helper someone pasted:\n" + "\n".join(f"# {line}" for line in body.splitlines()))
    monkeypatch.setattr(release, "checkout_root", lambda: leaky_root)
    out = tmp_path / "bundle"
    with pytest.raises(release.ReleaseError, match=r"segmentation/__init__.py: up=Conv2DTranspose"):
        release.make_release(out, write_expectations=lambda bundle: None, log=lambda line: None)
    assert not out.exists() and not (tmp_path / ".bundle.partial").exists()


@pytest.mark.slow
def test_training_pre_check_grades_in_the_bundle(bundle, python):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    probe = ("from grader.runner.precheck import grade_report; code, report = grade_report(); "
             "print(code, report['score'], report['max_score'] > 0)")
    result = subprocess.run([str(python), "-c", probe], cwd=bundle, capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.stdout.split() == ["1", "0", "True"], result.stdout + result.stderr
