"""The library works offline and never writes inside the data directory."""

from __future__ import annotations

import builtins
import io
import os
import socket
import stat
from pathlib import Path

import pytest

import gbaresearch
from gbaresearch import cli
from gbaresearch.dataset.paths import ENV_VAR


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)


def test_the_network_guard_works(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkUsed):
            s.connect(("127.0.0.1", 9))
    finally:
        s.close()


def test_everything_works_offline(no_network, data_copy, monkeypatch, capsys):
    monkeypatch.setenv(ENV_VAR, str(data_copy))
    ds = gbaresearch.load_dataset()
    assert len(ds.cases) > 0
    assert gbaresearch.validate() == []
    assert cli.main(["validate"]) == 0
    assert cli.main(["summary"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"valid: {data_copy.resolve()} (version {ds.version}, ")
    assert f"gbaresearch data {ds.version}: {len(ds.batches)} batches, " in out
    assert err == ""


# --- no writes ----------------------------------------------------------------------------------


def snapshot(d: Path) -> dict:
    """Every entry under ``d`` (the directory itself included) with its mtime and, for files, content."""
    out = {}
    for p in [d, *sorted(d.rglob("*"))]:
        st_ = p.lstat()
        out[str(p.relative_to(d))] = (st_.st_mtime_ns, st_.st_mode, p.read_bytes() if p.is_file() else None)
    return out


@pytest.fixture
def no_writes_in(monkeypatch):
    """Make any attempt to open a file for writing inside the given directory fail loudly (even as root)."""
    guarded: list[Path] = []

    def inside(path) -> bool:
        try:
            p = Path(os.fsdecode(path)).resolve()
        except (TypeError, ValueError):
            return False  # a file descriptor
        return any(p == g or g in p.parents for g in guarded)

    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and inside(file):
            raise AssertionError(f"write attempted: {file} ({mode})")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC) and inside(path):
            raise AssertionError(f"write attempted: {path}")
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    return guarded.append


def test_the_write_guard_works(data_copy, no_writes_in):
    no_writes_in(data_copy.resolve())
    with pytest.raises(AssertionError, match="write attempted"):
        (data_copy / "cases.csv").write_text("x")
    with pytest.raises(AssertionError, match="write attempted"):
        open(data_copy / "new.csv", "a")
    with pytest.raises(AssertionError, match="write attempted"):
        os.open(data_copy / "new.csv", os.O_CREAT | os.O_WRONLY)
    assert (data_copy / "cases.csv").read_text(encoding="utf-8").startswith("case_id,")


def test_snapshot_sees_a_change(data_copy):
    before = snapshot(data_copy)
    (data_copy / "notes.txt").write_text("x")
    assert snapshot(data_copy) != before


def test_nothing_is_written_inside_the_data(data_copy, monkeypatch, capsys, no_writes_in):
    monkeypatch.setenv(ENV_VAR, str(data_copy))
    before = snapshot(data_copy)
    no_writes_in(data_copy.resolve())
    gbaresearch.load_dataset()
    gbaresearch.load_cases()
    assert gbaresearch.validate() == []
    assert cli.main(["validate"]) == 0
    assert cli.main(["summary"]) == 0
    assert cli.main(["validate", str(data_copy)]) == 0
    assert capsys.readouterr().err == ""
    assert snapshot(data_copy) == before


def test_nothing_is_written_for_bad_data_either(data_copy, monkeypatch, capsys, no_writes_in):
    (data_copy / "places.csv").write_bytes(
        (data_copy / "places.csv").read_bytes().replace(b",shenzhen,", b",shenzen,", 1)
    )
    monkeypatch.setenv(ENV_VAR, str(data_copy))
    before = snapshot(data_copy)
    no_writes_in(data_copy.resolve())
    with pytest.raises(gbaresearch.DataValidationError):
        gbaresearch.load_dataset()
    assert cli.main(["validate"]) == 1
    assert cli.main(["summary"]) == 1
    capsys.readouterr()
    assert snapshot(data_copy) == before


def test_a_read_only_copy_loads(data_copy, monkeypatch, capsys):
    files = [data_copy / n for n in os.listdir(data_copy)]
    for p in files:
        p.chmod(0o444)
    data_copy.chmod(0o555)
    try:
        assert not os.stat(data_copy).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        before = snapshot(data_copy)
        monkeypatch.setenv(ENV_VAR, str(data_copy))
        ds = gbaresearch.load_dataset()
        assert ds.data_dir == data_copy.resolve()
        assert gbaresearch.validate(data_copy) == []
        assert cli.main(["validate"]) == 0
        assert cli.main(["summary"]) == 0
        capsys.readouterr()
        assert snapshot(data_copy) == before
    finally:
        data_copy.chmod(0o755)
        for p in files:
            p.chmod(0o644)
