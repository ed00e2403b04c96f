"""Comparing outputs: within the tolerance they match, beyond it (or NaN) they do not (pure: no TensorFlow)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.grading import compare


def _encoded(values):
    import numpy as np

    from grader.grading.model.behaviour import encode

    return encode(np.asarray(values, dtype=np.float32))


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=50),
       noise=st.floats(-1e-6, 1e-6))
def test_outputs_within_tolerance_match_and_beyond_it_do_not(values, noise):
    expected = [_encoded(values)]
    assert compare.outputs_difference(expected, [_encoded([v + noise for v in values])]) is None
    changed = list(values)
    changed[-1] += 1.0 + abs(changed[-1])
    finding = compare.outputs_difference(expected, [_encoded(changed)])
    assert finding["what"] == "values" and finding["position"] == [len(values) - 1]


def test_not_a_number_never_matches():
    finding = compare.outputs_difference([_encoded([1.0, 2.0])], [_encoded([1.0, float("nan")])])
    assert finding is not None and finding["position"] == [1]
