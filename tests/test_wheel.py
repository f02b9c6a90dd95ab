"""The built wheel works on its own: data, citation and command line from outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from gbaresearch.dataset.paths import REPO_DIR

pytestmark = pytest.mark.slow

DATA_FILES = sorted(p.name for p in (REPO_DIR / "data").iterdir() if p.suffix in {".csv", ".json", ".md"})
NOTEBOOKS = sorted(p.name for p in (REPO_DIR / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stdout}\n{r.stderr}"
    return r


def _outside() -> dict[str, str]:
    """This environment without the variables that point at the checkout or its data."""
    return {k: v for k, v in os.environ.items() if k not in {"GBARESEARCH_DATA", "PYTHONPATH"}}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and the sdist (no network: build isolation off, setuptools from this environment)."""
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(out), str(REPO_DIR)],
        cwd=out,
    )
    return out


def test_wheel_and_sdist_ship_the_dataset_and_citation(dist: Path) -> None:
    (wheel,) = dist.glob("gbaresearch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"gbaresearch/data/{n}" for n in DATA_FILES} <= names
    assert "gbaresearch/CITATION.cff" in names and "gbaresearch/py.typed" in names
    assert {f"gbaresearch/notebooks/{n}" for n in NOTEBOOKS} <= names and len(NOTEBOOKS) >= 10
    assert {"gbaresearch/LICENSE", "gbaresearch/LICENSE-DATA"} <= names
    assert {n.rsplit("/", 1)[1] for n in names if ".dist-info/licenses/" in n} == {"LICENSE", "LICENSE-DATA"}
    assert not any(n.startswith(("tests/", "notebooks/", "data/")) for n in names)
    (sdist,) = dist.glob("gbaresearch-*.tar.gz")
    members = {m.split("/", 1)[1] for m in tarfile.open(sdist).getnames() if "/" in m}
    assert {f"data/{n}" for n in DATA_FILES} | {"CITATION.cff", "setup.py", "LICENSE", "LICENSE-DATA"} <= members
    assert {f"notebooks/{n}" for n in NOTEBOOKS} <= members


def test_installed_wheel_loads_validates_cites_and_runs_cli(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("gbaresearch-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    _run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path,
        env=_outside(),
    )
    # Dependencies come from this environment's site-packages (added as a plain path, so this
    # environment's editable install of gbaresearch is not activated there).
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path).stdout.strip()
    )
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"GBARESEARCH_DATA", "PYTHONPATH"}}
    script = (
        "import gbaresearch as g, pathlib\n"
        "ds = g.load_dataset()\n"
        f"assert pathlib.Path(g.__file__).resolve().is_relative_to(pathlib.Path({str(site)!r}).resolve()), g.__file__\n"
        f"assert g.data_dir().is_relative_to(pathlib.Path({str(site)!r}).resolve()), g.data_dir()\n"
        "print(len(ds.cases), ds.version, g.validate() == [])\n"
        "print(g.cite())\n"
    )
    r = _run([str(py), "-c", script], cwd=elsewhere, env=env)
    n_cases, version, valid = r.stdout.splitlines()[0].split()
    assert int(n_cases) == len((REPO_DIR / "data" / "cases.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert valid == "True"
    assert f"(Version {version})" in r.stdout.splitlines()[1]
    r = _run([str(venv / "bin" / "gbaresearch"), "validate"], cwd=elsewhere, env=env)
    assert r.stdout.startswith(f"valid: {site.resolve() / 'gbaresearch' / 'data'}")
    r = _run([str(py), "-m", "gbaresearch", "summary"], cwd=elsewhere, env=env)
    assert r.stdout.startswith(f"gbaresearch data {version}:")


def test_installed_wheel_gives_the_notebooks_and_runs_them_and_the_report(dist: Path, tmp_path: Path) -> None:
    """A user of the installed package copies the notebooks, executes one, and builds the site."""
    (wheel,) = dist.glob("gbaresearch-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    _run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path,
        env=_outside(),
    )
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path).stdout.strip()
    )
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"GBARESEARCH_DATA", "PYTHONPATH"}}
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    (tmp_path / "tmp").mkdir()
    env["TMPDIR"] = str(tmp_path / "tmp")  # a cold execution cache (outside a checkout it is in the temp folder)
    cli = str(venv / "bin" / "gbaresearch")
    r = _run([cli, "notebooks", "--copy", "my-notebooks"], cwd=elsewhere, env=env)
    assert sorted(p.name for p in (elsewhere / "my-notebooks").iterdir()) == NOTEBOOKS
    assert r.stdout.splitlines()[0] == str(elsewhere / "my-notebooks" / NOTEBOOKS[0])
    one = elsewhere / "my-notebooks" / NOTEBOOKS[0]
    _run([cli, "notebooks", str(one), "--out", str(elsewhere / "run.ipynb")], cwd=elsewhere, env=env)
    assert '"output_type": "error"' not in (elsewhere / "run.ipynb").read_text(encoding="utf-8")
    r = _run([cli, "report", "--out", str(elsewhere / "site")], cwd=elsewhere, env=env)
    assert f"executing {len(NOTEBOOKS)} notebooks" in r.stdout
    assert (elsewhere / "site" / "index.html").is_file()
    assert (elsewhere / "site" / "notebooks" / NOTEBOOKS[-1].replace(".ipynb", ".html")).is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["my-notebooks", "run.ipynb", "site"]
