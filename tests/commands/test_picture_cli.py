"""`--picture` and `--format html` as a student runs them; grading that asks for neither never imports matplotlib."""
import subprocess
import sys

from grading_helpers import CORPUS, REPO_ROOT, grade_in

WRONG_PADDING = CORPUS / "wrong_conv_block_valid_padding.py"


def test_picture_is_written_and_named_in_the_text_report(tmp_path, warm_grader):
    target = tmp_path / "mine.png"
    graded = grade_in(warm_grader, "exercise1", "--source", WRONG_PADDING, "--seed", "5", "--picture", target)
    assert graded.returncode == 1, graded.stderr
    assert f"the first difference marked: {target}" in graded.stdout
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_picture_must_be_a_png_file_name(tmp_path, warm_grader):
    graded = grade_in(warm_grader, "exercise1", "--solutions", "--seed", "5", "--picture", tmp_path / "mine.jpg")
    assert graded.returncode == 2
    assert "give a file name ending in .png" in graded.stderr


def test_format_html_prints_one_self_contained_page(warm_grader):
    graded = grade_in(warm_grader, "exercise1", "--source", WRONG_PADDING, "--seed", "5", "--format", "html")
    assert graded.returncode == 1, graded.stderr
    page = graded.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "padding &#x27;valid&#x27;, expected &#x27;same&#x27;" in page
    assert 'src="data:image/png;base64,' in page


def test_grading_without_a_picture_never_imports_matplotlib():
    code = ("import sys\n"
            "from grader.cli import main\n"
            "code = main(['exercise1', '--solutions', '--seed', '1', '--format', 'json'])\n"
            "print('MATPLOTLIB' if any(m.split('.')[0] == 'matplotlib' for m in sys.modules) else 'none', code)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                            timeout=300)
    assert result.stdout.splitlines()[-1] == "none 0", result.stdout[-2000:] + result.stderr[-2000:]


def test_summary_draws_the_reference_model_as_a_u(tmp_path):
    target = tmp_path / "unet.png"
    result = subprocess.run([sys.executable, "-m", "grader", "summary", "--picture", str(target)],
                            capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"Picture of the model: {target}" in result.stdout
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_unet_that_stops_is_drawn_as_far_as_it_was_built(warm_grader):
    graded = grade_in(warm_grader, "exercise3", "--source", CORPUS / "wrong_unet_wrong_skip.py", "--seed", "5",
                      "--format", "html")
    assert graded.returncode == 1, graded.stderr
    alt = graded.stdout.split('alt="', 1)[1].split('"', 1)[0]
    assert "Your model: a U of 7 boxes over 5 levels" in alt  # the input and the six blocks that returned
    assert "Your code stopped: unet_model raised ValueError" in alt
