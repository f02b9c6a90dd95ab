"""Synthetic, *valid* datasets built from the real schema, for timing validation at scale.

``make_dataset(dest_dir, n_cases, seed=0)`` writes a complete data directory: it copies
``datapackage.json`` and the reference tables (places, vocabularies) from the repository's
``data/`` and generates every other table deterministically, keeping roughly the real ratios:

==================  ====================================================================
cases               ``n_cases``; 100 identified per batch (75 numbered ``B<b>-01..75`` with
                    official title/order/category, 25 lettered ``B<b>-a..y`` with
                    descriptive titles and inferred or unknown categories)
batches             ``ceil(n_cases / 100)``, numbered 1.. with strictly increasing past dates;
                    official ``n_cases`` 110 per batch (coverage is partial, as in the real data)
batch_categories    4 per batch, adding up to the batch's official count, each at least the
                    number of identified cases coded in that category
case_sources        about 3.8 per case: always ``listed``, plus one row for every filled fact
                    the provenance rule asks about (title, order, category, lead,
                    date_in_force) and some ``counterpart``/``detail`` rows
indicators          1 per case
case_domains        1.5 per case, exactly one primary per case
case_mechanisms     about 1.17 per case
case_links          0.25 per case, always to an earlier (or same-batch) case, never to itself
sources             1 per 5 cases (at least the ones the copied places cite), every one cited
batch_new_fields    2 per batch, each coded once in coding_new_fields
corrections         1 per 5 cases, at most 99 (``^C\\d{2}$`` allows no more)
==================  ====================================================================

Every allowed value (categories, units, languages, kinds, ...) comes from the schema's
``categories``; the official categories are spread evenly. Tables the generator does not know
(added to the schema later) are written with their header only.

Two id patterns of the real schema cannot hold the real ratios at scale: ``source_id``
(``^S[0-9]{2,3}$``, at most 999 sources, i.e. ~5k cases) and ``indicator_id``
(``^I[0-9]{3}$``, at most 1000 indicators, numbered from I000). When, and only when, a size
needs more ids than the pattern allows, the copied ``datapackage.json`` widens that pattern's
digit count (``^S[0-9]{2,6}$``, ``^I[0-9]{3,6}$``); the check itself (one regex per value)
costs the same. ``make_dataset`` records such changes in ``<dest>/SYNTHETIC.json`` (key
``schema_changes``).

Used by the tests and by ``benchmarks/run.py`` (not part of the package).
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gbaresearch.dataset.csvfile import read_records, write_records
from gbaresearch.dataset.paths import data_dir as _data_dir
from gbaresearch.dataset.schema import read_package

COPIED = ("places", "vocab_domains", "vocab_mechanisms")
CASES_PER_BATCH = 100
NUMBERED_PER_BATCH = 75  # B<b>-01 .. B<b>-75; the rest get letters a, b, c, ...
OFFICIAL_PER_BATCH = 110
SOURCE_ID_WIDE = r"^S[0-9]{2,6}$"
INDICATOR_ID_WIDE = r"^I[0-9]{3,6}$"
ACCESSED = date(2024, 6, 30)

_WORDS = (
    "cross-boundary rule connection pilot mainland Hong Kong Macao residents vehicles clearance "
    "mutual recognition qualification lawyers doctors insurance payment scheme platform Hengqin "
    "Qianhai Nansha data standard carbon label customs port inspection card service travel "
    "investment bank account wealth management court mediation arbitration talent youth "
    "employment healthcare medicine research funds university certificate tax social security"
).split()
_HANZI = "粤港澳大湾区规则衔接机制对接典型案例跨境通关车辆资格互认保险支付平台服务数据标准"


class _Text:
    """Deterministic filler text of realistic lengths (some with commas and quotes, so the CSV
    writer has to quote, as in the real files)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def en(self, n_chars: int) -> str:
        r = self.rng
        out, size = [], 0
        while size < n_chars:
            w = r.choice(_WORDS)
            out.append(w)
            size += len(w) + 1
        s = " ".join(out)
        if r.random() < 0.3:
            s = s.replace(" ", ", ", 1)
        if r.random() < 0.1:
            s = s.replace(" ", " 'quoted' ", 1)
        return s[0].upper() + s[1:] + "."

    def zh(self, n_chars: int) -> str:
        return "".join(self.rng.choice(_HANZI) for _ in range(n_chars))


def _partial_date(rng: random.Random, start: date, end: date) -> str:
    d = start + timedelta(days=rng.randrange(max(1, (end - start).days)))
    return (f"{d.year}", f"{d:%Y-%m}", f"{d:%Y-%m-%d}")[rng.randrange(3)]


def _source_id(k: int) -> str:
    return f"S{k:02d}"


def _read_rows(path: Path) -> list[dict[str, str]]:
    return read_records(path)[1]


def _write(dest: Path, res: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    names = [f["name"] for f in res["schema"]["fields"]]
    write_records(dest / res["path"], names, (["NA" if r.get(n) is None else str(r[n]) for n in names] for r in rows))


def make_dataset(
    dest_dir: str | os.PathLike[str], n_cases: int, seed: int = 0, source: str | os.PathLike[str] | None = None
) -> Path:
    """Write a valid synthetic dataset with ``n_cases`` cases into ``dest_dir``; return its path.

    Deterministic for a given ``(n_cases, seed)`` (and today's date only when the dates
    would otherwise fall in the future, i.e. for more than ~200k cases). ``source`` is the data
    directory whose schema and reference tables are used (default: the shipped data).
    """
    DATA_DIR = _data_dir(source)
    pkg = read_package(DATA_DIR)

    def values(table: str, field: str) -> tuple[Any, ...]:
        return pkg.resource(table).field(field).enum or ()

    CATEGORIES = values("batch_categories", "category")
    _UNITS = values("indicators", "unit")
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"gbaresearch-synth-{seed}-{n_cases}")
    text = _Text(rng)
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    generated = {
        "sources",
        "batches",
        "batch_categories",
        "batch_new_fields",
        "cases",
        "case_sources",
        "indicators",
        "corrections",
        "case_domains",
        "case_mechanisms",
        "case_links",
        "coding_new_fields",
    }
    unknown = sorted(set(resources) - generated - set(COPIED))  # written with their header only

    # --- copied reference tables -------------------------------------------------------------
    copied = {name: _read_rows(DATA_DIR / resources[name]["path"]) for name in COPIED}
    places = copied["places"]
    domains = [r["domain"] for r in copied["vocab_domains"]]
    mechanisms = [r["mechanism"] for r in copied["vocab_mechanisms"]]
    cities = [r["place_id"] for r in places if r["kind"] == "mainland_city"]
    platforms = [r["place_id"] for r in places if r["kind"] == "platform"]
    cited_by_copies = {
        r[fk["fields"][0]]
        for name in COPIED
        for fk in resources[name]["schema"].get("foreignKeys", [])
        if fk["reference"]["resource"] == "sources"
        for r in copied[name]
        if r[fk["fields"][0]] != "NA"
    }

    # --- sources -----------------------------------------------------------------------------
    n_sources = max(1, math.ceil(n_cases / 5))
    source_ids = [_source_id(k) for k in range(1, n_sources + 1)]
    source_ids += sorted(cited_by_copies - set(source_ids))
    used: set[str] = set(cited_by_copies)

    def src(i: int) -> str:
        s = source_ids[i % len(source_ids)]
        used.add(s)
        return s

    today = date.today()
    n_batches = math.ceil(n_cases / CASES_PER_BATCH)
    first = date(1990, 1, 1)
    step = 7
    if first + timedelta(days=step * n_batches) > today:  # very large sizes: pack the dates closer
        step = 1
        first = today - timedelta(days=n_batches + 1)
    announced = [first + timedelta(days=step * b) for b in range(n_batches)]

    # --- cases and everything hanging off them ----------------------------------------------
    cases, case_sources, indicators, case_domains, case_mechanisms, case_links = [], [], [], [], [], []
    ids: list[str] = []
    batch_of: list[int] = []
    ident_cat: dict[tuple[int, str], int] = {}
    per_batch: dict[int, int] = {}
    for i in range(n_cases):
        b = i // CASES_PER_BATCH + 1
        k = i % CASES_PER_BATCH
        numbered = k < NUMBERED_PER_BATCH
        cid = f"B{b}-{k + 1:02d}" if numbered else f"B{b}-{chr(ord('a') + k - NUMBERED_PER_BATCH)}"
        ids.append(cid)
        batch_of.append(b)
        per_batch[b] = per_batch.get(b, 0) + 1
        s = src(i)  # the case's main source; every source is cited by some case
        facts = ["listed"]
        if numbered:
            category, cat_status = CATEGORIES[rng.randrange(len(CATEGORIES))], "official"
            facts += ["title", "order", "category"]
        elif k % 3 == 0:
            category, cat_status = CATEGORIES[rng.randrange(len(CATEGORIES))], "inferred"
        else:
            category, cat_status = None, "unknown"
        if category is not None:
            ident_cat[(b, category)] = ident_cat.get((b, category), 0) + 1
        level = rng.choice((None, None, "city", "platform", "provincial", "national"))
        place = rng.choice(cities) if level == "city" else rng.choice(platforms) if level == "platform" else None
        lead_body = text.en(55) if level is not None and rng.random() < 0.2 else None
        if level is not None:
            facts.append("lead")
        cp = rng.choice((None, *values("cases", "counterpart")))
        cps = None if cp is None else rng.choice(values("cases", "counterpart_status"))
        if cps == "stated":
            facts.append("counterpart")
        in_force = _partial_date(rng, date(2015, 1, 1), announced[b - 1]) if rng.random() < 0.2 else None
        if in_force is not None:
            facts.append("date_in_force")
        if not numbered and k % 2 == 0:
            facts.append("detail")
        cases.append(
            {
                "case_id": cid,
                "batch": b,
                "order_in_batch": k + 1 if numbered else None,
                "title_zh": text.zh(18),
                "title_status": "official" if numbered else "descriptive",
                "title_en": text.en(70),
                "category": category,
                "category_status": cat_status,
                "lead_level": level,
                "lead_place": place,
                "lead_body_en": lead_body,
                "counterpart": cp,
                "counterpart_status": cps,
                "date_in_force": in_force,
                "summary_en": text.en(140),
                "notes": text.en(115) if rng.random() < 0.95 else None,
            }
        )
        for f in facts:
            case_sources.append(
                {"case_id": cid, "source_id": s, "fact": f, "notes": text.en(40) if rng.random() < 0.2 else None}
            )
        if i % 10 == 0 and len(source_ids) > 1:  # a second source backing the listing, as many real cases have
            s2 = src(i * 7 + 3)
            if s2 == s:
                s2 = src(i * 7 + 4)
            case_sources.append({"case_id": cid, "source_id": s2, "fact": "listed", "notes": None})
        indicators.append(
            {
                "indicator_id": None,
                "case_id": cid,
                "indicator_en": text.en(50),
                "value": rng.choice((str(rng.randrange(1, 500000)), f"{rng.random() * 1000:.2f}")),
                "unit": rng.choice(_UNITS),
                "bound": rng.choice(values("indicators", "bound")),
                "as_of": _partial_date(rng, date(2019, 1, 1), date(2024, 1, 1)),
                "source_id": src(i + 1),
                "notes": text.en(40) if rng.random() < 0.5 else None,
            }
        )
        doms = rng.sample(domains, 2)
        case_domains.append({"case_id": cid, "domain": doms[0], "is_primary": "true", "basis": text.en(25)})
        if i % 2 == 1:
            case_domains.append({"case_id": cid, "domain": doms[1], "is_primary": "false", "basis": text.en(25)})
        mechs = rng.sample(mechanisms, 2)
        case_mechanisms.append({"case_id": cid, "mechanism": mechs[0], "basis": text.en(35)})
        if i % 6 == 5:
            case_mechanisms.append({"case_id": cid, "mechanism": mechs[1], "basis": text.en(35)})
        if i % 4 == 1:  # to an earlier case: same or earlier batch, never itself, one link per from-case
            j = rng.randrange(i)
            case_links.append(
                {
                    "from_case_id": cid,
                    "to_case_id": ids[j],
                    "relation": rng.choice(values("case_links", "relation")),
                    "link_status": rng.choice(values("case_links", "link_status")),
                    "basis": text.en(90),
                    "source_id": src(i + 2),
                }
            )
    for k, row in enumerate(indicators):  # I000, I001, ...: the real pattern holds 1000 of them
        row["indicator_id"] = f"I{k:03d}"

    # --- batches and official counts ---------------------------------------------------------
    batches, batch_categories, batch_new_fields, coding_new_fields = [], [], [], []
    for b in range(1, n_batches + 1):
        official = max(OFFICIAL_PER_BATCH, per_batch[b])
        has_apps = b % 3 == 2
        batches.append(
            {
                "batch": b,
                "announced": announced[b - 1].isoformat(),
                "announced_by_en": text.en(130),
                "announced_by_zh": text.zh(33),
                "n_cases": official,
                "applications": official * 3 if has_apps else None,
                "source_id": src(b * 11),
                "applications_source_id": src(b * 13) if has_apps else None,
                "notes": text.en(115),
            }
        )
        counts = [ident_cat.get((b, c), 0) for c in CATEGORIES]
        for j in range(official - sum(counts)):  # the unidentified and uncategorised cases
            counts[j % len(CATEGORIES)] += 1
        for c, n in zip(CATEGORIES, counts):
            batch_categories.append(
                {
                    "batch": b,
                    "category": c,
                    "n_cases": n,
                    "source_id": src(b * 11),
                    "notes": text.en(65) if n == 0 else None,
                }
            )
        for j in range(2):
            fid = f"B{b}-new-field-{j + 1}"
            batch_new_fields.append(
                {
                    "field_id": fid,
                    "batch": b,
                    "field_zh": text.zh(6),
                    "field_en": text.en(25),
                    "source_id": src(b * 17 + j),
                    "notes": None,
                }
            )
            coding_new_fields.append({"field_id": fid, "domain": rng.choice(domains), "basis": text.en(30)})

    corrections = []
    for k in range(1, min(99, max(1, n_cases // 5)) + 1):
        corrections.append(
            {
                "correction_id": f"C{k:02d}",
                "source_id": src(k * 19),
                "claim_en": text.en(60),
                "correction_en": text.en(80),
                "error_kind": rng.choice(values("corrections", "error_kind")),
                "basis_source_id": src(k * 23),
                "case_id": ids[rng.randrange(n_cases)] if k % 2 else None,
                "notes": None,
            }
        )

    # every source must be cited: give the leftovers to 'detail' rows of the first cases
    pairs = {(r["case_id"], r["source_id"], r["fact"]) for r in case_sources}
    leftovers = [s for s in source_ids if s not in used]
    for j, s in enumerate(leftovers):
        cid = ids[j % n_cases]
        if (cid, s, "detail") not in pairs:
            case_sources.append({"case_id": cid, "source_id": s, "fact": "detail", "notes": None})
    sources = []
    for s in source_ids:
        sources.append(
            {
                "source_id": s,
                "publisher": text.en(16),
                "outlet": text.en(20) if rng.random() < 0.6 else None,
                "title": text.en(36),
                "language": rng.choice(values("sources", "language")),
                "date_published": _partial_date(rng, date(2019, 1, 1), date(2024, 1, 1))
                if rng.random() < 0.7
                else None,
                "date_accessed": ACCESSED.isoformat(),
                "url": f"https://example.org/{s.lower()}/{rng.randrange(10**9)}.html",
                "kind": rng.choice(values("sources", "kind")),
                "notes": text.en(60) if rng.random() < 0.6 else None,
            }
        )

    # --- schema: widen the two id patterns only when a size needs it ---------------------------
    changes = []
    pat = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}
    if len(source_ids) > 999:
        f = pat["sources"]["source_id"]
        changes.append(
            {
                "table": "sources",
                "field": "source_id",
                "from": f["constraints"]["pattern"],
                "to": SOURCE_ID_WIDE,
                "why": f"{len(source_ids)} sources needed",
            }
        )
        f["constraints"]["pattern"] = SOURCE_ID_WIDE
    if len(indicators) > 1000:
        f = pat["indicators"]["indicator_id"]
        changes.append(
            {
                "table": "indicators",
                "field": "indicator_id",
                "from": f["constraints"]["pattern"],
                "to": INDICATOR_ID_WIDE,
                "why": f"{len(indicators)} indicators needed",
            }
        )
        f["constraints"]["pattern"] = INDICATOR_ID_WIDE
    if changes:
        (dest / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    else:
        shutil.copyfile(DATA_DIR / "datapackage.json", dest / "datapackage.json")

    for name in COPIED:
        shutil.copyfile(DATA_DIR / resources[name]["path"], dest / resources[name]["path"])
    tables = {
        "sources": sources,
        "batches": batches,
        "batch_categories": batch_categories,
        "batch_new_fields": batch_new_fields,
        "cases": cases,
        "case_sources": case_sources,
        "indicators": indicators,
        "corrections": corrections,
        "case_domains": case_domains,
        "case_mechanisms": case_mechanisms,
        "case_links": case_links,
        "coding_new_fields": coding_new_fields,
    }
    for name in unknown:
        tables[name] = []
    for name, rows in tables.items():
        _write(dest, resources[name], rows)
    row_counts = {name: len(rows) for name, rows in tables.items()} | {name: len(copied[name]) for name in COPIED}
    (dest / "SYNTHETIC.json").write_text(
        json.dumps({"n_cases": n_cases, "seed": seed, "rows": row_counts, "schema_changes": changes}, indent=2) + "\n",
        encoding="utf-8",
    )
    return dest


def describe(dest_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``SYNTHETIC.json`` written by :func:`make_dataset` (rows per table, schema changes)."""
    doc: dict[str, Any] = json.loads((Path(dest_dir) / "SYNTHETIC.json").read_text(encoding="utf-8"))
    return doc
