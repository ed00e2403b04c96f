"""The HTML reports in a real browser: headless Chromium opens them from file:// and reads what a person sees.

The single-grading page (real model pairs) and a class's report.html with its students'
pages (hand-made reports) are written to a folder and opened as files: the rendered DOM
shows the score, the failed checks' words and the student ids; pressing the Score
button really reorders the rows; every link to a student's page names a file that is
there; nothing is logged as an error and no request leaves file:// or data:. Screenshots
at 390 and 1280 pixels wide are written (under the test's folder) and must not be blank.
"""
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chromium import Browser, dump_dom, screenshot
from grader.classroom.feedback import feedback_for_problem, feedback_for_report, write_feedback
from grader.classroom.gradebook import row_for_failure, row_from_report
from grader.classroom.page import write_class_page
from grader.reports import html_report
from picture_fixtures import report as graded_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "classroom"))
from class_fakes import EXERCISES, MAX_SCORES, padding_report, report, submission  # noqa: E402

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def single_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("single")
    path = folder / "grading.html"
    path.write_text(html_report.render(graded_report("wrong_conv_block_valid_padding.py",
                                                     "wrong_unet_hard_coded_filters.py")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    rows, stems = [], {}
    graded = {"alice": report(), "bob": padding_report(source="bob.py"), "erin": padding_report(source="erin.py")}
    for sid, one in graded.items():
        sub = submission(sid, stem=sid)
        rows.append(row_from_report(sub, one, 2.0))
        write_feedback(out, sid, feedback_for_report(one))
        stems[sid] = sid
    carol = submission("carol", problem="The folder carol/ is empty.", stem="carol")
    rows.append(row_for_failure(carol, MAX_SCORES))
    write_feedback(out, "carol", feedback_for_problem(carol.display, rows[-1].reason, rows[-1].max_score))
    stems["carol"] = "carol"
    write_class_page(out, rows, EXERCISES, {"seed": 7}, stems)
    return out


def _not_blank(path):
    pixels = np.asarray(Image.open(path).convert("L"), dtype=np.float32)
    assert pixels.std() > 10, f"{path} looks blank"
    assert (pixels < 128).mean() > 0.01, f"{path} has almost no ink"


def test_the_grading_page_shows_the_score_and_the_failed_checks_words(single_page):
    dom = dump_dom(single_page.as_uri())
    assert "Score: 2/6 (33%)" in dom
    assert "padding 'valid', expected 'same', so the output is 94x126 instead of 96x128." in dom
    assert "filters 32, expected 64" in dom
    assert dom.count('src="data:image/png;base64,') == 2


def test_the_grading_page_logs_no_error_and_fetches_nothing(single_page):
    with Browser() as browser:
        browser.open(single_page.as_uri())
        assert browser.evaluate("document.images.length") == 2
        assert browser.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth === 1300)")
        assert browser.console_errors() == []
        assert [url for url in browser.requests() if not url.startswith(("file:", "data:"))] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_grading_page_is_not_blank_at_a_phones_and_a_laptops_width(single_page, width):
    _not_blank(screenshot(single_page.as_uri(), single_page.parent / f"grading-{width}.png", width))


def test_the_class_page_lists_the_students_and_their_pages_are_there(class_folder):
    dom = dump_dom((class_folder / "report.html").as_uri())
    for sid in ("alice", "bob", "carol", "erin"):
        assert f'<a href="feedback/{sid}.html">{sid}</a>' in dom
        assert (class_folder / "feedback" / f"{sid}.html").is_file()
    assert "could not be graded: The folder carol/ is empty." in dom
    assert "4 of 4 students shown." in dom  # the script ran: the filters are shown


def test_sorting_by_score_reorders_the_rows_and_filters_hide_rows(class_folder):
    rows = "Array.from(document.querySelectorAll('#gradebook tbody tr')).filter(r => !r.hidden).map(r => r.cells[0].textContent)"
    with Browser() as browser:
        browser.open((class_folder / "report.html").as_uri())
        assert browser.evaluate(rows) == ["alice", "bob", "carol", "erin"]
        browser.evaluate("document.querySelectorAll('#gradebook thead button')[2].click()")
        assert browser.evaluate(rows) == ["carol", "bob", "erin", "alice"]
        browser.evaluate("document.querySelectorAll('#gradebook thead button')[2].click()")
        assert browser.evaluate(rows) == ["alice", "bob", "erin", "carol"]
        assert browser.evaluate("document.querySelectorAll('#gradebook thead th')[2].getAttribute('aria-sort')") \
            == "descending"
        browser.evaluate("const s = document.getElementById('status'); s.value = 'error';"
                         "s.dispatchEvent(new Event('change'))")
        assert browser.evaluate(rows) == ["carol"]
        hrefs = browser.evaluate("Array.from(document.links).map(a => a.href)")
        assert browser.console_errors() == []
        assert [url for url in browser.requests() if not url.startswith(("file:", "data:"))] == []
    for href in hrefs:
        if href.startswith("file:"):
            assert Path(href.removeprefix("file://").split("#")[0]).is_file() or "#" in href, href


def test_a_students_page_links_back_and_shows_their_score(class_folder):
    dom = dump_dom((class_folder / "feedback" / "bob.html").as_uri())
    assert '<a href="../report.html">Back to the class report</a>' in dom
    assert "Score: 8/12 (67%)" in dom


@pytest.mark.parametrize("width", WIDTHS)
def test_the_class_page_is_not_blank_at_a_phones_and_a_laptops_width(class_folder, width):
    _not_blank(screenshot((class_folder / "report.html").as_uri(), class_folder / f"class-{width}.png", width))
