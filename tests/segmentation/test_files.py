"""Result files are written whole or not at all, and a full disk gets a clear message."""
import errno
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmentation.files import OutputError, atomic_path, read_csv, write_csv, write_json


def test_write_json_and_csv_round_trip(tmp_path):
    write_json(tmp_path / "a.json", {"x": 1})
    assert (tmp_path / "a.json").read_text() == '{\n  "x": 1\n}\n'
    write_csv(tmp_path / "h.csv", [{"epoch": 1, "loss": 0.5, "val_loss": None}], ["epoch", "loss", "val_loss"])
    assert read_csv(tmp_path / "h.csv") == [{"epoch": 1.0, "loss": 0.5, "val_loss": None}]


def test_failed_write_keeps_old_file_and_leaves_no_partial(tmp_path):
    target = tmp_path / "metrics.json"
    write_json(target, {"old": True})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("crash while writing")
    assert target.read_text() == '{\n  "old": true\n}\n'
    assert sorted(os.listdir(tmp_path)) == ["metrics.json"]


def test_full_disk_names_the_file_and_says_what_to_do(tmp_path):
    target = tmp_path / "model.keras"
    with pytest.raises(OutputError) as caught:
        with atomic_path(target) as temporary:
            temporary.write_bytes(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
    message = str(caught.value)
    assert "disk is full" in message and str(target) in message and "--out" in message
    assert os.listdir(tmp_path) == []


def test_unwritable_folder_gets_permission_message(tmp_path):
    with pytest.raises(OutputError, match="Permission denied"):
        with atomic_path(tmp_path / "x.json"):
            raise PermissionError(errno.EACCES, "Permission denied")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20)


@settings(max_examples=80, deadline=None)
@given(json_values)
def test_json_round_trips_with_number_lists_on_one_line(value):
    import tempfile
    from pathlib import Path

    from segmentation.files import read_json

    with tempfile.TemporaryDirectory() as folder:
        write_json(Path(folder) / "v.json", {"value": value})
        assert read_json(Path(folder) / "v.json") == {"value": value}


def test_confusion_matrix_rows_are_one_line_each(tmp_path):
    write_json(tmp_path / "m.json", {"confusion_matrix": [[1, 0], [2, 3]]})
    assert '[1, 0],\n    [2, 3]' in (tmp_path / "m.json").read_text()
