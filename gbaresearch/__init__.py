"""gbaresearch: the Greater Bay Area rule-connection typical cases as typed pandas tables.

>>> import gbaresearch as gba
>>> ds = gba.load_dataset()          # every table, validated
>>> cases = gba.load_cases()         # one table
>>> gba.validate()                   # [] when the data is valid, else a list of Problem
>>> print(gba.cite())

Importing the package never imports matplotlib; plotting lives in
``gbaresearch.publish.plotting``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .dataset.load import (
    Dataset,
    load_batch_categories,
    load_batch_new_fields,
    load_batches,
    load_case_domains,
    load_case_links,
    load_case_mechanisms,
    load_case_sources,
    load_cases,
    load_coding_new_fields,
    load_corrections,
    load_dataset,
    load_indicators,
    load_places,
    load_sources,
    load_vocab_domains,
    load_vocab_mechanisms,
)
from .dataset.paths import data_dir
from .dataset.problems import DataValidationError, Problem
from .dataset.validation import validate
from .publish.cite import cite


def export(
    formats: Iterable[str] | None, out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Write downloads of the dataset into ``out_dir`` and return their paths.

    ``formats`` is any of ``"zip"`` (the data package), ``"xlsx"`` (one sheet per table plus
    README and codebook sheets), ``"csv"`` (one flat row per case) and ``"dta"`` (Stata, with
    variable and value labels); ``None`` writes all four. Needs the ``export`` extra
    (openpyxl). See :mod:`gbaresearch.publish.exports`."""
    from .publish.exports import export as _export

    return _export(formats, Path(out_dir), data_dir=data_dir)


__version__ = "0.2.0"

__all__ = [
    "Dataset",
    "DataValidationError",
    "Problem",
    "cite",
    "export",
    "data_dir",
    "validate",
    "load_dataset",
    "load_batches",
    "load_batch_categories",
    "load_batch_new_fields",
    "load_cases",
    "load_case_sources",
    "load_indicators",
    "load_places",
    "load_corrections",
    "load_sources",
    "load_vocab_domains",
    "load_vocab_mechanisms",
    "load_case_domains",
    "load_case_mechanisms",
    "load_case_links",
    "load_coding_new_fields",
]
