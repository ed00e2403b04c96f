"""Writing into a class run's output folder so that nothing half-written ever looks complete.

Every file goes first to a hidden temporary name beside its final name
(`.NAME.partial.EXT`, in the same folder, so on the same file system), is flushed to
disk, and only then moved into place with `os.replace`. Files that belong together (the
gradebook's CSV and JSON, a student's two feedback files) are all written before any of
them is moved. When writing fails (a full disk, no permission, a read-only folder), the
temporaries are removed, and so are the earlier versions of the files of that batch:
they no longer match this run, so none of them is left looking complete. The failure is
an OutputFolderError, whose message names the folder and says what to do.
"""
import errno
import os
from pathlib import Path

from segmentation.errors import UsageError
from segmentation.files import partial_path, remove_quietly

PROBE_NAME = ".write-test.partial"


class OutputFolderError(UsageError):
    """The class's output folder cannot be written; the message names it and says what to do."""


def failure_message(error, folder, names=()):
    """The user's message for an OSError met while writing `names` (file names) into `folder`."""
    what = f"{', '.join(names)} in {folder}" if names else f"into {folder}"
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        cause = "the disk is full (or your quota is used up)"
        advice = "Free some space or choose another output folder, then run the command again."
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        cause = "permission denied" if error.errno != errno.EROFS else "the file system is read-only"
        advice = "Choose an output folder you can write to, then run the command again."
    else:
        cause = (error.strerror or str(error)).lower()
        advice = "Check the folder (or choose another one), then run the command again."
    return f"Cannot write {what}: {cause}. {advice} Nothing incomplete was left there."


def check_output_folder(folder):
    """Create `folder` if needed and make sure a file can be written in it; return it as a Path.

    Call it before grading anything, so that an unusable folder is said at once, not
    after an hour of grading.

    Raises:
        OutputFolderError: the folder cannot be created or written to.
    """
    folder = Path(folder)
    probe = folder / PROBE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"ok")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise OutputFolderError(failure_message(error, folder)) from error
    finally:
        remove_quietly(probe)
    return folder


def write_together(folder, files):
    """Write `files` ({name relative to `folder`: str or bytes}) so that all of them appear or none.

    Text is written as UTF-8, exactly as given (no newline translation). Returns the
    final paths, in the order given.

    Raises:
        OutputFolderError: a file could not be written; none of `files` is left behind
            (earlier versions of them are removed too).
    """
    folder = Path(folder)
    targets = [folder / name for name in files]
    temporaries = [partial_path(target) for target in targets]
    replacing = False
    try:
        for target, temporary, content in zip(targets, temporaries, files.values()):
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
                handle.flush()
                os.fsync(handle.fileno())
        replacing = True
        for target, temporary in zip(targets, temporaries):
            os.replace(temporary, target)
    except OSError as error:
        for path in temporaries + targets:
            remove_quietly(path)
        raise OutputFolderError(failure_message(error, folder, [str(name) for name in files])) from error
    except BaseException:  # Ctrl-C: a batch moved only in part would mix this run's files with older ones
        for path in temporaries + (targets if replacing else []):
            remove_quietly(path)
        raise
    return targets
