"""Shared test set-up: quiet TensorFlow, paths to the repository and to the shared real frames."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from segmentation.quiet_tf import import_tensorflow  # noqa: E402

import_tensorflow()

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_LYFT = REPO_ROOT.parent / "shared" / "lyft"


@pytest.fixture
def repo_root():
    """The checkout's root folder."""
    return REPO_ROOT


@pytest.fixture
def lyft_dir():
    """The 10 real Lyft-layout frames beside the checkout; the test is skipped without them."""
    if not (SHARED_LYFT / "CameraRGB").is_dir():
        pytest.skip(f"real frames not found at {SHARED_LYFT}")
    return SHARED_LYFT
