"""Plausible variations of the data for the extension tests: a fourth batch, and a copy with
one case removed and one category emptied. Built on copies, never on data/."""

from gbaresearch.dataset.extend import append_rows, drop_rows, edit_rows
from gbaresearch.dataset.schema import read_package

NEW_BATCH = 4
NEW_DATE = "2026-03-02"


def add_fourth_batch(d):
    append_rows(
        d,
        "sources",
        [
            dict(
                source_id="S801",
                publisher="Example outlet",
                title="Fourth batch (test fixture)",
                language="zh-Hans",
                date_published=NEW_DATE,
                date_accessed="2026-03-05",
                url="https://example.org/batch-4",
                kind="press",
            )
        ],
    )
    append_rows(
        d,
        "batches",
        [
            dict(
                batch=NEW_BATCH,
                announced=NEW_DATE,
                announced_by_en="Guangdong GBA Office (test fixture)",
                announced_by_zh="省大湾区办（测试）",
                n_cases=12,
                applications=40,
                source_id="S801",
                applications_source_id="S801",
            )
        ],
    )
    append_rows(
        d,
        "batch_categories",
        [
            dict(batch=NEW_BATCH, category=c, n_cases=3, source_id="S801")
            for c in ("factor_flow", "livelihood", "business_environment", "major_platforms")
        ],
    )
    append_rows(
        d,
        "batch_new_fields",
        [
            dict(
                field_id="B4-low-altitude",
                batch=NEW_BATCH,
                field_zh="低空经济",
                field_en="low-altitude economy",
                source_id="S801",
            )
        ],
    )
    append_rows(
        d,
        "vocab_domains",
        [
            dict(
                domain="aviation", label_en="Aviation", label_zh="航空", definition_en="Drones and low-altitude flight."
            )
        ],
    )
    append_rows(d, "coding_new_fields", [dict(field_id="B4-low-altitude", domain="aviation", basis="Direct match.")])
    append_rows(
        d,
        "places",
        [
            dict(
                place_id="guangming",
                name_en="Guangming",
                name_zh="光明",
                kind="platform",
                host_city="shenzhen",
                lat=22.75,
                lon=113.93,
                source_id="S801",
            )
        ],
    )
    cases = [
        dict(
            case_id="B4-01",
            batch=NEW_BATCH,
            order_in_batch=1,
            title_zh="跨境无人机物流试点",
            title_status="official",
            title_en="Cross-border drone logistics pilot",
            category="factor_flow",
            category_status="official",
            lead_level="platform",
            lead_place="guangming",
            counterpart="hong_kong",
            counterpart_status="stated",
            date_in_force="2025-06-01",
            summary_en="A test case.",
        ),
        dict(
            case_id="B4-02",
            batch=NEW_BATCH,
            order_in_batch=2,
            title_zh="湾区认证扩展",
            title_status="official",
            title_en="Bay Area Certification widened",
            category="business_environment",
            category_status="inferred",
            lead_level="provincial",
            lead_body_en="Provincial market regulator",
            counterpart="both",
            counterpart_status="stated",
            summary_en="A test case.",
        ),
        dict(
            case_id="B4-03",
            batch=NEW_BATCH,
            order_in_batch=3,
            title_zh="测试案例",
            title_status="official",
            title_en="Third test case",
            category_status="unknown",
            summary_en="A test case.",
        ),
    ]
    append_rows(d, "cases", cases)
    facts = [("B4-01", f) for f in ("listed", "title", "order", "category", "lead", "counterpart", "date_in_force")]
    facts += [("B4-02", f) for f in ("listed", "title", "order", "lead", "counterpart")]
    facts += [("B4-03", f) for f in ("listed", "title", "order")]
    append_rows(d, "case_sources", [dict(case_id=c, source_id="S801", fact=f) for c, f in facts])
    append_rows(
        d,
        "case_domains",
        [
            dict(case_id="B4-01", domain="aviation", is_primary=True, basis="Drones."),
            dict(case_id="B4-02", domain="standards_certification", is_primary=True, basis="Certification."),
        ],
    )
    append_rows(
        d,
        "case_mechanisms",
        [
            dict(case_id="B4-01", mechanism="pilot", basis="Pilot."),
            dict(case_id="B4-02", mechanism="mutual_recognition", basis="Recognition."),
        ],
    )
    append_rows(
        d,
        "case_links",
        [
            dict(
                from_case_id="B4-02",
                to_case_id="B2-04",
                relation="deepens",
                link_status="stated",
                basis="Widens the certification scheme.",
                source_id="S801",
            )
        ],
    )
    append_rows(
        d,
        "indicators",
        [
            dict(
                indicator_id="I901",
                case_id="B4-01",
                indicator_en="Drone flights",
                value=1200,
                unit="transactions",
                bound="lower",
                as_of="2026-01",
                source_id="S801",
            )
        ],
    )
    return d


def remove_case_and_empty_category(d):
    """Drop case B3-b with every row that refers to it, and empty batch 3's major-platform category."""
    gone = "B3-b"
    package = read_package(d)
    for res in package.resources:  # every table that refers to cases, as the schema says
        cols = [fk.field for fk in res.foreign_keys if (fk.resource, fk.ref_field) == ("cases", "case_id")]
        if cols:
            drop_rows(d, res.name, lambda r, cols=cols: any(r[c] == gone for c in cols))
    drop_rows(d, "cases", lambda r: r["case_id"] == gone)
    drop_rows(d, "sources", lambda r: r["source_id"] == "S36")  # cited only by the dropped case
    edit_rows(d, "batch_categories", lambda r: r["batch"] == "3" and r["category"] == "major_platforms", n_cases=0)
    edit_rows(
        d, "batch_categories", lambda r: r["batch"] == "3" and r["category"] == "business_environment", n_cases=10
    )
    edit_rows(d, "cases", lambda r: r["category"] == "major_platforms", category="NA", category_status="unknown")
    return d


def announcement_yaml(batch: int, announced: str, n_cases: int = 20, identified: int = 2) -> str:
    """A made-up announcement for ``gbaresearch add``: batch ``batch`` with ``n_cases`` cases in the
    four official categories, ``identified`` of them named (numbered from 1), each with a domain."""
    per = [n_cases // 4 + (1 if i < n_cases % 4 else 0) for i in range(4)]
    cats = ("factor_flow", "livelihood", "business_environment", "major_platforms")
    lines = [
        "sources:",
        "  release:",
        "    publisher: Example Provincial Government",
        f"    title: Batch {batch} of typical cases (made-up)",
        "    language: zh-Hans",
        f"    date_published: {announced}",
        f"    date_accessed: {announced}",
        f"    url: https://example.org/batch-{batch}",
        "    kind: official",
        "batch:",
        f"  batch: {batch}",
        f"  announced: {announced}",
        "  announced_by_en: Guangdong GBA Office (made-up)",
        "  announced_by_zh: 省大湾区办（示例）",
        f"  n_cases: {n_cases}",
        "  source_id: release",
        "  categories:",
        *[f"    {c}: {n}" for c, n in zip(cats, per)],
        "cases:",
    ]
    for k in range(1, identified + 1):
        lines += [
            f"  - order_in_batch: {k}",
            f"    title_zh: 示例案例{batch}-{k}",
            "    title_status: official",
            f"    title_en: Made-up case {k} of batch {batch}",
            "    category_status: unknown",
            "    lead_level: provincial",
            "    counterpart: both",
            "    counterpart_status: stated",
            "    summary_en: A made-up case.",
            "    sources: {listed: release, title: release, order: release, lead: release, counterpart: release}",
            "    case_domains: [{domain: data, is_primary: true, basis: Made up.}]",
            "    case_mechanisms: [{mechanism: pilot, basis: Made up.}]",
        ]
        if k == 1:
            earlier = "B2-04" if batch == 4 else f"B{batch - 1}-01"
            lines.append(
                f"    case_links: [{{to_case_id: {earlier}, relation: deepens, link_status: inferred,"
                " basis: Made up., source_id: release}]"
            )
    return "\n".join(lines) + "\n"


def add_batches(d, last: int, identified: int = 2):
    """Add made-up batches after the shipped ones up to batch ``last`` through ``gbaresearch add``."""
    from datetime import date, timedelta

    import gbaresearch as gba
    from gbaresearch.dataset.announce import add

    first = int(gba.load_dataset(d).batches["batch"].max()) + 1
    start = date(2025, 6, 1)
    for b in range(first, last + 1):
        path = d.parent / f"batch{b}.yaml"
        path.write_text(announcement_yaml(b, (start + timedelta(days=60 * (b - first))).isoformat(), 20, identified))
        result = add(path, d)
        assert result.problems == [] and result.written, [str(p) for p in result.problems]
    return d
