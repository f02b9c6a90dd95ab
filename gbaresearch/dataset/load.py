"""Load the dataset as typed pandas DataFrames.

Every loader validates the whole dataset first (the tables refer to one another) and raises
:class:`~gbaresearch.dataset.problems.DataValidationError` listing every problem. Types come from
``datapackage.json`` alone; no column is treated specially by name:

- fields with ``categories``: categorical with those categories in schema order, ordered when
  the field says ``categoriesOrdered`` (the official ``category``), unordered otherwise;
- fields with ``gba:categoriesFrom``: categorical whose categories are the distinct values of
  the named column in ascending order, ordered when ``categoriesOrdered`` (every ``batch``
  column: the batch numbers in ``batches.csv``);
- ``date`` fields: ``datetime64[ns]``; partial dates (YYYY, YYYY-MM or YYYY-MM-DD): ``string``;
- integers: ``Int64``; numbers: ``Float64``; booleans: ``boolean``; text: ``string``.

Missing values (``NA`` in the files) become ``<NA>``/``NaT``, never 0 or "".
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .labels import describe
from .paths import data_dir as _data_dir
from .problems import DataValidationError
from .schema import PACKAGE_FILE, Field, Package, Resource, load_package
from .table import Table
from .validation import check_dataset


class Dataset(dict[str, pd.DataFrame]):
    """All tables by name (``ds["cases"]`` or ``ds.cases``), with the parsed package.

    Attributes: ``version`` (the data version), ``data_dir`` (where it was read), ``package``
    (the parsed ``datapackage.json``: :class:`~gbaresearch.dataset.schema.Package`, with ``title``,
    ``title_zh`` and every resource and field), ``files`` (the validated snapshot: the bytes of
    every file read, by path relative to ``data_dir``; exports and the site use these, never
    the files again). Use :meth:`resource` and :meth:`field` instead of reading
    ``datapackage.json`` again, and :mod:`gbaresearch.dataset.labels` for titles and labels."""

    version: str
    data_dir: Path
    package: Package
    files: dict[str, bytes]

    def __init__(
        self,
        tables: Iterable[tuple[str, pd.DataFrame]],
        package: Package,
        data_dir: Path,
        files: dict[str, bytes] | None = None,
    ):
        super().__init__(tables)
        self.package = package
        self.version = package.version
        self.data_dir = data_dir
        self.files = dict(files or {})

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def resource(self, table: str) -> Resource:
        """The schema of ``table`` (title, description, provenance, fields, keys)."""
        return self.package.resource(table)

    def field(self, table: str, field: str) -> Field:
        """The schema of one column (title, type, categories, constraints)."""
        return self.package.resource(table).field(field)

    def categories(self, table: str, field: str) -> list[Any]:
        """The categories of a categorical column, in their order."""
        return list(self[table][field].cat.categories)


def _frame(table: Table, derived: dict[tuple[str, str], list[Any]]) -> pd.DataFrame:
    cols: dict[str, Any] = {}
    for f in table.resource.fields:
        values = table.columns[f.name]
        dtype = f.pandas_dtype
        if dtype == "category":
            cats = derived[f.categories_from] if f.categories_from is not None else list(f.enum or ())
            cols[f.name] = pd.Categorical(values, categories=cats, ordered=f.ordered)
        elif dtype == "datetime64[ns]":
            cols[f.name] = pd.to_datetime(pd.Series(values, dtype="object"), format="%Y-%m-%d").astype("datetime64[ns]")
        else:
            cols[f.name] = pd.array(values, dtype=dtype)  # type: ignore[call-overload]
    return pd.DataFrame(cols, index=pd.RangeIndex(len(table)))


def load_dataset(data_dir: str | os.PathLike[str] | None = None, validate: bool = True) -> Dataset:
    """Return every table of the dataset as a :class:`Dataset` of DataFrames.

    ``data_dir`` defaults to ``$GBARESEARCH_DATA`` or the repository's ``data/``. With
    ``validate=False`` problems between tables (foreign keys, counts, provenance) are ignored;
    problems within a file (unreadable files, headers or cells) always raise.
    """
    directory = _data_dir(data_dir)
    key = _signature(directory, validate)
    if key is not None and key in _LOADED:
        package, frames, files = _LOADED[key]
        return Dataset(((name, df.copy()) for name, df in frames.items()), package, directory, files)
    checked = check_dataset(directory)
    problems = checked.problems if validate else checked.file_problems
    if problems or checked.package is None or not all(t.ok for t in checked.tables.values()):
        raise DataValidationError(problems or checked.problems, str(checked.data_dir))
    derived: dict[tuple[str, str], list[Any]] = {}
    for res in checked.package.resources:
        for f in res.fields:
            if f.categories_from is not None and f.categories_from not in derived:
                table, column = f.categories_from
                derived[f.categories_from] = sorted({v for v in checked.tables[table].columns[column] if v is not None})
    frames = {name: _frame(t, derived) for name, t in checked.tables.items()}
    describe(checked.package, frames)
    if key is not None and key == _signature(directory, validate):  # unchanged while it was read
        if len(_LOADED) >= 4:
            _LOADED.clear()
        _LOADED[key] = (checked.package, {name: df.copy() for name, df in frames.items()}, checked.files)
    return Dataset(frames.items(), checked.package, checked.data_dir, checked.files)


# A valid dataset already loaded in this process, by the identity of its files: a warm load
# returns copies of its frames instead of reading and checking everything again. Any change to
# datapackage.json or a listed file (inode, size, modification time), or a new day (dates in
# the future are invalid), reads everything again.
_LOADED: dict[tuple[Any, ...], tuple[Package, dict[str, pd.DataFrame], dict[str, bytes]]] = {}


def _signature(directory: Path, validate: bool) -> tuple[Any, ...] | None:
    package, _ = load_package(directory)
    if package is None:
        return None
    sig: list[Any] = [str(directory), validate, date.today()]
    try:
        for name in [PACKAGE_FILE, "CODEBOOK.md", "CHANGELOG.md"] + [r.path for r in package.resources]:
            try:
                st = os.stat(directory / name)
            except FileNotFoundError:
                sig.append((name, None))
                continue
            if not stat.S_ISREG(st.st_mode):
                return None
            sig.append((name, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    except (OSError, ValueError):
        return None
    return tuple(sig)


def _loader(name: str) -> Callable[[str | os.PathLike[str] | None], pd.DataFrame]:
    def load(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
        return load_dataset(data_dir)[name]

    load.__name__ = f"load_{name}"
    load.__doc__ = (
        f"Return the ``{name}`` table of :func:`load_dataset` (validated, typed by the schema). Its "
        "columns, their titles, units and value labels travel with it in ``attrs`` "
        "(:mod:`gbaresearch.dataset.labels`) and are listed in CODEBOOK.md."
    )
    return load


load_batches = _loader("batches")
load_batch_categories = _loader("batch_categories")
load_batch_new_fields = _loader("batch_new_fields")
load_cases = _loader("cases")
load_case_sources = _loader("case_sources")
load_indicators = _loader("indicators")
load_places = _loader("places")
load_corrections = _loader("corrections")
load_sources = _loader("sources")
load_vocab_domains = _loader("vocab_domains")
load_vocab_mechanisms = _loader("vocab_mechanisms")
load_case_domains = _loader("case_domains")
load_case_mechanisms = _loader("case_mechanisms")
load_case_links = _loader("case_links")
load_coding_new_fields = _loader("coding_new_fields")
