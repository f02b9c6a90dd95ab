"""A second opinion from ``frictionless``, given only what this package has already confined.

:func:`frictionless_problems` runs ``frictionless validate`` on a copy of the validated snapshot
(:attr:`gbaresearch.dataset.validation.Checked.files`: ``datapackage.json`` and the files it names, as
read through the boundary of :mod:`gbaresearch.dataset.confined`), never on the data directory itself,
so it cannot follow a link there or read a file the validator refused. Nothing may reach the
network while it runs (an audit hook refuses every socket connection and name look-up), and it
is stopped after :data:`DEADLINE_S` seconds. It is run only when the package's own validation
found no problem (``gbaresearch validate --frictionless``, the third step of ``make validate``).
"""

from __future__ import annotations

import csv
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .confined import write_beneath
from .paths import PACKAGE_FILE
from .problems import Problem

DEADLINE_S = 300
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"})
_offline = False


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if _offline and event in _NETWORK_EVENTS:
        raise PermissionError(f"network access refused while checking the data ({event})")


@contextmanager
def offline() -> Iterator[None]:
    """Refuse every network connection and name look-up of this process inside the block. The
    csv module's field size limit (which frictionless raises for the whole process) is restored
    afterwards, so this package's own reader keeps its limit."""
    global _offline
    if not getattr(sys, "_gbaresearch_offline_hook", False):
        sys.addaudithook(_refuse_network)
        sys._gbaresearch_offline_hook = True  # type: ignore[attr-defined]
    _offline = True
    limit = csv.field_size_limit()
    try:
        yield
    finally:
        _offline = False
        csv.field_size_limit(limit)


class _Deadline(Exception):
    pass


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`TimeoutError` when the block runs longer than ``seconds`` (main thread only)."""

    def alarm(*_: object) -> None:
        raise _Deadline

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    except _Deadline:
        raise TimeoutError(f"took longer than {seconds} s") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def frictionless_problems(files: dict[str, bytes], seconds: int = DEADLINE_S) -> list[Problem]:
    """What ``frictionless validate`` finds in the snapshot ``files`` (relative path → bytes), as
    problems with code ``frictionless``; empty when it finds nothing."""
    import frictionless

    with tempfile.TemporaryDirectory(prefix="gbaresearch-frictionless-") as tmp:
        for rel, data in files.items():
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            write_beneath(tmp, rel, data)
        try:
            with offline(), deadline(seconds):
                report = frictionless.validate(str(Path(tmp) / PACKAGE_FILE))
        except TimeoutError:
            return [Problem(PACKAGE_FILE, 0, "-", f"frictionless did not finish within {seconds} s", "frictionless")]
        out = [Problem(PACKAGE_FILE, 0, "-", f"frictionless: {e.message}", "frictionless") for e in report.errors]
        for task in report.tasks:
            place = str(getattr(task, "place", "") or task.name)
            label = place[len(tmp) + 1 :] if place.startswith(tmp + "/") else place
            for e in task.errors:
                row = getattr(e, "row_number", None)
                fld = getattr(e, "field_name", None) or "-"
                out.append(Problem(label, int(row or 0), str(fld), f"frictionless: {e.message}", "frictionless"))
        return out
