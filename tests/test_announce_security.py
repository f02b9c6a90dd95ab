"""The announcement reader refuses hostile files: exactly the expected lines and codes, within a
time budget, with the data directory left exactly as it was and nothing written beside it."""

import shutil

import pytest
from conftest import sampled
from security_corpus import YAML_ATTACKS
from test_security import BUDGET_S, Budget

from gbaresearch import cli
from gbaresearch.dataset import announce
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.dataset.problems import CODES


def test_yaml_corpus_is_well_formed():
    names = [a.name for a in YAML_ATTACKS]
    assert len(names) == len(set(names)) >= 12
    for a in YAML_ATTACKS:
        assert len(a.codes) == len(a.expected) and set(a.codes) <= set(CODES), a.name


def _files(d):
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("attack", sampled(YAML_ATTACKS, lambda a: a.name, every=3, first_of=lambda a: a.codes))
def test_add_refuses_exactly_and_touches_nothing(attack, tmp_path, capsys):
    d = tmp_path / "data"
    shutil.copytree(REPO_DIR / "data", d)
    f = tmp_path / "announcement.yaml"
    attack.build(f)
    before = _files(tmp_path)
    with Budget(BUDGET_S):
        problems = announce.add(f, d).problems
    assert [str(p) for p in problems] == list(attack.expected)
    assert [p.code for p in problems] == list(attack.codes)
    with Budget(BUDGET_S):
        code = cli.main(["add", str(f), str(d)])
    assert code == attack.exit_code
    assert capsys.readouterr().out.splitlines() == list(attack.expected)
    assert _files(tmp_path) == before


def test_refused_file_is_named_in_the_summary(tmp_path, capsys):
    d = tmp_path / "data"
    shutil.copytree(REPO_DIR / "data", d)
    f = tmp_path / "announcement.yaml"
    f.write_text("batch: !x {batch: 4}\n", encoding="utf-8")
    assert cli.main(["add", str(f), str(d)]) == 1
    assert capsys.readouterr().err.strip() == f"1 problem found in {f}"
