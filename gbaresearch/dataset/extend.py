"""Work on a copy of the data: copy it, append or drop rows, so that extending the dataset can
be tried (and validated) without touching the real ``data/``.

New batches and cases are added from one announcement file with :func:`gbaresearch.dataset.announce.add`
(``gbaresearch add``), which checks everything before it writes; the functions here are the
low-level tools for tests and for corrections made in code.

Rows are written in the schema's column order, in the schema's own spellings: a column left out
or ``None`` is written as the table's first ``missingValues`` entry (``NA`` here), a boolean as
the field's first ``trueValues`` or ``falseValues`` entry. Files are read and written by
:mod:`gbaresearch.dataset.csvfile` (UTF-8, LF line endings) within the data directory's boundary: a
file reached through a symbolic link out of its folder is neither read nor written
(:class:`~gbaresearch.dataset.limits.Refused`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from .csvfile import read_records, write_records
from .paths import data_dir as _data_dir
from .schema import Resource, read_package


def copy_data(dest: str | Path, source: str | Path | None = None) -> Path:
    """Copy the data directory (default: the shipped data) to ``dest``/``data``; return that path.

    Symbolic links are copied as links, never followed, so a link out of the data directory
    stays a link (which validation refuses) instead of becoming a copy of the file it names."""
    target = Path(dest) / "data"
    shutil.copytree(_data_dir(source), target, symlinks=True)
    return target


def _cell(value: object, missing: str = "NA", true: str = "true", false: str = "false") -> str:
    """``value`` as the text of a cell, with the given spellings of a missing value and booleans."""
    if value is None:
        return missing
    if value is True:
        return true
    if value is False:
        return false
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def append_rows(data_dir: str | Path, table: str, rows: Iterable[Mapping[str, object]]) -> int:
    """Append ``rows`` (mappings of column → value) to ``table``; return how many were written."""
    data_dir = Path(data_dir)
    res = read_package(data_dir).resource(table)
    names = res.field_names
    out = []
    for row in rows:
        unknown = set(row) - set(names)
        if unknown:
            raise KeyError(f"{table} has no column(s): {', '.join(sorted(unknown))}")
        out.append([_spelled(res, c, row.get(c)) for c in names])
    return write_records(data_dir / res.path, names, out, append=True, root=data_dir)


def _spelled(res: Resource, column: str, value: object) -> str:
    """``value`` of ``column`` in ``res``'s own spellings of missing values and booleans."""
    f = res.field(column)
    missing = res.missing_values[0] if res.missing_values else ""
    return _cell(
        value, missing, f.true_values[0] if f.true_values else "true", f.false_values[0] if f.false_values else "false"
    )


def _read_rows(data_dir: Path, table: str) -> tuple[Path, list[str], list[dict[str, str]]]:
    res = read_package(data_dir).resource(table)
    path = data_dir / res.path
    header, rows = read_records(path, root=data_dir)
    return path, header, rows


def drop_rows(data_dir: str | Path, table: str, where: Callable[[dict[str, str]], bool]) -> int:
    """Remove the rows of ``table`` for which ``where(row_dict)`` is true; return how many."""
    path, header, rows = _read_rows(Path(data_dir), table)
    keep = [r for r in rows if not where(r)]
    write_records(path, header, keep, root=Path(data_dir))
    return len(rows) - len(keep)


def edit_rows(data_dir: str | Path, table: str, where: Callable[[dict[str, str]], bool], **changes: object) -> int:
    """Set ``changes`` (column=value) on the rows of ``table`` matching ``where``; return how many."""
    path, header, rows = _read_rows(Path(data_dir), table)
    res = read_package(Path(data_dir)).resource(table)
    hits = [r for r in rows if where(r)]
    for r in hits:
        r.update({k: _spelled(res, k, v) for k, v in changes.items()})
    write_records(path, header, rows, root=Path(data_dir))
    return len(hits)
