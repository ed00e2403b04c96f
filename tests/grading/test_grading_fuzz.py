"""Fuzzing the grader with single edits of the reference (tests/grading/reference_edits.py).

A fixed set of edits (hypothesis, derandomized, no example database) is drawn first, then
graded in one batch (on the tests' shared warm Grader): the grader never fails
itself (GraderFailure) and never shows a traceback, every rejection names a layer or an
exercise, and no edit that changes a parameter count or an output shape is accepted (the
accepted ones are built again with Keras directly, not with the grader). bench/bench_fuzz.py
runs a thousand edits the same way.
"""
import pytest

import reference_edits
from reference_edits import Edit

SEED = 7
EDITS = 100


@pytest.fixture(scope="module")
def graded(tmp_path_factory, warm_grader):
    """[(Edit, Report)]: the unedited module for each exercise, then the drawn edits, graded in one batch."""
    unchanged = [Edit("unchanged", function, f"{function}: no edit", reference_edits.baseline())
                 for function in reference_edits.EXERCISES]
    edits = unchanged + reference_edits.draw(EDITS)
    # GraderFailure would raise
    reports = reference_edits.grade_all(edits, tmp_path_factory.mktemp("edits"), SEED, grader=warm_grader)
    return list(zip(edits, reports))


def test_edits_are_drawn_the_same_way_every_time():
    first = reference_edits.draw(20)
    assert [edit.source for edit in first] == [edit.source for edit in reference_edits.draw(20)]
    assert len({edit.source for edit in first}) == 20


def test_the_edits_cover_every_kind_and_function(graded):
    edits = [edit for edit, _ in graded if edit.kind != "unchanged"]
    assert len(edits) == EDITS
    assert {edit.kind for edit in edits} == set(reference_edits.KINDS)
    assert {edit.function for edit in edits} == set(reference_edits.EXERCISES)


def test_the_unedited_module_scores_full_marks(graded):
    for edit, report in graded[:3]:
        assert reference_edits.accepted(report), reference_edits.not_passed(report)


def test_the_grader_never_shows_a_traceback_of_its_own(graded):
    for edit, report in graded:
        assert not any("Traceback" in message for message in reference_edits.not_passed(report)), edit.what
        assert "Traceback" not in report.output, edit.what


def test_every_rejection_names_a_layer_or_an_exercise(graded):
    rejected = [(edit, reference_edits.not_passed(report)) for edit, report in graded
                if not reference_edits.accepted(report)]
    assert len(rejected) > EDITS // 2
    for edit, messages in rejected:
        assert any(reference_edits.NAMES_A_PLACE.search(message) for message in messages), (edit.what, messages)


def test_no_edit_that_changes_parameters_or_output_shapes_is_accepted(graded):
    from segmentation.quiet_tf import import_tensorflow

    import_tensorflow()
    accepted = [edit for edit, report in graded if reference_edits.accepted(report)]
    assert len(accepted) > 3  # the unedited module, and a few edits that change nothing that matters
    expected = {name: reference_edits.footprint(reference_edits.baseline(), name, SEED)
                for name in {edit.exercise for edit in accepted}}
    for edit in accepted:
        assert reference_edits.footprint(edit.source, edit.exercise, SEED) == expected[edit.exercise], edit.what
