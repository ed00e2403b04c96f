"""Finding a class's submissions: one per student id, what cannot be graded said as a reason, never a crash."""
import hashlib
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.classroom.submissions import (SAFE_FILE_STEM, SubmissionsError, compile_id_pattern, file_stems,
                                          find_submissions, safe_stem)
from segmentation.errors import UsageError


def make(root, files):
    """Write {relative path: text} under root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def by_id(submissions):
    return {submission.id: submission for submission in submissions}


def test_files_folders_and_checkouts_each_give_one_student(tmp_path):
    make(tmp_path, {"alice.py": "a", "bob.ipynb": "{}", "carol/work/unet.ipynb": "{}",
                    "dave/exercises/unet.py": "d", "dave/grader/cli.py": "x", "dave/README.md": "r",
                    "erin/unet-bundle-main/exercises/unet.py": "e", "erin/unet-bundle-main/setup.py": "s"})
    found = find_submissions(tmp_path)
    assert [s.id for s in found] == ["alice", "bob", "carol", "dave", "erin"]
    shown = {s.id: s.display for s in found}
    assert shown == {"alice": "alice.py", "bob": "bob.ipynb", "carol": "carol/work/unet.ipynb",
                     "dave": "dave/exercises/unet.py", "erin": "erin/unet-bundle-main/exercises/unet.py"}
    alice = by_id(found)["alice"]
    assert alice.gradable and alice.path == (tmp_path / "alice.py").resolve()
    assert alice.sha256 == hashlib.sha256(b"a").hexdigest() and alice.stem == "alice"


def test_what_cannot_be_graded_is_a_problem_row_with_a_reason(tmp_path):
    make(tmp_path, {"alice.py": "1", "alice.ipynb": "{}", "bob.pdf": "%PDF", "carol/notes.txt": "n",
                    "dave/a.py": "1", "dave/b.py": "2", "frank.py": "ok"})
    (tmp_path / "erin").mkdir()
    found = by_id(find_submissions(tmp_path))
    assert set(found) == {"alice", "bob", "carol", "dave", "erin", "frank"}
    problems = {student_id: s.problem for student_id, s in found.items() if not s.gradable}
    assert set(problems) == {"alice", "bob", "carol", "dave", "erin"}
    assert "2 files for student alice (alice.ipynb, alice.py)" in problems["alice"]
    assert "keep only the one" in problems["alice"]
    assert "bob.pdf is neither a .py file nor a .ipynb notebook" in problems["bob"]
    assert "carol/ holds no .py or .ipynb file (only notes.txt)" in problems["carol"]
    assert "dave/ holds 2 .py/.ipynb files (a.py, b.py)" in problems["dave"]
    assert "erin/ is empty" in problems["erin"]
    assert all(found[i].path is None and found[i].sha256 is None for i in problems)
    assert found["alice"].display == "alice.ipynb, alice.py"
    assert found["frank"].gradable


def test_a_stray_file_beside_the_gradable_one_is_left_aside(tmp_path):
    make(tmp_path, {"alice.py": "1", "alice.pdf": "%PDF"})
    (alice,) = find_submissions(tmp_path)
    assert alice.gradable and alice.display == "alice.py"


def test_hidden_and_system_entries_are_never_looked_at(tmp_path):
    make(tmp_path, {"alice/unet.ipynb": "{}", "alice/.ipynb_checkpoints/unet-checkpoint.ipynb": "{}",
                    "alice/__pycache__/x.py": "", ".DS_Store": "", "__MACOSX/alice/._unet.ipynb": "",
                    ".git/config": "", "bob/.hidden.py": "", "bob/unet.py": "b"})
    found = find_submissions(tmp_path)
    assert [(s.id, s.display, s.gradable) for s in found] == [("alice", "alice/unet.ipynb", True),
                                                              ("bob", "bob/unet.py", True)]


def test_an_id_pattern_picks_the_id_out_of_lms_names(tmp_path):
    make(tmp_path, {"smith_john_12345_67890_unet.ipynb": "{}", "doe_jane_23456_78901_unet.py": "x",
                    "notes.txt": "n", "lee_kim_34567_1_unet.py": "1", "lee_kim_34567_2_unet.ipynb": "2"})
    found = by_id(find_submissions(tmp_path, r"_(\d+)_\d+_"))
    assert set(found) == {"12345", "23456", "34567", "notes"}
    assert found["12345"].display == "smith_john_12345_67890_unet.ipynb" and found["12345"].gradable
    assert "does not match --id-pattern '_(\\d+)_\\d+_'" in found["notes"].problem
    assert "rename it, or change the pattern" in found["notes"].problem
    assert "2 files for student 34567" in found["34567"].problem


def test_without_a_pattern_the_whole_stem_is_the_id(tmp_path):
    make(tmp_path, {"smith_john_12345_67890_unet.ipynb": "{}"})
    assert [s.id for s in find_submissions(tmp_path)] == ["smith_john_12345_67890_unet"]


@pytest.mark.parametrize("pattern, words", [("(", "is not a valid regular expression"),
                                            (r"\d+", "has 0 groups; it needs exactly one"),
                                            (r"(\w+)_(\d+)", "has 2 groups; it needs exactly one")])
def test_a_bad_id_pattern_is_a_usage_error_that_shows_an_example(tmp_path, pattern, words):
    with pytest.raises(UsageError) as caught:
        find_submissions(tmp_path, pattern)
    assert words in str(caught.value) and "for example --id-pattern" in str(caught.value)


def test_a_pattern_with_one_named_group_is_fine():
    assert compile_id_pattern(r"_(?P<id>\d+)_").groups == 1
    assert compile_id_pattern(None) is None


def test_a_missing_folder_is_said_with_what_to_give(tmp_path):
    with pytest.raises(SubmissionsError, match="does not exist. Give the folder"):
        find_submissions(tmp_path / "nowhere")
    make(tmp_path, {"a.txt": ""})
    with pytest.raises(SubmissionsError, match="is not a folder"):
        find_submissions(tmp_path / "a.txt")


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    make(tmp_path, {"alice.py": "1"})

    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("grader.classroom.submissions.file_sha256", refuse)
    (alice,) = find_submissions(tmp_path)
    assert alice.problem == "alice.py cannot be read (Permission denied): check its permissions, then grade again."


def test_an_unreadable_student_folder_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    make(tmp_path, {"alice/unet.py": "1", "bob.py": "2"})
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "alice":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    found = by_id(find_submissions(tmp_path))
    assert found["alice"].problem == (f"Cannot read the folder {tmp_path / 'alice'}: Permission denied. "
                                      f"Check its permissions.")
    assert found["bob"].gradable


def test_odd_ids_get_safe_unique_stems(tmp_path):
    make(tmp_path, {"José Müller.py": "1", "Alice.py": "2", "alice.py": "3", "con.py": "4"})
    stems = {s.id: s.stem for s in find_submissions(tmp_path)}
    assert stems["Alice"] == "Alice" and stems["alice"] == "alice~2"
    assert stems["José Müller"].startswith("Jos_M_ller-") and stems["con"].startswith("con-")


def test_a_safe_id_is_its_own_stem():
    assert safe_stem("alice_b-2.v1") == "alice_b-2.v1"
    assert safe_stem("a/b") != safe_stem("a\\b") and safe_stem("..").startswith("student-")


ids = st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=30, unique=True)


@settings(max_examples=300, deadline=None)
@given(ids)
def test_stems_are_safe_and_unique_whatever_the_ids(student_ids):
    stems = file_stems(student_ids)
    assert set(stems) == set(student_ids)
    assert len({stem.lower() for stem in stems.values()}) == len(student_ids)
    for stem in stems.values():
        assert SAFE_FILE_STEM.fullmatch(stem) and len(stem) <= 90 and not stem.endswith(".")
        assert re.sub(r"[.~].*", "", stem).lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


@settings(max_examples=100, deadline=None)
@given(ids)
def test_stems_do_not_depend_on_the_order_of_the_ids(student_ids):
    assert file_stems(student_ids) == file_stems(list(reversed(student_ids)))


file_names = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1,
                     max_size=60).filter(lambda name: name not in (".", "..") and len(name.encode()) < 250)


@settings(max_examples=60, deadline=None)
@given(st.lists(file_names, min_size=1, max_size=12, unique=True))
def test_any_file_names_give_unique_ids_and_safe_unique_stems(names):
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            (Path(folder) / name).write_text("x")
        found = find_submissions(folder)
    assert len({s.id for s in found}) == len(found)
    assert len({s.stem.lower() for s in found}) == len(found)
    assert all(SAFE_FILE_STEM.fullmatch(s.stem) for s in found)
    assert all(s.gradable or s.problem for s in found)
