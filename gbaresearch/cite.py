"""How to cite the dataset, read from ``CITATION.cff``."""

from __future__ import annotations

from .paths import REPO_DIR
from .paths import data_dir as _data_dir


def _read_cff() -> dict:
    import yaml

    path = REPO_DIR / "CITATION.cff"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"CITATION.cff not found at {path}: gbaresearch is meant to be used from a "
            "checkout of its repository (make install sets that up)"
        ) from None


def cite(data_dir=None) -> str:
    """Return a one-paragraph citation built from ``CITATION.cff``.

    The version is that of the data in use (``datapackage.json`` of ``data_dir``, default
    ``$GBARESEARCH_DATA`` or the repository's ``data/``), so an extended copy is cited with
    its own version."""
    from .schema import SchemaError, read_package

    cff = _read_cff()
    try:
        version = read_package(_data_dir(data_dir)).version or cff["version"]
    except SchemaError:
        version = cff["version"]
    names = []
    for a in cff.get("authors", []):
        names.append(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x))
    year = str(cff.get("date-released", ""))[:4]
    parts = [", ".join(names), f"({year})." if year else "", f"{cff['title']}", f"(Version {version})", "[Data set]."]
    if cff.get("url"):
        parts.append(cff["url"])
    return " ".join(p for p in parts if p).replace(" .", ".")
