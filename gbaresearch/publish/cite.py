"""How to cite the dataset, read from ``CITATION.cff``."""

from __future__ import annotations

import os
from typing import Any

from ..dataset.paths import citation_file


def _read_cff() -> dict[str, Any]:
    import yaml

    path = citation_file()
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"CITATION.cff not found at {path}: the installation is incomplete") from None
    if not isinstance(cff, dict):
        raise ValueError(f"{path} is not a CITATION.cff mapping")
    return cff


def _data_version(data_dir: str | os.PathLike[str] | None) -> str | None:
    """The ``version`` of the data package in ``data_dir`` (without validating the tables), or None."""
    from ..dataset.paths import data_dir as _data_dir
    from ..dataset.schema import SchemaError, read_package

    try:
        return read_package(_data_dir(data_dir)).version or None
    except SchemaError:
        return None


def cite(data_dir: str | os.PathLike[str] | None = None, version: str | None = None) -> str:
    """Return a one-paragraph citation built from ``CITATION.cff``.

    The version is that of the data in use: ``version`` when given (``gba.cite(version=ds.version)``
    for a loaded :class:`~gbaresearch.Dataset`), else the ``datapackage.json`` of ``data_dir``
    (default ``$GBARESEARCH_DATA``, the repository's ``data/`` or the installed copy), so an
    extended copy is cited with its own version."""
    cff = _read_cff()
    version = version or _data_version(data_dir) or str(cff["version"])
    names = []
    for a in cff.get("authors", []):
        names.append(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x))
    year = str(cff.get("date-released", ""))[:4]
    parts = [", ".join(names), f"({year})." if year else "", f"{cff['title']}", f"(Version {version})", "[Data set]."]
    if cff.get("url"):
        parts.append(cff["url"])
    return " ".join(p for p in parts if p).replace(" .", ".")
