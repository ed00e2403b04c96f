"""The per-epoch progress bar (terminals only) and the one-line epoch summary."""
import io

from segmentation.progress import EpochReporter, summary_line

LOGS = {"loss": 0.8123, "accuracy": 0.7341, "mean_iou": 0.2, "val_loss": 0.9,
        "val_accuracy": 0.7012, "val_mean_iou": 0.3121}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_one_epoch(stream):
    rows = []
    reporter = EpochReporter(n_train_images=64, epochs=40, on_row=rows.append, stream=stream)
    reporter.set_params({"steps": 4, "epochs": 40})
    reporter.on_epoch_begin(2)
    for step in range(4):
        reporter.on_train_batch_end(step, {"loss": 1.0 - step / 10})
    reporter.on_test_begin()
    reporter.on_epoch_end(2, LOGS)
    return rows


def test_terminal_gets_a_redrawn_bar_then_the_summary():
    terminal = Terminal()
    rows = run_one_epoch(terminal)
    text = terminal.getvalue()
    assert "\repoch  3/40 [" in text and "2/4 batches" in text and "4/4 batches" in text
    assert "[" + "=" * 30 + "]" in text
    assert text.endswith(summary_line(3, 40, rows[0]) + "\n")


def test_log_file_gets_only_the_summary_lines():
    log = io.StringIO()
    rows = run_one_epoch(log)
    assert log.getvalue() == summary_line(3, 40, rows[0]) + "\n"
    line = log.getvalue()
    assert line.startswith("epoch  3/40  loss 0.8123  accuracy 0.734 | validation: accuracy 0.701  mean IoU 0.312 |")
    assert "images/s" in line


def test_history_row_holds_every_logged_number_and_the_speed():
    row = run_one_epoch(io.StringIO())[0]
    assert row["epoch"] == 3 and row["val_mean_iou"] == 0.3121
    assert row["images_per_second"] > 0 and row["seconds"] >= 0


def test_summary_without_validation():
    row = {"loss": 1.0, "accuracy": 0.5, "val_accuracy": None, "images_per_second": 10.0, "seconds": 6.4}
    assert summary_line(1, 5, row) == "epoch 1/5  loss 1.0000  accuracy 0.500 | 10.0 images/s, 6.4 s"
