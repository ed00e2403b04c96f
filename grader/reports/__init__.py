"""Renderers of a grading report: text, JSON, JUnit XML, Gradescope, and Markdown for CI job summaries.

    text.py          the terminal report (one line per check, the reason and hint under failures)
    json_report.py   the documented JSON object of `--format json`
    junit.py         JUnit XML: one testsuite per exercise, one testcase per check
    gradescope.py    Gradescope's results.json
    step_summary.py  `python -m grader.reports.step_summary grade.json`: Markdown from the JSON report
    html_report.py   `--format html`: one self-contained page (the checks, the code, the hints, the pictures)
    picture.py       `--picture FILE.png`: the student's model beside the reference's, the fault marked
    model_layout.py  what the picture draws, as plain data (boxes, rows, skip arrows; the alt text's words)

Each takes a records.Report (step_summary: the JSON report) and knows nothing of how the
checks were made: results as data, renderers apart from checks. Only picture.py imports
matplotlib, and only when a picture is drawn.
"""
