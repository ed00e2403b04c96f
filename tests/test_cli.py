"""What a user sees from `python -m grader` at the package level."""
import os
import subprocess
import sys


def run_grader(*args, cwd=None):
    """Run `python -m grader ARGS` in a child process; return the completed process."""
    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the tool must quiet TensorFlow by itself
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, env=env)


def test_demo_prints_reference_summary_without_noise(repo_root):
    result = run_grader("demo", cwd=repo_root)
    assert result.returncode == 0, result.stderr
    assert "8,640,471 parameters" in result.stdout
    assert result.stderr == ""


def test_no_subcommand_is_a_usage_error(repo_root):
    result = run_grader(cwd=repo_root)
    assert result.returncode == 2
    assert "usage" in result.stdout.lower()


def test_summary_of_untouched_exercises_says_not_implemented(repo_root):
    result = run_grader("summary", "--model", "exercises", cwd=repo_root)
    assert result.returncode == 1
    assert "not implemented yet" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
