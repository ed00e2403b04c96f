"""Unpacking a class's .zip of submissions safely.

Nothing is written outside the target folder: a member with an absolute path, a drive
letter or a `..` refuses the whole archive, and symbolic links are never created (they
are skipped, like hidden files and folders, `__MACOSX` and `__pycache__`). The total size
and the number of files are capped, counted on what is really decompressed, not on what
the archive claims. Every refusal is an ArchiveError whose message names the archive and
says what to do.

A zip made by compressing a folder (macOS "Compress", Windows "Send to") holds that one
folder; `unpack_zip` then returns it, so that its entries are the students' entries
(when it holds two entries or more and is not a checkout: a zip of one student's folder
with one file stays that student's).
"""
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from grader.classroom.submissions import CHECKOUT_FILE, IGNORED_NAMES, SubmissionsError

MAX_TOTAL_BYTES = 4 * 1024 ** 3
MAX_FILES = 50_000
CHUNK_BYTES = 1 << 20


class ArchiveError(SubmissionsError):
    """The .zip of submissions cannot be unpacked safely; the message says why and what to do."""


def unpack_zip(zip_path, into, max_total_bytes=MAX_TOTAL_BYTES, max_files=MAX_FILES):
    """Unpack the submissions in `zip_path` into the folder `into`; return the folder that holds them.

    Arguments:
        zip_path: the .zip file.
        into: a folder that does not exist yet or is empty (created if needed).
        max_total_bytes, max_files: the caps on what is unpacked.

    Returns:
        `into`, or the one folder inside it when the archive holds nothing else (a
        compressed SUBMISSIONS folder rather than the students' entries themselves).

    Raises:
        ArchiveError: not a readable zip, an unsafe member, over a cap, or `into` is not usable.
    """
    zip_path, into = Path(zip_path), Path(into)
    _prepare(into, zip_path)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _wanted_members(archive, zip_path)
            _check_caps(members, zip_path, max_total_bytes, max_files)
            written = 0
            for member, parts in members:
                written = _extract(archive, member, into.joinpath(*parts), written, zip_path, max_total_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        _empty(into)
        raise ArchiveError(f"{zip_path} cannot be read as a .zip file ({error}). Check that it is the "
                           f"complete download, or unpack it yourself and give the folder.") from None
    except ArchiveError:
        _empty(into)
        raise
    except OSError as error:
        _empty(into)
        raise ArchiveError(f"Cannot unpack {zip_path} into {into}: {error.strerror or error}. "
                           f"Check the disk space and the folder's permissions, or unpack it yourself "
                           f"and give the folder.") from None
    return _submissions_folder(into)


def unpack_student_zip(zip_path, into):
    """Unpack one student's own .zip (an entry of SUBMISSIONS) into `into`; return `into`.

    The same safety and caps as `unpack_zip`, but `into` is returned as it is, even when
    the zip holds one folder, so that the names shown keep that folder ("bob.zip/work/unet.ipynb").

    Raises:
        ArchiveError: as `unpack_zip`.
    """
    unpack_zip(zip_path, into)
    return Path(into)


def _prepare(into, zip_path):
    """Make sure `into` is an empty folder."""
    if not zip_path.is_file():
        raise ArchiveError(f"{zip_path} does not exist. Give the .zip file (or the folder) of the submissions.")
    try:
        into.mkdir(parents=True, exist_ok=True)
        occupied = any(into.iterdir())
    except OSError as error:
        raise ArchiveError(f"Cannot unpack {zip_path} into {into}: {error.strerror}. "
                           f"Choose a folder you can write to.") from None
    if occupied:
        raise ArchiveError(f"Cannot unpack {zip_path} into {into}: the folder is not empty. "
                           f"Give an empty folder (or one that does not exist yet).")


def _wanted_members(archive, zip_path):
    """[(ZipInfo, path parts)] of the members to unpack: safe names, no links, nothing ignored."""
    wanted = []
    for member in archive.infolist():
        parts = _safe_parts(member.filename, zip_path)
        if not parts or any(part.startswith(".") or part in IGNORED_NAMES for part in parts):
            continue
        if stat.S_ISLNK(member.external_attr >> 16):
            continue
        wanted.append((member, parts))
    return wanted


def _safe_parts(name, zip_path):
    """The path parts of a member's name; ArchiveError for an absolute path or a '..'."""
    text = name.replace("\\", "/")
    path = PurePosixPath(text)
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in path.parts:
        raise ArchiveError(f"{zip_path} holds a file with an unsafe name ({name!r}: an absolute path or "
                           f"'..' would be written outside the folder), so nothing was unpacked. Unpack "
                           f"it yourself, check its contents, and give the folder.")
    return [part for part in path.parts if part not in ("", ".")]


def _check_caps(members, zip_path, max_total_bytes, max_files):
    """ArchiveError when the archive says it holds more files or bytes than the caps."""
    files = [member for member, _ in members if not member.is_dir()]
    if len(files) > max_files:
        raise ArchiveError(f"{zip_path} holds {len(files):,} files, more than the {max_files:,} a class "
                           f"archive may have, so nothing was unpacked. Remove what is not a submission "
                           f"(data, virtual environments), or unpack it yourself and give the folder.")
    declared = sum(member.file_size for member in files)
    if declared > max_total_bytes:
        raise ArchiveError(_too_big(zip_path, max_total_bytes))


def _too_big(zip_path, max_total_bytes):
    return (f"{zip_path} unpacks to more than {max_total_bytes / 1024 ** 3:.1f} GiB, more than a class "
            f"archive may, so nothing was unpacked. Remove what is not a submission (data, models, "
            f"virtual environments), or unpack it yourself and give the folder.")


def _extract(archive, member, target, written, zip_path, max_total_bytes):
    """Write one member to `target`, counting the bytes really decompressed; return the new total."""
    if member.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return written
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(member) as source, open(target, "wb") as sink:
        for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
            written += len(chunk)
            if written > max_total_bytes:
                raise ArchiveError(_too_big(zip_path, max_total_bytes))
            sink.write(chunk)
    return written


def _empty(folder):
    """Remove what was unpacked into `folder` (after a refusal), keeping the folder itself."""
    for child in folder.iterdir() if folder.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _submissions_folder(into):
    """`into`, or its only folder when nothing else was unpacked and that folder looks like a class
    (two entries or more, and not one student's checkout)."""
    children = list(into.iterdir())
    if len(children) != 1 or not children[0].is_dir() or children[0].joinpath(*CHECKOUT_FILE).is_file():
        return into
    return children[0] if len(list(children[0].iterdir())) >= 2 else into
