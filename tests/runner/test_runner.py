"""`train`, `evaluate`, `predict`: the files, messages and exit codes a user gets.

Everything runs in this process through `grader.cli.main` on a tiny dataset
(8 scenes of 32x32) with a 2-filter reference U-Net, so each training takes seconds.
Ctrl-C and --resume (a real SIGINT to a child process) are in test_runner_interrupt.py.
"""
import contextlib
import csv
import io
import errno
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from grader.cli import main
from segmentation import checkpoints
from tiny_data import write_tiny_dataset

TINY = ["--model", "solutions", "--image-size", "32x32", "--filters", "2", "--batch-size", "4",
        "--precision", "float32"]
RUN_FILES = {"model.keras", "history.csv", "metrics.json", "accuracy.png", "predictions.png",
             "iou.png", "confusion.png", "split.json", "run.json"}


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    return write_tiny_dataset(tmp_path_factory.mktemp("data") / "tiny")


@pytest.fixture(scope="module")
def finished_run_and_output(tiny_data, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("runs") / "run"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["train", "--data", str(tiny_data), "--epochs", "3", "--out", str(run_dir), *TINY])
    assert code == 0
    return run_dir, printed.getvalue()


@pytest.fixture
def finished_run(finished_run_and_output):
    return finished_run_and_output[0]


def read_history(run_dir):
    with open(run_dir / "history.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_train_writes_every_result_file(finished_run):
    assert {path.name for path in finished_run.iterdir()} == RUN_FILES  # no checkpoint, no partials
    history = read_history(finished_run)
    assert [row["epoch"] for row in history] == ["1", "2", "3"]
    assert set(history[0]) >= {"loss", "accuracy", "val_accuracy", "val_mean_iou", "images_per_second"}
    assert float(history[2]["loss"]) < float(history[0]["loss"])  # it learns
    metrics = json.loads((finished_run / "metrics.json").read_text())
    assert metrics["split"] == "validation" and 0 <= metrics["pixel_accuracy"] <= 1
    assert len(metrics["per_class"]) == 23
    assert metrics["per_class"][4]["iou"] is None  # no pedestrians in the tiny scenes
    run = json.loads((finished_run / "run.json").read_text())
    assert run["status"] == "finished" and run["epochs_done"] == 3
    assert run["settings"]["epochs"] == 3 and run["seed"] == 0
    assert os.path.isabs(run["settings"]["data"])  # so --resume works from any folder
    assert run["precision_policy"] == "float32" and "tensorflow" in run["versions"]
    assert run["durations"]["training_s"] > 0
    split = json.loads((finished_run / "split.json").read_text())
    assert split["counts"] == {"train": 6, "validation": 1, "test": 1}


@pytest.mark.slow
def test_train_prints_a_summary_line_per_epoch(finished_run_and_output):
    run_dir, out = finished_run_and_output
    for epoch in (1, 2, 3):
        line = next(line for line in out.splitlines() if line.startswith(f"epoch {epoch}/3"))
        assert "loss" in line and "validation: accuracy" in line and "mean IoU" in line
        assert "images/s" in line
    assert f"Run folder: {run_dir}" in out
    assert str(run_dir / "predictions.png") in out and str(run_dir / "accuracy.png") in out


@pytest.mark.slow
def test_mixed_precision_on_the_mirrored_strategy_then_evaluate_and_predict(tiny_data, tmp_path):
    run_dir = tmp_path / "mixed"
    assert main(["train", "--data", str(tiny_data), "--epochs", "1", "--out", str(run_dir),
                 "--strategy", "mirrored", *TINY[:-2], "--precision", "mixed"]) == 0
    run = json.loads((run_dir / "run.json").read_text())
    assert run["precision_policy"] == "mixed_bfloat16" and run["settings"]["strategy"] == "mirrored"
    model = str(run_dir / "model.keras")
    assert main(["evaluate", model, "--data", str(tiny_data), "--out", str(tmp_path / "e")]) == 0
    image = str(tiny_data / "CameraRGB" / "scene_01.png")
    assert main(["predict", model, image, "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "scene_01_overlay.png").is_file()


@pytest.mark.slow
def test_source_file_is_trained(tiny_data, tmp_path, repo_root, monkeypatch):
    source = tmp_path / "my_unet.py"
    source.write_text((repo_root / "solutions" / "unet.py").read_text())
    monkeypatch.setattr("grader.runner.precheck.grade_report",
                        lambda source: (0, {"score": 36, "max_score": 36, "exercises": []}))
    run_dir = tmp_path / "src"
    args = [a for a in TINY if a not in ("--model", "solutions")]
    assert main(["train", "--data", str(tiny_data), "--epochs", "1", "--source", str(source),
                 "--out", str(run_dir), *args]) == 0
    assert json.loads((run_dir / "run.json").read_text())["settings"]["source"] == str(source)


@pytest.mark.slow
def test_untouched_exercises_stop_before_training(tiny_data, tmp_path, capsys, monkeypatch):
    report = {"score": 0, "max_score": 36, "exercises": [{"function": "conv_block", "checks": [
        {"name": "structure: course configuration 1", "status": "error",
         "message": "conv_block is not implemented yet"}]}]}
    monkeypatch.setattr("grader.runner.precheck.grade_report", lambda source: (1, report))
    code = main(["train", "--data", str(tiny_data), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1
    assert "conv_block is not implemented yet" in err and "python -m grader all" in err
    assert not (tmp_path / "r").exists()


def test_missing_data_folder_is_named(tmp_path, capsys):
    code = main(["train", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r"), *TINY])
    err = capsys.readouterr().err
    assert code == 1 and str(tmp_path / "nowhere") in err and "Traceback" not in err


def test_empty_data_folder_is_named(tmp_path, capsys):
    (tmp_path / "empty" / "CameraRGB").mkdir(parents=True)
    (tmp_path / "empty" / "CameraMask").mkdir()
    code = main(["train", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "r"), *TINY])
    err = capsys.readouterr().err
    assert code == 1 and "no PNG files" in err


@pytest.mark.slow
def test_out_folder_holding_a_run_is_refused(tiny_data, finished_run, capsys):
    code = main(["train", "--data", str(tiny_data), "--out", str(finished_run), *TINY])
    assert code == 2 and "already holds a training run" in capsys.readouterr().err


def test_resume_without_checkpoint_says_so(tmp_path, capsys):
    code = main(["train", "--resume", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "no checkpoint" in err and "nothing to resume" in err


def test_resume_with_damaged_run_record_says_so(tmp_path, capsys):
    (tmp_path / "run.json").write_text("{half a record")
    code = main(["train", "--resume", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "run.json is damaged" in err and "Traceback" not in err


@pytest.mark.slow
def test_resume_of_finished_run_says_it_is_finished(finished_run, capsys):
    code = main(["train", "--resume", str(finished_run)])
    assert code == 2 and "finished all its epochs" in capsys.readouterr().err


@pytest.mark.slow
def test_resume_refuses_new_settings(finished_run, capsys):
    code = main(["train", "--resume", str(finished_run), "--epochs", "9"])
    assert code == 2 and "leave out --epochs" in capsys.readouterr().err


@pytest.mark.slow
def test_full_disk_while_writing_results(tiny_data, tmp_path, capsys, monkeypatch):
    import segmentation.files as files

    real_write_text = files.write_text

    def full_disk_for_metrics(path, text):
        if str(path).endswith("metrics.json"):
            with files.atomic_path(path) as temporary:
                temporary.write_text(text[:10])
                raise OSError(errno.ENOSPC, "No space left on device")
        real_write_text(path, text)

    monkeypatch.setattr(files, "write_text", full_disk_for_metrics)
    run_dir = tmp_path / "full"
    code = main(["train", "--data", str(tiny_data), "--epochs", "1", "--out", str(run_dir), *TINY])
    err = capsys.readouterr().err
    assert code == 2 and "disk is full" in err and "metrics.json" in err
    assert not (run_dir / "metrics.json").exists()
    assert not [name for name in os.listdir(run_dir) if "partial" in name]
    assert checkpoints.read_checkpoint_state(run_dir)["epochs_done"] == 1  # resumable


# ---- evaluate ----------------------------------------------------------------------------

@pytest.mark.slow
def test_evaluate_writes_metrics_and_pictures(finished_run, tiny_data, tmp_path, capsys):
    out_dir = tmp_path / "eval"
    code = main(["evaluate", str(finished_run / "model.keras"), "--data", str(tiny_data),
                 "--out", str(out_dir)])
    assert code == 0
    assert {p.name for p in out_dir.iterdir()} == {"metrics.json", "predictions.png", "iou.png", "confusion.png"}
    metrics = json.loads((out_dir / "metrics.json").read_text())
    trained = json.loads((finished_run / "metrics.json").read_text())
    assert metrics["images"] == 1 and "split.json" in metrics["split_from"]
    assert metrics["confusion_matrix"] == trained["confusion_matrix"]  # same model, same images
    assert "pixel accuracy" in capsys.readouterr().out


@pytest.mark.slow
def test_evaluate_all_split_counts_every_image(finished_run, tiny_data, tmp_path):
    out_dir = tmp_path / "all"
    assert main(["evaluate", str(finished_run / "model.keras"), "--data", str(tiny_data),
                 "--split", "all", "--out", str(out_dir)]) == 0
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["images"] == 8 and metrics["pixels"] == 8 * 32 * 32


@pytest.mark.slow
def test_evaluate_refuses_a_file_that_is_not_a_model(tiny_data, tmp_path, capsys):
    fake = tmp_path / "model.keras"
    fake.write_text("this is not a model")
    code = main(["evaluate", str(fake), "--data", str(tiny_data), "--out", str(tmp_path / "e")])
    err = capsys.readouterr().err
    assert code == 1 and "is not a Keras model file" in err and "Traceback" not in err
    assert not (tmp_path / "e").exists()


@pytest.mark.slow
def test_evaluate_refuses_data_with_other_classes(finished_run, lyft_dir, tmp_path, capsys):
    code = main(["evaluate", str(finished_run / "model.keras"), "--data", str(lyft_dir),
                 "--out", str(tmp_path / "e")])
    err = capsys.readouterr().err
    assert code == 1 and "predicts 23 classes" in err and "13 classes" in err


# ---- predict -----------------------------------------------------------------------------

@pytest.mark.slow
def test_predict_writes_mask_and_overlay_at_image_size(finished_run, tmp_path, capsys):
    photo = tmp_path / "street.png"
    Image.fromarray(np.full((96, 96, 3), 128, np.uint8)).save(photo)
    out_dir = tmp_path / "pred"
    assert main(["predict", str(finished_run / "model.keras"), str(photo), "--out", str(out_dir)]) == 0
    assert {p.name for p in out_dir.iterdir()} == {"street_mask.png", "street_overlay.png"}
    for name in ("street_mask.png", "street_overlay.png"):
        with Image.open(out_dir / name) as picture:
            assert picture.size == (96, 96) and picture.mode == "RGB"


@pytest.mark.slow
def test_predict_names_and_skips_files_that_are_not_images(finished_run, tiny_data, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    wide = tmp_path / "wide.png"
    Image.fromarray(np.zeros((40, 200, 3), np.uint8)).save(wide)
    good = tiny_data / "CameraRGB" / "scene_00.png"
    out_dir = tmp_path / "pred"
    code = main(["predict", str(finished_run / "model.keras"), str(notes), str(wide), str(good),
                 "--out", str(out_dir)])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{notes}: not an image file; skipped." in captured.err
    assert f"{wide}: the image is 40x200" in captured.err and "Crop it" in captured.err
    assert "skipped 2 file(s)" in captured.out
    assert {p.name for p in out_dir.iterdir()} == {"scene_00_mask.png", "scene_00_overlay.png"}


@pytest.mark.slow
def test_predict_from_a_fresh_process_prints_only_our_messages(finished_run, tiny_data, tmp_path,
                                                              repo_root):
    """In a new process TensorFlow's start-up noise must not reach the user either."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    image = tiny_data / "CameraRGB" / "scene_02.png"
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-m", "grader", "predict", str(finished_run / "model.keras"),
                             str(notes), str(image), "--out", str(tmp_path / "p")],
                            capture_output=True, text=True, cwd=repo_root, env=env, timeout=300)
    assert result.returncode == 1
    assert result.stderr == f"{notes}: not an image file; skipped.\n"
    assert "scene_02_mask.png" in result.stdout


def test_predict_refuses_a_file_that_is_not_a_model(tmp_path, capsys):
    fake = tmp_path / "m.keras"
    fake.write_bytes(b"PK\x03\x04 broken zip")
    code = main(["predict", str(fake), str(fake), "--out", str(tmp_path / "p")])
    assert code == 1 and "is not a Keras model file" in capsys.readouterr().err
