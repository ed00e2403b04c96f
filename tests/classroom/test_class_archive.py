"""Unpacking a .zip of submissions: nothing outside the folder, no links, caps on size and count, clear refusals."""
import stat
import zipfile

import pytest

from grader.classroom.archive import ArchiveError, unpack_student_zip, unpack_zip
from grader.classroom.submissions import find_submissions
from segmentation.errors import UsageError


def zip_of(path, members):
    """Write a zip at `path` from {name: bytes or text}; return the path."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_flat_lms_zip_unpacks_into_the_folder(tmp_path):
    archive = zip_of(tmp_path / "class.zip", {"alice.py": "a", "bob/unet.ipynb": "{}", "__MACOSX/._alice.py": "x",
                                              ".DS_Store": "x", "bob/.ipynb_checkpoints/u.ipynb": "{}"})
    folder = unpack_zip(archive, tmp_path / "out")
    assert folder == tmp_path / "out"
    assert listing(folder) == ["alice.py", "bob/unet.ipynb"]
    assert [s.display for s in find_submissions(folder)] == ["alice.py", "bob/unet.ipynb"]


def test_a_compressed_submissions_folder_gives_its_students(tmp_path):
    archive = zip_of(tmp_path / "s.zip", {"submissions/alice.py": "a", "submissions/bob.py": "b",
                                          "__MACOSX/submissions/._bob.py": "x"})
    folder = unpack_zip(archive, tmp_path / "out")
    assert folder == tmp_path / "out" / "submissions"
    assert [s.id for s in find_submissions(folder)] == ["alice", "bob"]


def test_one_students_checkout_stays_that_student(tmp_path):
    archive = zip_of(tmp_path / "s.zip", {"alice/exercises/unet.py": "a", "alice/grader/cli.py": "b"})
    folder = unpack_zip(archive, tmp_path / "out")
    assert [(s.id, s.display) for s in find_submissions(folder)] == [("alice", "alice/exercises/unet.py")]


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.py", "alice/../../outside.py", "C:/x.py", "..\\x.py"])
def test_an_unsafe_member_refuses_the_whole_archive(tmp_path, name):
    archive = zip_of(tmp_path / "bad.zip", {"alice.py": "a", name: "evil"})
    with pytest.raises(ArchiveError) as caught:
        unpack_zip(archive, tmp_path / "out")
    message = str(caught.value)
    assert "bad.zip holds a file with an unsafe name" in message and "nothing was unpacked" in message
    assert isinstance(caught.value, UsageError)
    assert listing(tmp_path / "out") == [] and not (tmp_path / "outside.py").exists()


def test_symbolic_links_are_never_created(tmp_path):
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("alice.py", "a")
        link = zipfile.ZipInfo("bob.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(link, "/etc/passwd")
    folder = unpack_zip(archive, tmp_path / "out")
    assert listing(folder) == ["alice.py"] and not (folder / "bob.py").is_symlink()


def test_too_many_files_or_bytes_are_refused(tmp_path):
    archive = zip_of(tmp_path / "big.zip", {f"s{n}.py": "x" * 100 for n in range(5)})
    with pytest.raises(ArchiveError, match="holds 5 files, more than the 4"):
        unpack_zip(archive, tmp_path / "a", max_files=4)
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        unpack_zip(archive, tmp_path / "b", max_total_bytes=250)
    assert listing(tmp_path / "b") == []


def test_the_size_cap_counts_what_is_really_decompressed(tmp_path, monkeypatch):
    archive = zip_of(tmp_path / "liar.zip", {"a.py": "x" * 1000})
    monkeypatch.setattr("grader.classroom.archive._check_caps", lambda *args: None)  # as if the sizes lied
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        unpack_zip(archive, tmp_path / "out", max_total_bytes=500)
    assert listing(tmp_path / "out") == []


def test_a_damaged_zip_or_a_busy_folder_is_said_plainly(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ArchiveError, match="cannot be read as a .zip file.*complete download"):
        unpack_zip(tmp_path / "broken.zip", tmp_path / "out")
    archive = zip_of(tmp_path / "ok.zip", {"a.py": "x"})
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "old.txt").write_text("keep me")
    with pytest.raises(ArchiveError, match="the folder is not empty"):
        unpack_zip(archive, tmp_path / "busy")
    assert (tmp_path / "busy" / "old.txt").read_text() == "keep me"
    with pytest.raises(ArchiveError, match="does not exist"):
        unpack_zip(tmp_path / "missing.zip", tmp_path / "x")


def test_a_students_own_zip_is_read_as_the_folder_it_unpacks_to(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text("a")
    zip_of(folder / "smith_bob_1002_9_unet.zip", {"work/unet.ipynb": "{}", "work/notes.txt": "n",
                                                  "__MACOSX/work/._unet.ipynb": "x"})
    zip_of(folder / "carol.zip", {"unet-main/exercises/unet.py": "c", "unet-main/README.md": "r"})
    zip_of(folder / "dave.zip", {"a.py": "1", "b.py": "2"})
    (folder / "erin.zip").write_bytes(b"PK\x03\x04 the upload broke off")
    scratch = tmp_path / "scratch"
    found = {s.id: s for s in find_submissions(folder, unpack=lambda path: unpack_student_zip(path, scratch / path.name))}

    assert found["smith_bob_1002_9_unet"].display == "smith_bob_1002_9_unet.zip/work/unet.ipynb"
    assert found["smith_bob_1002_9_unet"].path == (scratch / "smith_bob_1002_9_unet.zip" / "work" / "unet.ipynb")
    assert found["carol"].display == "carol.zip/unet-main/exercises/unet.py" and found["carol"].gradable
    assert "dave.zip/ holds 2 .py/.ipynb files (a.py, b.py)" in found["dave"].problem
    assert found["erin"].problem.startswith("erin.zip cannot be graded: ")
    assert "cannot be read as a .zip file" in found["erin"].problem
    assert found["alice"].gradable
    assert sorted(p.name for p in folder.iterdir()) == sorted(  # the instructor's folder is only read
        ["alice.py", "smith_bob_1002_9_unet.zip", "carol.zip", "dave.zip", "erin.zip"])


def test_without_a_way_to_unpack_a_students_zip_cannot_be_graded(tmp_path):
    zip_of(tmp_path / "bob.zip", {"unet.py": "b"})
    (bob,) = find_submissions(tmp_path)
    assert "bob.zip is neither a .py file nor a .ipynb notebook" in bob.problem


def test_a_zip_inside_a_students_folder_is_unpacked_like_a_top_level_one(tmp_path):
    folder = tmp_path / "class"
    for student in ("carol", "dave", "erin", "frank", "gina", "hal"):
        (folder / student).mkdir(parents=True)
    zip_of(folder / "carol" / "work.zip", {"work/unet.ipynb": "{}", "work/notes.txt": "n"})
    (folder / "carol" / "readme.txt").write_text("my work is in the zip")
    zip_of(folder / "dave" / "work.zip", {"unet-main/exercises/unet.py": "d", "unet-main/README.md": "r"})
    zip_of(folder / "erin" / "work.zip", {"unet.py": "e"})
    (folder / "erin" / "unet.ipynb").write_text("{}")  # one file beside the zip, one in it: two
    (folder / "frank" / "work.zip").write_bytes(b"PK\x03\x04 the upload broke off")
    zip_of(folder / "gina" / "work.zip", {"notes.txt": "n"})
    (folder / "hal" / "sub").mkdir()
    zip_of(folder / "hal" / "sub" / "deep.zip", {"a/unet.py": "h"})
    scratch = tmp_path / "scratch"
    numbers = iter(range(100))
    found = {s.id: s for s in find_submissions(
        folder, unpack=lambda path: unpack_student_zip(path, scratch / f"{next(numbers)}-{path.name}"))}

    assert found["carol"].display == "carol/work.zip/work/unet.ipynb" and found["carol"].gradable
    assert found["carol"].path.read_text() == "{}"
    assert found["dave"].display == "dave/work.zip/unet-main/exercises/unet.py"
    assert found["dave"].path.read_text() == "d"  # and not confused with carol's work.zip
    assert "erin/ holds 2 .py/.ipynb files (unet.ipynb, work.zip/unet.py)" in found["erin"].problem
    assert found["frank"].problem.startswith("frank/work.zip cannot be graded: ")
    assert "gina/ holds no .py or .ipynb file (only work.zip/notes.txt)" in found["gina"].problem
    assert found["hal"].display == "hal/sub/deep.zip/a/unet.py"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.zip")) == [  # only read
        "carol/work.zip", "dave/work.zip", "erin/work.zip", "frank/work.zip", "gina/work.zip", "hal/sub/deep.zip"]
