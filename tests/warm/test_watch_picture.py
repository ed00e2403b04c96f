"""watch keeps one picture file up to date and says where (a stand-in grader: no TensorFlow)."""
import io

import pytest

from grader.warm.watch import watch
from picture_fixtures import report


class _Grader:
    """Gives the saved reports in turn, as a warm Grader would for each save."""

    def __init__(self, *reports):
        self.reports = list(reports)

    def grade(self, source, names, seed):
        return self.reports.pop(0)


def _sleeps(watched, saves):
    """A `sleep` that saves `watched` `saves` times (a new state each time), then stops the watch."""
    calls = {"count": 0}

    def sleep(_):
        calls["count"] += 1
        if calls["count"] % 3 == 0:
            if not saves:
                raise KeyboardInterrupt
            watched.write_text(saves.pop(0))
    return sleep


def test_watch_redraws_one_picture_at_every_save_and_says_where(tmp_path):
    watched, target = tmp_path / "unet.py", tmp_path / "mine.png"
    watched.write_text("first")
    out = io.StringIO()
    grader = _Grader(report("wrong_unet_hard_coded_filters.py"), report("wrong_conv_block_valid_padding.py"))
    with pytest.raises(KeyboardInterrupt):
        watch(grader, None, watched, ["exercise3"], 7, out=out, poll_s=0,
              sleep=_sleeps(watched, ["second, longer"]), picture=str(target))
    said = out.getvalue()
    assert said.count(f"the first difference marked: {target} (drawn in ") == 2
    assert said.index("Score:") < said.index("Picture of your model")  # the verdict comes first
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine.png", "unet.py"]  # no half-written file left


def test_watch_without_a_picture_draws_none(tmp_path):
    watched = tmp_path / "unet.py"
    watched.write_text("first")
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        watch(_Grader(report("wrong_unet_hard_coded_filters.py")), None, watched, ["exercise3"], 7, out=out,
              poll_s=0, sleep=_sleeps(watched, []))
    assert "Picture" not in out.getvalue()
