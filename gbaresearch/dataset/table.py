"""One table as read from its CSV file: converted columns, source lines and the cells that failed.

:mod:`gbaresearch.dataset.validation` builds a :class:`Table` per file; the cross-table rules
(:mod:`gbaresearch.dataset.rules`) and the loader (:mod:`gbaresearch.dataset.load`) read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .schema import Resource


@dataclass
class Table:
    """Converted columns of one file; ``ok`` is False when the file could not be read as a table
    or some of its rows could not be split into fields (the columns then miss those rows)."""

    resource: Resource
    columns: dict[str, list[Any]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    bad: dict[str, set[int]] = field(default_factory=dict)
    ok: bool = False

    def __len__(self) -> int:
        return len(self.lines)

    def rows(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """Yield ``(line, value, ...)`` for the named columns, skipping rows where one of them was
        already reported as bad (so a rule does not repeat a complaint about the same cell)."""
        skip: set[int] = set().union(*(self.bad.get(n, set()) for n in names))
        cols = [self.columns[n] for n in names]
        if not skip:
            return zip(self.lines, *cols)
        return ((line, *vals) for i, (line, *vals) in enumerate(zip(self.lines, *cols)) if i not in skip)
