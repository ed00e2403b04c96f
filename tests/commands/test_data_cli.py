"""`python -m grader data check|synth` as a user sees it: output, messages, exit codes."""
from datafiles import copy_dataset, set_mask_id, truncate
from grading_helpers import run_grader


def test_check_real_lyft_frames(lyft_dir, repo_root):
    result = run_grader("data", "check", str(lyft_dir), cwd=repo_root)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Pairs: 10 usable, 0 file(s) left out" in out
    assert "Lyft-Udacity" in out and "13 in the lyft table, 13 present" in out
    assert "Roads" in out and "%" in out
    assert "Usable: 10 pairs, lyft layout, 13 classes." in out
    assert result.stderr == ""


def test_check_corrupted_copy_names_each_file_and_strict_fails(lyft_dir, repo_root, tmp_path):
    root = copy_dataset(lyft_dir, tmp_path / "lyft")
    (root / "CameraSeg" / "nikolasent_val_1.png").unlink()
    truncate(root / "CameraSeg" / "bakamoridesu_101.png")
    set_mask_id(root / "CameraSeg" / "bakamoridesu_102.png", 200)
    result = run_grader("data", "check", str(root), cwd=repo_root)
    assert result.returncode == 0, result.stderr
    left_out = result.stdout.split("Files left out:")[1].strip().splitlines()[:3]
    assert [line.split(":")[0].strip() for line in left_out] == [
        "CameraRGB/nikolasent_val_1.png", "CameraSeg/bakamoridesu_101.png",
        "CameraSeg/bakamoridesu_102.png"]
    assert "Pairs: 7 usable, 3 file(s) left out" in result.stdout

    strict = run_grader("data", "check", str(root), "--strict", cwd=repo_root)
    assert strict.returncode == 1
    assert "strict" in strict.stderr and "bakamoridesu_102.png" in strict.stderr
    assert "Traceback" not in strict.stdout + strict.stderr


def test_check_missing_folder_is_exit_1_with_a_clear_message(tmp_path, repo_root):
    result = run_grader("data", "check", str(tmp_path / "nope"), "--layout", "course", cwd=repo_root)
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "CameraMask" in result.stderr
    assert "Traceback" not in result.stderr


def test_synth_writes_a_checkable_synthetic_sample(tmp_path, repo_root):
    out = tmp_path / "sample"
    result = run_grader("data", "synth", "--out", str(out), "-n", "2", "--seed", "3", cwd=repo_root)
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout and "not real CARLA" in result.stdout
    assert len(list((out / "CameraRGB").glob("*.png"))) == 2
    check = run_grader("data", "check", str(out), cwd=repo_root)
    assert check.returncode == 0 and "SYNTHETIC" in check.stdout and "course" in check.stdout


def test_synth_refuses_a_folder_with_other_content_and_bad_arguments(tmp_path, repo_root):
    (tmp_path / "mine.txt").write_text("keep me")
    result = run_grader("data", "synth", "--out", str(tmp_path), "-n", "1", cwd=repo_root)
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    assert run_grader("data", "synth", "--out", str(tmp_path / "x"), "-n", "0",
                      cwd=repo_root).returncode == 2
    assert run_grader("data", cwd=repo_root).returncode == 2
    assert run_grader("data", "check", str(tmp_path), "--layout", "kitti",
                      cwd=repo_root).returncode == 2
