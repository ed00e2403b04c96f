"""What a user sees from `python -m grader` at the package level."""
import pytest

from grading_helpers import grade, run_grader

# The demo trains the full U-Net for 15 epochs: about 90 s alone on 2 cores, about 300 s in `make test`, where
# two test processes and the portable modes share the cores. Its limit only guards against a hang.
DEMO_LIMIT_S = 600


@pytest.mark.slow
@pytest.mark.starts_first
def test_demo_grades_the_reference_trains_it_and_shows_the_pictures(repo_root, tmp_path):
    run_dir = tmp_path / "demo"
    result = grade("demo", "--out", str(run_dir), cwd=repo_root, timeout=DEMO_LIMIT_S)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "36/36 (100%)" in result.stdout  # step 1: the reference passes its grader
    assert "8,640,471 parameters" in result.stdout and "SYNTHETIC" in result.stdout
    assert "epoch 15/15" in result.stdout  # step 2: --quick training
    for picture in ("predictions.png", "accuracy.png", "iou.png", "confusion.png"):
        assert str(run_dir / picture) in result.stdout  # step 3: where the pictures are
        assert (run_dir / picture).stat().st_size > 10_000


def test_no_subcommand_is_a_usage_error(repo_root):
    result = run_grader(cwd=repo_root)
    assert result.returncode == 2
    assert "usage" in result.stdout.lower()


def test_summary_of_untouched_exercises_says_not_implemented(repo_root):
    result = run_grader("summary", "--model", "exercises", cwd=repo_root)
    assert result.returncode == 1
    assert "not implemented yet" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
