"""Files as students save them, through the command line: UTF-8 with a BOM, Windows line
endings and a Latin-1 file with its coding cookie grade like any other (the reference scores
100%); a NUL byte, bytes that are no text and a 50 MB file get a clear message, exit 1 and
no traceback. All gradings run in a module fixture, two at a time. Not run in the emulated modes: they take
away what a platform's processes lack, not how it saves files, and a file is read the same in every job (a
Windows path and line endings through a Windows console: test_platform_console.py)."""
import re

import pytest

from grading_helpers import REPO_ROOT, grade_warm

REFERENCE = (REPO_ROOT / "solutions" / "unet.py").read_text(encoding="utf-8")
LATIN_1 = ("# -*- coding: latin-1 -*-\n# Auteur : Fran\u00e7ois, \u00e9l\u00e8ve de premi\u00e8re ann\u00e9e\n"
           + REFERENCE.replace('"""Reference U-Net', '"""R\u00e9f\u00e9rence U-Net', 1))

FILES = {
    "utf8_bom": b"\xef\xbb\xbf" + REFERENCE.encode("utf-8"),
    "crlf": REFERENCE.replace("\n", "\r\n").encode("utf-8"),
    "latin1_cookie": LATIN_1.encode("latin-1"),
    "nul_byte": REFERENCE.encode("utf-8").replace(b"def upsampling_block", b"def upsampling_block\x00", 1),
    "undecodable": b"# caf\xe9 au lait\n" + REFERENCE.encode("utf-8"),
    "fifty_megabytes": REFERENCE.encode("utf-8") + b"# " + b"x" * (50 * 1024 * 1024) + b"\n",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory, warm_grader):
    """{name: (Graded, path)} for every file, graded with `all` in one warm grader."""
    folder = tmp_path_factory.mktemp("files")
    paths = {name: folder / f"{name}.py" for name in FILES}
    for name, data in FILES.items():
        paths[name].write_bytes(data)
    graded = grade_warm({name: ("all", "--source", path, "--seed", "5") for name, path in paths.items()},
                        warm_grader)
    return {name: (graded[name], paths[name]) for name in FILES}


def shown(result):
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("name", ["utf8_bom", "crlf", "latin1_cookie"])
def test_files_saved_other_ways_grade_normally(results, name):
    result, _ = results[name]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "Score: 36/36 (100%): all checks passed."


def check_unreadable(result):
    """Exit 1, score 0 on every exercise, no traceback, nothing on stderr."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == "" and "Traceback" not in result.stdout
    assert re.search(r"^Score: 0/36 \(0%\)", result.stdout, re.M)


def test_nul_byte_is_named_with_its_line(results):
    result, path = results["nul_byte"]
    check_unreadable(result)
    line = REFERENCE[:REFERENCE.index("def upsampling_block")].count("\n") + 1
    assert f"{path} holds a NUL byte (line {line}), so it is not a text file" in shown(result)
    assert "Save it again as plain UTF-8 text" in shown(result)


def test_bytes_that_are_no_text_are_named(results):
    result, path = results["undecodable"]
    check_unreadable(result)
    assert f"{path} is not readable text in the encoding Python expects (byte 0xe9 on line 1 is not UTF-8)" \
        in shown(result)
    assert "# -*- coding: latin-1 -*-" in shown(result)


def test_a_file_of_fifty_megabytes_is_refused_before_it_is_read(results):
    result, path = results["fifty_megabytes"]
    check_unreadable(result)
    assert f"{path} is 50 MB, far more than a source file can be (at most 5 MB here)" in shown(result)
    assert len(result.stdout) < 10_000
