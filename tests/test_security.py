"""The security corpus: every hostile input gives exactly its problems, codes and exit code,
within a time budget, without opening what it must not open."""

from __future__ import annotations

import builtins
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import sampled
from security_corpus import ATTACKS, Attack

import gbaresearch
from gbaresearch import cli
from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.dataset.problems import CODES

DATA = REPO_DIR / "data"
BUDGET_S = 10  # per input, for validation through the library and through the command line
BY_NAME = {a.name: a for a in ATTACKS}


def test_corpus_covers_the_classes():
    assert len(ATTACKS) >= 40 and len(BY_NAME) == len(ATTACKS)
    per_class = Counter(a.klass for a in ATTACKS)
    assert sorted(per_class) == [1, 2, 3, 4, 5] and min(per_class.values()) >= 5, per_class
    for a in ATTACKS:
        assert len(a.codes) == len(a.expected), a.name
        assert set(a.codes) <= set(CODES), a.name
        assert a.exit_code == (1 if a.expected else 0) or (a.exit_code == 2 and len(a.expected) == 1), a.name


LIBRARY = [a for a in ATTACKS if a.command == ("validate",) and a.exit_code != 2]


class Budget:
    """Fail (instead of hanging) when the block takes longer than ``seconds``."""

    def __init__(self, seconds: int):
        self.seconds = seconds

    def _alarm(self, *_):
        raise TimeoutError(f"took longer than {self.seconds} s")

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, self._alarm)
        signal.alarm(self.seconds)
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.old)
        self.elapsed = time.perf_counter() - self.start
        return False


def _build(tmp_path: Path, attack: Attack, monkeypatch) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    env = attack.mutate(d) or {}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return d


@pytest.fixture
def opened(monkeypatch):
    """Record every path the process opens (builtins.open, io.open, os.open), resolved."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def note(path) -> None:
        if isinstance(path, (str, bytes, os.PathLike)):
            seen.append(str(Path(os.fsdecode(path)).resolve()))

    def guarded_open(file, *args, **kwargs):
        note(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path, *args, **kwargs):
        note(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    return seen


@pytest.mark.parametrize("attack", sampled(LIBRARY, lambda a: a.name, every=10, first_of=lambda a: a.codes))
def test_library_reports_exactly_and_in_time(attack, tmp_path, monkeypatch, opened):
    d = _build(tmp_path, attack, monkeypatch)
    opened.clear()
    with Budget(BUDGET_S):
        problems = gbaresearch.validate(d)
    assert [str(p) for p in problems] == attack.expected_for(d)
    assert [p.code for p in problems] == list(attack.codes)
    for p in problems:
        assert "\n" not in str(p) and "\r" not in str(p) and str(p).isprintable(), str(p)
    for path in attack.never_opened:
        target = str(Path(path.replace("{out}", str(d.parent / "outside"))).resolve())
        assert target not in opened, f"{target} was opened"


# the attacks the library test above does not cover all run in the edit-test loop; the CLI's
# repetition of the others is sampled there and complete in `make test`
@pytest.mark.parametrize("attack", sampled(ATTACKS, lambda a: a.name, keep=lambda a: a not in LIBRARY))
def test_cli_prints_exactly_and_exits(attack, tmp_path, monkeypatch, capsys):
    d = _build(tmp_path, attack, monkeypatch)
    with Budget(BUDGET_S):
        code = cli.main(attack.argv(d))
    out, err = capsys.readouterr()
    assert code == attack.exit_code
    if attack.exit_code == 2:
        assert out == "" and err.splitlines()[-1:] == attack.expected_for(d)
    elif attack.expected:
        assert out.splitlines() == attack.expected_for(d)
    else:  # one line, nothing forged or sent to the terminal raw
        assert attack.command == ("validate",)
        assert out.startswith("valid: ") and len(out.splitlines()) == 1 and out.rstrip("\n").isprintable(), out


# A real interpreter for the inputs that could block or exhaust a process (FIFOs, devices,
# sockets, deep nesting, huge files), killed if it overruns the budget.
RISKY = [a for a in ATTACKS if a.klass == 2]


@pytest.mark.slow
@pytest.mark.parametrize("attack", RISKY, ids=lambda a: a.name)
def test_command_finishes_in_time(attack, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    env = {k: v for k, v in os.environ.items() if k != "GBARESEARCH_DATA"}
    env.update(attack.mutate(d) or {})
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "gbaresearch", *attack.argv(d)],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=BUDGET_S + 10,
    )
    assert time.perf_counter() - start < BUDGET_S + 5
    assert "Traceback" not in r.stderr
    assert r.returncode == attack.exit_code
    assert (
        r.stdout if attack.exit_code != 2 else r.stderr.splitlines()[-1] + "\n"
    ).splitlines() == attack.expected_for(d)


def test_problem_codes_are_documented_once():
    assert len(CODES) == len(set(CODES)) >= 40
    doc = gbaresearch.dataset.problems.__doc__ or ""
    for code in CODES:
        assert doc.count(f"``{code}``") == 1, code


def test_every_problem_of_both_corpora_has_a_documented_code():
    """test_corpus checks that each case gives exactly the codes it lists; here every listed code
    is documented, so every problem of the corpus has a documented code (without validating the
    corpus a second time)."""
    from corpus import CASES

    for case in CASES:
        assert case.codes and set(case.codes) <= set(CODES), case.name
