"""The report's execution cache: nothing changed, nothing executed; one notebook changed, one executed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.publish import buildcache, report
from gbaresearch.publish.buildcache import NotebookCache
from gbaresearch.publish.notebooks import notebook_paths


def test_a_notebook_key_changes_with_the_notebook_and_with_the_data(tmp_path, data_copy):
    nb = tmp_path / "01-x.ipynb"
    shutil.copyfile(notebook_paths()[0], nb)
    data = buildcache.data_hash(data_copy)
    key = buildcache.notebook_key(nb, data)
    assert buildcache.notebook_key(nb, data) == key
    assert data == buildcache.data_hash(REPO_DIR / "data")  # same content, another folder: same hash
    (data_copy / "CHANGELOG.md").write_text("changed\n", encoding="utf-8")
    assert buildcache.notebook_key(nb, buildcache.data_hash(data_copy)) != key
    nb.write_bytes(nb.read_bytes() + b" ")
    assert buildcache.notebook_key(nb, data) != key


def test_the_cache_keeps_one_entry_per_notebook(tmp_path):
    cache = NotebookCache(tmp_path / "cache")
    src = tmp_path / "run.ipynb"
    src.write_text("{}")
    cache.put("01-x.ipynb", "a" * 64, src)
    cache.put("01-x.ipynb", "b" * 64, src)
    assert cache.get("01-x.ipynb", "a" * 64) is None and cache.get("01-x.ipynb", "b" * 64) is not None
    assert len(list((tmp_path / "cache").glob("01-x-*.ipynb"))) == 1


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:.*is deprecated. Check CHANGES")
def test_rebuilds_execute_only_what_changed(tmp_path, monkeypatch):
    from site_fixtures import copy_executor

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for p in notebook_paths():
        shutil.copyfile(p, nbs / p.name)
    monkeypatch.setattr(report, "notebook_paths", lambda: sorted(nbs.glob("*.ipynb")))
    calls: list[list[str]] = []

    def counting(paths, out_dir, data_dir, **kw):
        calls.append([p.name for p in paths])
        return copy_executor(paths, out_dir, data_dir, **kw)

    out, lines = tmp_path / "site", []

    def build():
        lines.clear()
        return report.build(out, executor=counting, use_cache=True, cache_dir=tmp_path / "cache", log=lines.append)

    build()
    assert calls == [[p.name for p in sorted(nbs.glob("*.ipynb"))]]
    first = (out / "index.html").read_bytes()
    build()  # nothing changed: nothing executed, nothing rendered
    assert len(calls) == 1 and any("nothing changed" in line for line in lines)
    assert report.LAST_TIMINGS.stages["render"] == 0.0 and (out / "index.html").read_bytes() == first
    target = sorted(nbs.glob("*.ipynb"))[2]
    nb = json.loads(target.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]) + "\n\nOne more sentence."
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    build()  # one notebook changed: only it is executed
    assert calls[-1] == [target.name] and len(calls) == 2
    assert "One more sentence." in (out / "notebooks" / f"{target.stem}.html").read_text(encoding="utf-8")
    assert any("9 unchanged, taken from the cache" in line for line in lines) or len(notebook_paths()) != 10


def test_the_cache_lives_in_build_not_in_data():
    d = buildcache.default_dir()
    assert d == REPO_DIR / "build" / "notebook-cache" and not d.is_relative_to(REPO_DIR / "data")


def test_key_parts_cover_the_lock_file_and_the_code():
    assert len(buildcache.lock_hash()) == 64 and len(buildcache.code_hash()) == 64
    assert Path(REPO_DIR / "requirements.txt").is_file()
