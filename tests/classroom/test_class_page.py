"""report.html: the class in one self-contained page (gradebook, histogram, pass rates, mistakes, links)."""
import re
import time

from class_fakes import EXERCISES, PADDING, padding_report, report, submission
from grader.classroom.gradebook import row_for_failure, row_from_report
from grader.classroom.page import render_class_page, write_class_page

MAX = {"exercise1": 5, "exercise2": 3, "exercise3": 4}


def _rows():
    return [row_from_report(submission("alice"), report(), 3.0),
            row_from_report(submission("bob"), padding_report(), 3.0),
            row_from_report(submission("dave"), padding_report(), 3.0),
            row_for_failure(submission("carol", problem="The folder carol/ is empty."), MAX)]


STEMS = {"alice": "alice", "bob": "bob", "carol": "carol", "dave": "dave"}


def test_the_page_lists_every_student_with_a_link_to_their_page():
    page = render_class_page(_rows(), EXERCISES, {"seed": 7}, STEMS)
    for student in STEMS:
        assert f'<a href="feedback/{student}.html">{student}</a>' in page
    assert "could not be graded: The folder carol/ is empty." in page


def test_the_most_common_mistake_is_counted_with_links_to_its_students():
    page = render_class_page(_rows(), EXERCISES, {"seed": 7}, STEMS)
    mistake = re.search(r'<tr><td class="num">(\d+)</td><td>exercise1</td><td>([^<]*)</td><td>([^<]*)</td>'
                        r'<td class=ids>(.*?)</td></tr>', page)
    assert mistake and mistake.group(1) == "2"
    assert mistake.group(3) == PADDING.replace("'", "&#x27;")
    assert mistake.group(4) == '<a href="feedback/bob.html">bob</a> <a href="feedback/dave.html">dave</a>'


def test_every_column_sorts_with_a_button_and_the_page_reads_without_script():
    page = render_class_page(_rows(), EXERCISES, {"seed": 7}, STEMS)
    heads = re.findall(r'<th scope="col" aria-sort="none" data-type="(\w+)"[^>]*><button type="button">([^<]+)'
                       r'</button></th>', page)
    assert [title for _, title in heads] == ["Student", "File", "Score", "Percent", *EXERCISES, "Status"]
    assert '<form class="filters" id="filters" hidden' in page  # shown by the script only
    assert "Histogram of the graded students' scores: 0–9%: 0;" in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)


def test_two_hundred_students_make_a_page_under_3_mb_in_under_5_seconds(tmp_path):
    rows, stems = [], {}
    for number in range(200):
        sid = f"student{number:03d}"
        graded = report() if number % 3 == 0 else padding_report(source=f"{sid}.py")
        rows.append(row_from_report(submission(sid), graded, 3.0))
        stems[sid] = sid
    started = time.perf_counter()
    path = write_class_page(tmp_path, rows, EXERCISES, {"seed": 7}, stems)
    assert time.perf_counter() - started < 5
    assert path.name == "report.html" and path.stat().st_size < 3_000_000
