"""The class summary: score distribution, pass rate of each check, the commonest mistakes with their students."""
import io

from PIL import Image

from class_fakes import (EXERCISES, MAX_SCORES, PADDING, exercise1, exercise2, exercise3, failed, padding_report,
                         passed, report, submission)
from grader.classroom.gradebook import row_for_failure, row_from_report
from grader.classroom.summary import (CommonMistake, check_pass_rates, common_mistakes, render_picture, score_bins,
                                      write_summary)

STRIDES = "Conv2DTranspose #1 (layer 2): strides (1, 1), expected (2, 2)"


FIRST, RANDOM, BEHAVIOUR = ("structure: course configuration 1", "structure: random configuration 1",
                             "behaviour: course configuration 1")


def class_rows():
    strides = report(exercise1(), exercise2(failed(FIRST, 2, STRIDES), passed(BEHAVIOUR, 1)), exercise3())
    both = report(exercise1(failed(FIRST, 2, PADDING), passed(RANDOM, 2), passed(BEHAVIOUR, 1)),
                  exercise2(failed(FIRST, 2, STRIDES), passed(BEHAVIOUR, 1)), exercise3())
    return [row_from_report(submission("alice"), report(), 1.0),
            row_from_report(submission("bob"), padding_report(), 1.0),
            row_from_report(submission("carol"), padding_report(), 1.0),
            row_from_report(submission("dave"), strides, 1.0),
            row_from_report(submission("erin"), both, 1.0),
            row_for_failure(submission("zed", "zed/", problem="The folder zed/ is empty: ask the student."),
                            MAX_SCORES)]


def test_each_student_counts_once_per_exercise_on_their_first_failed_check():
    mistakes = common_mistakes(class_rows())
    assert mistakes == [
        CommonMistake("exercise1", "structure: course configuration 1", PADDING, ("bob", "carol", "erin")),
        CommonMistake("exercise2", "structure: course configuration 1", STRIDES, ("dave", "erin"))]
    assert mistakes[0].count == 3


def test_a_check_without_mistake_words_is_grouped_by_its_message():
    crashed = report(exercise1(passed(FIRST, 2), failed(RANDOM, 2, None, "The grading process ended.\nMore."),
                               passed(BEHAVIOUR, 1)), exercise2(), exercise3())
    (mistake,) = common_mistakes([row_from_report(submission("x"), crashed, 1.0)])
    assert (mistake.check, mistake.mistake) == ("structure: random configuration 1", "The grading process ended.")


def test_pass_rates_count_graded_students_only_in_report_order():
    rates = check_pass_rates(class_rows(), EXERCISES)
    assert [(rate.exercise, rate.check, rate.passed, rate.graded) for rate in rates[:3]] == [
        ("exercise1", "structure: course configuration 1", 2, 5),
        ("exercise1", "structure: random configuration 1", 3, 5),
        ("exercise1", "behaviour: course configuration 1", 5, 5)]
    assert rates[0].percent == 40.0 and len(rates) == 7


def test_scores_fall_in_tenths_with_full_marks_apart():
    # bob, carol, erin: 8/12 = 66.7%; dave: 10/12 = 83.3%; alice: 100%; zed was not graded
    assert score_bins(class_rows()) == [0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 1]


def test_summary_md_names_the_mistakes_their_students_and_what_could_not_be_graded(tmp_path):
    md_path, png_path = write_summary(tmp_path, class_rows(), EXERCISES, {"seed": 7, "submissions": "class.zip"})
    text = md_path.read_text(encoding="utf-8")
    assert text.startswith("# Class summary\n\n- seed: 7\n- submissions: class.zip\n")
    assert "- 6 submissions: 5 graded, 1 could not be graded" in text
    assert ("| 3 | exercise1 | structure: course configuration 1 | Conv2D #2 (layer 3): padding 'valid', "
            "expected 'same' | bob, carol, erin |") in text
    assert "| 2 | exercise2 | structure: course configuration 1 |" in text and "| dave, erin |" in text
    assert "| exercise1 | structure: course configuration 1 | 2/5 | 40% |" in text
    assert "## Could not be graded" in text and "| zed | zed/ | The folder zed/ is empty: ask the student. |" in text
    assert "![Score distribution, pass rates and mistakes](summary.png)" in text


def test_markdown_special_characters_in_ids_and_mistakes_stay_in_their_cell(tmp_path):
    odd = row_for_failure(submission("a|b_c", "a|b.py", problem="Line one\nline | two *bold*"), MAX_SCORES)
    (md_path, _) = write_summary(tmp_path, [odd], EXERCISES, {})
    assert "| a\\|b\\_c | a\\|b.py | Line one line \\| two \\*bold\\* |" in md_path.read_text(encoding="utf-8")


def test_summary_png_opens_and_shows_something(tmp_path):
    _, png_path = write_summary(tmp_path, class_rows(), EXERCISES, {})
    with Image.open(png_path) as picture:
        assert picture.format == "PNG" and picture.width >= 800 and picture.height >= 800
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 20  # bars, text and axes, not a blank page


def test_the_picture_survives_odd_texts_and_empty_classes():
    long_words = "layers: " + "MaxPooling2D where Dropout is expected " * 8 + "$x$ and $y$"
    odd = report(exercise1(failed(FIRST, 2, long_words), passed(RANDOM, 2), passed(BEHAVIOUR, 1)),
                 exercise2(), exercise3())
    for rows in ([row_from_report(submission("x"), odd, 1.0)], [], [row_for_failure(submission("z", problem="No."),
                                                                                       MAX_SCORES)]):
        picture = render_picture(rows, check_pass_rates(rows, EXERCISES), common_mistakes(rows))
        with Image.open(io.BytesIO(picture)) as image:
            assert image.size[0] > 0
