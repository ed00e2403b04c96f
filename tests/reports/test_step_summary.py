"""The classroom workflow's job summary: the grader's JSON report as Markdown."""
import json

from grader.reports.step_summary import main, markdown_summary

REPORT = {
    "score": 7, "max_score": 10,
    "exercises": [
        {"name": "exercise1", "function": "conv_block", "score": 4, "max_score": 4,
         "checks": [{"name": "structure: course configuration 1", "status": "passed", "score": 4,
                     "max_score": 4, "message": "ok"}]},
        {"name": "exercise2", "function": "upsampling_block", "score": 3, "max_score": 6,
         "checks": [{"name": "structure: course configuration 1", "status": "failed", "score": 0,
                     "max_score": 3, "message": "Conv2D #2: padding 'valid' | expected 'same'"},
                    {"name": "behaviour: course configuration 1", "status": "passed", "score": 3,
                     "max_score": 3, "message": "ok"}]},
    ],
    "versions": {},
}


def test_summary_shows_the_score_each_exercise_and_what_to_fix():
    text = markdown_summary(REPORT)
    assert text.startswith("## U-Net exercise: 7 / 10 points (70%)")
    assert "| exercise1 | `conv_block` | 4 / 4 | passed |" in text
    assert "| exercise2 | `upsampling_block` | 3 / 6 | 1 of 2 checks failed |" in text
    assert "- **exercise2, structure: course configuration 1** (failed): Conv2D #2: padding 'valid' \\| expected 'same'" in text
    assert "behaviour: course configuration 1** " not in text


def test_main_reads_the_report_file(tmp_path, capsys):
    path = tmp_path / "grade.json"
    path.write_text(json.dumps(REPORT))
    assert main([str(path)]) == 0
    assert "7 / 10 points" in capsys.readouterr().out


def test_missing_or_broken_report_says_so_and_fails(tmp_path, capsys):
    path = tmp_path / "grade.json"
    path.write_text("")
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "no score" in out and "grade.json" in out and 'log of the "Grade" step' in out
