"""Every import of the package is declared: core for the loaders, an extra for the rest."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest

from gbaresearch.dataset.paths import PACKAGE_DIR, REPO_DIR

PYPROJECT = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


CORE = {_name(r) for r in PYPROJECT["dependencies"]}
EXTRAS = {extra: {_name(r) for r in reqs} for extra, reqs in PYPROJECT["optional-dependencies"].items()}


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in the package -> the files importing them."""
    stdlib = set(sys.stdlib_module_names)
    found: dict[str, set[str]] = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in stdlib and top != "gbaresearch":
                    found.setdefault(top, set()).add(path.relative_to(PACKAGE_DIR).as_posix())
    return found


@pytest.mark.slow  # parses every module of the package and the tests
def test_every_third_party_import_is_a_declared_dependency():
    dists = packages_distributions()
    declared = CORE.union(*EXTRAS.values())
    missing = {}
    for module, files in _third_party_imports().items():
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(files)
    assert missing == {}


def test_core_dependencies_are_only_what_the_loaders_need():
    assert CORE == {"pandas", "numpy", "pyyaml", "google-re2"}  # google-re2: schema patterns in linear time


@pytest.mark.slow  # a fresh interpreter
def test_import_and_load_use_only_the_core_dependencies():
    code = (
        "import sys, gbaresearch as g\n"
        "g.load_dataset(); g.validate(); g.cite()\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(r.stdout.split())
    dists = packages_distributions()
    third_party = {m for m in loaded - set(sys.stdlib_module_names) if m in dists and m != "gbaresearch"}
    allowed = {
        m
        for m in third_party
        if {d.lower() for d in dists[m]} & (CORE | {"python-dateutil", "tzdata", "six", "setuptools"})
    }
    assert third_party - allowed == set()
    assert not {"matplotlib", "scipy", "krippendorff", "openpyxl", "sphinx", "nbclient"} & loaded


def test_citation_and_package_metadata_agree_and_say_how_to_cite_a_data_version():
    import yaml

    cff = yaml.safe_load((REPO_DIR / "CITATION.cff").read_text(encoding="utf-8"))
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in PYPROJECT["authors"]]
    assert cff["license"] == "CC-BY-4.0" and PYPROJECT["license"] == "MIT AND CC-BY-4.0"
    assert "data version you used" in cff["message"] and "gbaresearch.cite()" in cff["message"]
    # a repository address appears in both or in neither (none is recorded yet)
    assert ("repository-code" in cff) == ("urls" in PYPROJECT)


def test_licence_texts_are_the_mit_licence_and_the_cc_by_4_legal_code():
    mit = (REPO_DIR / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License\n\nCopyright (c) ") and "<year>" not in mit
    cc = (REPO_DIR / "LICENSE-DATA").read_text(encoding="utf-8")
    assert cc.startswith("Creative Commons Attribution 4.0 International\n")
    for heading in [f"Section {i} –" for i in range(1, 9)]:
        assert heading in cc
    assert "<<" not in cc  # no SPDX template markup left
    assert PYPROJECT["license-files"] == ["LICENSE", "LICENSE-DATA"]
