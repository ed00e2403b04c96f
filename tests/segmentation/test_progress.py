"""The per-epoch progress bar (terminals only) and the one-line epoch summary."""
import io
import os
import signal

import keras
import numpy as np
import pytest

from segmentation.interrupts import StopRequest
from segmentation.progress import EpochReporter, summary_line

LOGS = {"loss": 0.8123, "accuracy": 0.7341, "mean_iou": 0.2, "val_loss": 0.9,
        "val_accuracy": 0.7012, "val_mean_iou": 0.3121}


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def a_terminal_that_redraws(monkeypatch):
    """TERM as a terminal that redraws has it (TERM=dumb cannot: see segmentation/terminal.py)."""
    monkeypatch.setenv("TERM", "xterm")


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


def test_first_ctrl_c_asks_for_a_stop_the_second_stops_at_once():
    stop = StopRequest()
    with pytest.raises(KeyboardInterrupt):
        with stop.listening():
            os.kill(os.getpid(), signal.SIGINT)
            assert stop.requested
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class CtrlCAt(keras.callbacks.Callback):
    """Presses Ctrl-C (a real SIGINT) after training batch `batch` of epoch `epoch`, or in validation."""

    def __init__(self, epoch, batch=None, in_validation=False):
        super().__init__()
        self.epoch, self.batch, self.in_validation, self.batches = epoch, batch, in_validation, []

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append((self.current, batch))
        if self.current == self.epoch and batch == self.batch:
            os.kill(os.getpid(), signal.SIGINT)

    def on_test_batch_end(self, batch, logs=None):
        if self.current == self.epoch and self.in_validation and batch == 0:
            os.kill(os.getpid(), signal.SIGINT)


def mean_iou(y_true, y_pred):
    """A stand-in metric under the name the reporter prints."""
    return keras.ops.mean(y_pred * 0.0)


def fit_with(ctrl_c):
    """Fit a one-layer model 4 epochs of 4 batches, Ctrl-C pressed by `ctrl_c`; the reporter's rows."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy", mean_iou])
    x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
    rows, log = [], io.StringIO()
    with StopRequest().listening() as stop:
        model.fit(x, y, batch_size=2, epochs=4, validation_data=(x, y), verbose=0,
                  callbacks=[ctrl_c, EpochReporter(8, 4, rows.append, stream=log, stop=stop)])
    assert stop.requested
    return rows, log.getvalue()


def test_ctrl_c_in_training_ends_fit_after_that_batch_and_drops_the_unfinished_epoch():
    ctrl_c = CtrlCAt(epoch=1, batch=1)
    rows, log = fit_with(ctrl_c)
    assert ctrl_c.batches == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1)]
    assert [row["epoch"] for row in rows] == [1]
    assert log.count("\n") == 1 and log.startswith("epoch 1/4")


def test_ctrl_c_in_validation_drops_that_epoch_and_starts_no_other():
    ctrl_c = CtrlCAt(epoch=2, in_validation=True)
    rows, _ = fit_with(ctrl_c)
    assert [row["epoch"] for row in rows] == [1, 2]
    assert max(epoch for epoch, _ in ctrl_c.batches) == 2
