"""Load the dataset as typed pandas DataFrames.

Every loader validates the whole dataset first (the tables refer to one another) and raises
:class:`~gbaresearch.problems.DataValidationError` listing every problem. Types come from
``datapackage.json``:

- ``batch`` columns: ordered categorical of the batch numbers in ``batches.csv``;
- ``category`` columns: ordered categorical in the schema's order (factor_flow, livelihood,
  business_environment, major_platforms); other enumerated fields: unordered categorical;
- ``date`` fields: ``datetime64[ns]``; partial dates (YYYY, YYYY-MM or YYYY-MM-DD): ``string``;
- integers: ``Int64``; numbers: ``Float64``; booleans: ``boolean``; text: ``string``.

Missing values (``NA`` in the files) become ``<NA>``/``NaT``, never 0 or "".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .problems import DataValidationError
from .validation import Table, check_dataset


class Dataset(dict):
    """All tables by name (``ds["cases"]`` or ``ds.cases``), plus ``version`` and ``data_dir``."""

    version: str
    data_dir: Path

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _frame(table: Table, batches: list[int]) -> pd.DataFrame:
    cols = {}
    for f in table.resource.fields:
        values = table.columns[f.name]
        if "gba:categoriesFrom" in f.descriptor:
            cols[f.name] = pd.Categorical(values, categories=batches, ordered=f.ordered)
        elif f.enum is not None:
            cols[f.name] = pd.Categorical(values, categories=list(f.enum), ordered=f.ordered)
        elif f.type == "integer":
            cols[f.name] = pd.array(values, dtype="Int64")
        elif f.type == "number":
            cols[f.name] = pd.array(values, dtype="Float64")
        elif f.type == "boolean":
            cols[f.name] = pd.array(values, dtype="boolean")
        elif f.type == "date":
            cols[f.name] = pd.to_datetime(pd.Series(values, dtype="object"), format="%Y-%m-%d").astype("datetime64[ns]")
        else:
            cols[f.name] = pd.array(values, dtype="string")
    return pd.DataFrame(cols, index=pd.RangeIndex(len(table)))


def load_dataset(data_dir: str | Path | None = None, validate: bool = True) -> Dataset:
    """Return every table of the dataset as a :class:`Dataset` of DataFrames.

    ``data_dir`` defaults to ``$GBARESEARCH_DATA`` or the repository's ``data/``. With
    ``validate=False`` problems between tables (foreign keys, counts, provenance) are ignored;
    problems within a file (unreadable files, headers or cells) always raise.
    """
    checked = check_dataset(data_dir)
    problems = checked.problems if validate else checked.file_problems
    if problems or checked.package is None or not all(t.ok for t in checked.tables.values()):
        raise DataValidationError(problems or checked.problems, str(checked.data_dir))
    batches = sorted(b for b in checked.tables["batches"].columns["batch"] if b is not None)
    ds = Dataset((name, _frame(t, batches)) for name, t in checked.tables.items())
    ds.version = checked.package.version
    ds.data_dir = checked.data_dir
    return ds


def _loader(name: str, doc: str):
    def load(data_dir: str | Path | None = None) -> pd.DataFrame:
        return load_dataset(data_dir)[name]

    load.__name__ = f"load_{name}"
    load.__doc__ = doc
    return load


load_batches = _loader(
    "batches",
    "One row per released batch: batch, announced (date), announced_by_en/zh, n_cases, applications (Int64, NA when not reported), source_id, notes.",
)
load_batch_categories = _loader(
    "batch_categories",
    "Official case counts per batch and category, long form: batch, category, n_cases, source_id, notes.",
)
load_batch_new_fields = _loader(
    "batch_new_fields", "Fields each announcement called new: field_id, batch, field_zh, field_en, source_id, notes."
)
load_cases = _loader(
    "cases",
    "One row per identified case (see CODEBOOK.md): case_id, batch, order_in_batch, title_zh, title_status, title_en, category, category_status, lead_level, lead_place, lead_body_en, counterpart, counterpart_status, date_in_force (partial date string), summary_en, notes.",
)
load_case_sources = _loader(
    "case_sources", "Which source supports which fact of which case: case_id, source_id, fact, notes."
)
load_indicators = _loader(
    "indicators",
    "Dated figures about cases: indicator_id, case_id, indicator_en, value (Float64), unit, bound (exact/lower/approximate), as_of (partial date string), source_id, notes.",
)
load_places = _loader(
    "places", "Cities, SARs and platforms: place_id, name_en, name_zh, kind, host_city, lat, lon, source_id, notes."
)
load_corrections = _loader(
    "corrections",
    "Wrong claims in sources with corrections: correction_id, source_id, claim_en, correction_en, error_kind, basis_source_id, case_id, notes.",
)
load_sources = _loader(
    "sources",
    "Every source: source_id, publisher, outlet, title, language, date_published, date_accessed (datetime), url, kind, notes.",
)
load_vocab_domains = _loader(
    "vocab_domains", "Project vocabulary of policy domains: domain, label_en, label_zh, definition_en."
)
load_vocab_mechanisms = _loader(
    "vocab_mechanisms", "Project vocabulary of connection mechanisms: mechanism, label_en, label_zh, definition_en."
)
load_case_domains = _loader(
    "case_domains", "Project coding, case × domain: case_id, domain, is_primary (boolean), basis."
)
load_case_mechanisms = _loader("case_mechanisms", "Project coding, case × mechanism: case_id, mechanism, basis.")
load_case_links = _loader(
    "case_links",
    "Project coding, later case → earlier case: from_case_id, to_case_id, relation, link_status, basis, source_id.",
)
load_coding_new_fields = _loader(
    "coding_new_fields", "Project coding, announced new field → domain: field_id, domain, basis."
)
