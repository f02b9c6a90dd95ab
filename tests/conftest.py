import gc
import re
import shutil
import sys
from pathlib import Path

import pytest

from gbaresearch.dataset.paths import REPO_DIR

# benchmarks/synthetic.py (the benchmark data generator) is imported by the large-file tests.
sys.path.insert(0, str(REPO_DIR / "benchmarks"))

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

    from gbaresearch.publish import report

    out = tmp_path_factory.mktemp("site") / "report"
    index = report.build(out, executor=copy_executor, log=lambda s: None)
    assert index == out / "index.html"
    return out


def sampled(items, ids, keep=lambda item: False, every=8, first_of=None):
    """``items`` as pytest parameters for a case-by-case sweep of a corpus: every ``every``-th
    item, the first item of each distinct ``first_of(item)`` (e.g. each problem code), and each
    item for which ``keep`` is true run in the edit-test loop (`make test-fast`); the others run
    only in `make test` (marked slow)."""
    seen = set()
    params = []
    for i, item in enumerate(items):
        group = first_of(item) if first_of is not None else None
        first = first_of is not None and group not in seen
        seen.add(group)
        fast = i % every == 0 or first or keep(item)
        params.append(pytest.param(item, id=ids(item), marks=() if fast else pytest.mark.slow))
    return params


_ALL_SLOW = re.compile(r"^pytestmark = \[?pytest\.mark\.slow\b", re.M)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m "not slow"`` (``make test-fast``), do not even import a test module whose every
    test is marked slow (a module-level ``pytestmark = pytest.mark.slow``): importing it would
    cost time for tests that are deselected anyway."""
    if config.getoption("markexpr", "") != "not slow" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return True if _ALL_SLOW.search(collection_path.read_text(encoding="utf-8")) else None


def pytest_configure(config: pytest.Config) -> None:
    """Collect garbage less often than Python's default: the tests allocate many short-lived
    frames, and the default thresholds spend seconds of a run walking them. Timing only."""
    gc.set_threshold(50_000, 20, 100)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported lives for the whole run: keep it out of every later collection."""
    gc.freeze()
