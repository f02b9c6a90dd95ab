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


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site built once per test process from the shipped data and the committed notebooks."""
    from site_fixtures import copy_executor

    from gbaresearch import report

    out = tmp_path_factory.mktemp("site") / "report"
    index = report.build(out, executor=copy_executor, log=lambda s: None)
    assert index == out / "index.html"
    return out
