"""How to cite the dataset, read from ``CITATION.cff``."""
from __future__ import annotations

from .paths import REPO_DIR


def _read_cff() -> dict:
    import yaml

    return yaml.safe_load((REPO_DIR / "CITATION.cff").read_text(encoding="utf-8"))


def cite() -> str:
    """Return a one-paragraph citation built from ``CITATION.cff``, including the data version."""
    cff = _read_cff()
    names = []
    for a in cff.get("authors", []):
        names.append(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x))
    year = str(cff.get("date-released", ""))[:4]
    parts = [", ".join(names), f"({year})." if year else "", f"{cff['title']}", f"(Version {cff['version']})", "[Data set]."]
    if cff.get("url"):
        parts.append(cff["url"])
    return " ".join(p for p in parts if p).replace(" .", ".")
