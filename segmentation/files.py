"""Writing result files so that a half-written file never looks complete.

Every output goes first to a hidden temporary name beside its final name
(`.NAME.partial.EXT`, keeping the extension that Keras and Matplotlib look at),
then is moved into place with `os.replace`, which is atomic on one file system.
If writing fails (a full disk, no permission, Ctrl-C) the temporary file is
removed and the previous version of the file, if any, is left untouched.
"""
import contextlib
import csv
import errno
import io
import json
import os
import re
from pathlib import Path

from segmentation.errors import UsageError


class OutputError(UsageError):
    """A result file could not be written; the message says which and what to do."""


def describe_write_error(error, path):
    """A one-paragraph message for an OSError raised while writing `path`."""
    if error.errno == errno.ENOSPC:
        return (f"The disk is full: could not write {path}. Free some space or choose another "
                f"output folder (--out), then run the command again. No partial file was left behind.")
    if error.errno == errno.EROFS:
        return (f"The file system is read-only: could not write {path}. Make it writable again or choose "
                f"another output folder (--out). No partial file was left behind.")
    if error.errno in (errno.EACCES, errno.EPERM):
        return (f"Permission denied: could not write {path}. Choose an output folder you can "
                f"write to (--out). No partial file was left behind.")
    return f"Could not write {path}: {error.strerror or error}. No partial file was left behind."


def partial_path(path):
    """The hidden temporary name used while `path` is being written."""
    path = Path(path)
    return path.with_name(f".{path.stem}.partial{path.suffix}")


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path to write; move it to `path` only if the block succeeds.

    Raises:
        OutputError: the block (or the final move) failed with an OSError.
    """
    path = Path(path)
    temporary = partial_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        remove_quietly(temporary)
        raise OutputError(describe_write_error(error, path)) from error
    except BaseException:
        remove_quietly(temporary)
        raise


def fsync_folder(folder):
    """Flush `folder`'s entries (a new or renamed file's name) to the disk, where the system allows.

    Windows cannot open a folder for this; there a rename is durable on its own.
    """
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def remove_quietly(path):
    """Delete `path` if it exists; ignore failures (we are already handling one)."""
    try:
        os.remove(path)
    except OSError:
        pass


def write_text(path, text):
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    fsync_folder(Path(path).parent)


def write_json(path, data):
    """Write `data` as indented JSON to `path` atomically; lists of numbers stay on one line."""
    write_text(path, _one_line_number_lists(json.dumps(data, indent=2)) + "\n")


def _one_line_number_lists(text):
    """Put each JSON list holding only numbers on one line (a confusion matrix row, a size)."""
    return re.sub(r"\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]",
                  lambda match: "[" + ", ".join(part.strip() for part in match.group(1).split(",")) + "]",
                  text)


def read_json(path):
    """Read a JSON file written by `write_json`."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_csv(path, rows, columns):
    """Write a list of dicts as CSV with the given column order, atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(path, buffer.getvalue())


def read_csv(path):
    """Read a CSV written by `write_csv` into a list of dicts of floats (empty cells -> None)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [{key: (float(value) if value not in ("", None) else None) for key, value in row.items()}
                for row in csv.DictReader(handle)]
