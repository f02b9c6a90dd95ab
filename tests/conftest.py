import shutil

import pytest

from gbaresearch.paths import REPO_DIR

DATA = REPO_DIR / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of the shipped data directory, safe to modify."""
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d
