"""Fixtures of the calibration tests."""

import pytest
from calibration_files import TINY, write


@pytest.fixture
def tiny(tmp_path):
    return write(tmp_path, TINY)
