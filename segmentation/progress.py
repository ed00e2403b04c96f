"""What the user sees while training: a progress bar per epoch and one summary line per epoch.

On a terminal the bar redraws itself in place (`\\r`); in a log file (not a
terminal) only the summary lines appear, so logs stay readable. A summary line:

    epoch  3/40  loss 0.812  accuracy 0.734 | validation: accuracy 0.701  mean IoU 0.312 | 45.2 images/s, 12.3 s

Images per second count the training images of the epoch over the time spent
training them (validation excluded).
"""
import sys
import time

from segmentation.quiet_tf import import_tensorflow
from segmentation.terminal import can_redraw

import_tensorflow()

import keras  # noqa: E402

BAR_WIDTH = 30


def summary_line(epoch, epochs, row):
    """The one-line summary of an epoch from its history row."""
    text = f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {row['loss']:.4f}  accuracy {row['accuracy']:.3f}"
    if row.get("val_accuracy") is not None:
        text += (f" | validation: accuracy {row['val_accuracy']:.3f}  "
                 f"mean IoU {row['val_mean_iou']:.3f}")
    return text + f" | {row['images_per_second']:.1f} images/s, {row['seconds']:.1f} s"


class EpochReporter(keras.callbacks.Callback):
    """Draws the per-epoch bar, times the epoch and turns Keras logs into history rows.

    Arguments:
        n_train_images: images in the training split (for images per second).
        epochs: the total number of epochs of the run.
        on_row: called with each finished epoch's history row (a dict), after the
            summary line is printed.
        stream: where to write (default sys.stdout).
        stop: a `segmentation.interrupts.StopRequest`, or None. Once it is requested,
            training (or the epoch's validation) ends after the current batch, and
            that unfinished epoch gets neither a summary line nor a row.
    """

    def __init__(self, n_train_images, epochs, on_row, stream=None, stop=None):
        super().__init__()
        self.n_train_images = n_train_images
        self.epochs = epochs
        self.on_row = on_row
        self.stop = stop
        self.stream = stream or sys.stdout
        self.dynamic = can_redraw(self.stream)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1
        self.started = time.perf_counter()
        self.training_seconds = None
        self.steps = self.params.get("steps") or 0
        self.cut_short = False
        self._draw(0)

    def on_train_batch_end(self, batch, logs=None):
        self._draw(batch + 1, logs)
        self._stop_if_requested()

    def on_test_batch_end(self, batch, logs=None):
        self._stop_if_requested()

    def on_test_begin(self, logs=None):
        if self.training_seconds is None:
            self.training_seconds = time.perf_counter() - self.started
        if self.dynamic:
            self.stream.write(f"\r{self._prefix()} validating ...".ljust(100))
            self.stream.flush()

    def on_epoch_end(self, epoch, logs=None):
        if self.cut_short:  # Keras still ends the epoch it broke out of: it is not finished
            if self.dynamic:
                self.stream.write("\r" + " " * 100 + "\r")
            return
        logs = logs or {}
        total = time.perf_counter() - self.started
        training = self.training_seconds if self.training_seconds is not None else total
        row = {"epoch": epoch + 1}
        for key in ("loss", "accuracy", "mean_iou", "val_loss", "val_accuracy", "val_mean_iou"):
            row[key] = round(float(logs[key]), 6) if key in logs else None
        row["seconds"] = round(total, 3)
        row["images_per_second"] = round(self.n_train_images / training, 2) if training > 0 else None
        if self.dynamic:
            self.stream.write("\r" + " " * 100 + "\r")
        self.stream.write(summary_line(epoch + 1, self.epochs, row) + "\n")
        self.stream.flush()
        self.on_row(row)

    def _stop_if_requested(self):
        """After a batch: end the epoch, its validation and `fit` if a stop is requested."""
        if self.stop is not None and self.stop.requested:
            self.cut_short = True
            self.model.stop_training = True
            self.model.stop_evaluating = True

    def _prefix(self):
        return f"epoch {self.epoch:>{len(str(self.epochs))}}/{self.epochs}"

    def _draw(self, done, logs=None):
        """Redraw the bar (terminal only)."""
        if not self.dynamic:
            return
        steps = max(self.steps, done, 1)
        filled = int(BAR_WIDTH * done / steps)
        bar = "=" * filled + (">" if filled < BAR_WIDTH else "") + "." * (BAR_WIDTH - filled - 1)
        loss = f"  loss {float(logs['loss']):.4f}" if logs and "loss" in logs else ""
        self.stream.write(f"\r{self._prefix()} [{bar[:BAR_WIDTH]}] {done}/{steps} batches{loss}".ljust(100))
        self.stream.flush()
