"""A release onto a disk that fills up, or a folder that is read-only: the message names the folder,
neither the bundle nor its partial copy is left, and the release succeeds once there is room.

The bundle goes onto a small tmpfs made for the test (tests/small_disk.py; skipped where
mounting is not permitted). The expectations are not computed (no TensorFlow): the fault
falls on copying the packages, the release's first step.
"""
import pytest

from grader.instructor import release
from small_disk import fill, remount, small_filesystem


def no_expectations(bundle):
    (bundle / release.EXPECTATIONS_PATH).write_text("{}")


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_release_onto_a_full_or_read_only_disk_names_it_and_leaves_nothing(tmp_path, fault):
    with small_filesystem(tmp_path / "disk", "2m") as disk:
        out = disk / "bundle"
        filler = fill(disk, leave_bytes=300 * 1024) if fault == "full" else None  # less than the bundle
        if fault == "read-only":
            remount(disk, "ro")
        try:
            with pytest.raises(release.ReleaseError) as caught:
                release.make_release(out, write_expectations=no_expectations, log=lambda line: None)
        finally:
            if fault == "read-only":
                remount(disk, "rw")
        message = str(caught.value)
        cause = "the disk is full" if fault == "full" else "the file system is read-only"
        assert message.startswith(f"Cannot write the release into {disk}: {cause}")
        assert "Nothing was left there" in message and "run the release again" in message
        assert sorted(path.name for path in disk.iterdir()) == (["filler"] if filler else [])
        if filler:
            filler.unlink()
        assert release.make_release(out, write_expectations=no_expectations, log=lambda line: None) == out
        assert (out / "grader").is_dir() and not (disk / ".bundle.partial").exists()
