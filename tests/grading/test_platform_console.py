"""Consoles and paths as Windows has them: output redirected into a cp1252 or cp850 console never
fails with UnicodeEncodeError (our words or the student's), and a file under a folder with spaces
and accents (`C:\\Users\\José Núñez\\Documents`) saved with Windows line endings grades as any other."""
import io
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.console import tolerant_streams
from grading_helpers import CORRECT_BLOCKS, REPO_ROOT

pytestmark = [pytest.mark.portable, pytest.mark.windows_only]  # Windows' consoles: the macOS mode has nothing to add

SIGNATURE = "def upsampling_block(expansive_input, contractive_input, n_filters=32):\n"
PRINTS = "    print('Núñez ✓ — 96×128 … 日本')\n"


@pytest.mark.parametrize("encoding", ["cp1252", "cp850"])
def test_a_redirected_windows_console_shows_every_report_without_unicode_errors(tmp_path, encoding):
    folder = tmp_path / "Users" / "José Núñez" / "My Documents"
    folder.mkdir(parents=True)
    path = folder / "unet (1).py"
    wrong = CORRECT_BLOCKS.replace('padding="same")(expansive_input)', 'padding="valid")(expansive_input)')
    path.write_bytes(wrong.replace(SIGNATURE, SIGNATURE + PRINTS).replace("\n", "\r\n").encode("utf-8"))
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    result = subprocess.run([sys.executable, "-m", "grader", "exercise2", "--source", str(path), "--seed", "5"],
                            capture_output=True, cwd=REPO_ROOT, env=env, timeout=600)
    stdout, stderr = result.stdout.decode(encoding), result.stderr.decode(encoding)
    assert result.returncode == 1, stdout + stderr
    assert "UnicodeEncodeError" not in stdout + stderr and "Traceback" not in stderr
    shown = " ".join(stdout.split())
    assert "José Núñez" in shown  # the path, in letters the console has
    assert "Núñez" in shown and "?" in shown  # the student's print, with what the console lacks replaced
    assert "Conv2DTranspose doubles the size" in shown  # the hint, in the console's own letters


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["cp1252", "cp850", "ascii", "latin-1"]))
def test_any_text_can_be_written_to_a_narrow_console(text, encoding):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    tolerant_streams([stream])
    stream.write(text)
    stream.flush()
    assert raw.getvalue().decode(encoding).count("\n") == text.count("\n")
