"""The HTML report of one grading: self-contained, every check, the code, the hints, the picture."""
import re
from html.parser import HTMLParser

from grader.reports import html_report
from picture_fixtures import report


class _Page(HTMLParser):
    """The tags, attributes and text of a page."""

    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _read(page):
    parsed = _Page()
    parsed.feed(page)
    return parsed


def test_the_page_shows_the_score_every_check_the_code_and_the_hint():
    page = html_report.render(report("wrong_conv_block_valid_padding.py"))
    text = " ".join(_read(page).text)
    assert "Score: 1/3 (33%)" in text
    assert "structure, course configuration 1" in text and "behaviour, course configuration 1" in text
    assert "padding 'valid', expected 'same'" in text
    assert "<pre><code>conv = Conv2D(n_filters, 3, padding=&#x27;valid&#x27;)(conv)</code></pre>" in page
    assert '<p class="hint"><strong>Hint:</strong> use padding=&#x27;same&#x27;.</p>' in page


def test_the_page_is_self_contained_with_the_picture_inline_and_described():
    page = html_report.render(report("wrong_unet_hard_coded_filters.py"))
    parsed = _read(page)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    assert "First difference: Conv2D #1 (layer 2, in block 1: conv_block)" in images[0]["alt"]
    assert not [attrs for tag, attrs in parsed.tags if tag in ("script", "link", "iframe")]
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "nothing may be fetched from elsewhere"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page


def test_the_page_has_headings_and_table_semantics():
    parsed = _read(html_report.render(report("wrong_conv_block_valid_padding.py", "wrong_unet_wrong_skip.py")))
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("h1") == 1 and tags.count("h2") == 2
    headers = [attrs for tag, attrs in parsed.tags if tag == "th"]
    assert headers and all(attrs.get("scope") == "col" for attrs in headers)
    assert tags.count("caption") == 2


def test_what_the_student_wrote_is_escaped():
    from dataclasses import replace

    graded = report("wrong_conv_block_valid_padding.py")
    graded = replace(graded, output="<script>alert(1)</script>\n", source="<b>x</b>.py")
    page = html_report.render(graded)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;.py" in page
