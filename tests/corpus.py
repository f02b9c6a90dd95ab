"""A corpus of bad inputs: small, realistic variations of the shipped data.

Each :class:`Case` names a mistake, says how to make it (a function that edits a copy of
``data/`` in place) and lists the exact problem lines the validator must report, in order, as
``str(Problem)`` gives them (``{dir}`` stands for the data directory), together with the exit
code of ``python -m gbaresearch validate``.

The editing helpers below change only the lines they are asked to change, so the line numbers
in the expected problems are the lines of the shipped files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Case", "CASES", "HARMLESS", "read_text", "write_text", "set_cell"]


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]
    exit_code: int = 1
    code: str = ""  # the code of every expected problem (each case is one kind of mistake)

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code,) * len(self.expected)

    def expected_for(self, data_dir: Path) -> list[str]:
        """The expected lines for the (already mutated) ``data_dir``. Besides ``{dir}``, the
        placeholders ``{rows:FILE}`` (data rows in FILE) and ``{last:FILE}`` (the number of
        its last line) keep cases about appended rows and whole-file counts valid as the
        shipped data grows."""

        def count(m: re.Match) -> str:
            n = len(read_text(data_dir, m[2]).rstrip("\n").split("\n"))
            return str(n - 1 if m[1] == "rows" else n)

        return [_PLACEHOLDER.sub(count, e.replace("{dir}", str(data_dir))) for e in self.expected]


_PLACEHOLDER = re.compile(r"\{(rows|last):([\w.]+)\}")


# ---------------------------------------------------------------------------------------------
# editing helpers (every one fails loudly when the data no longer looks as the case assumes)


def read_text(d: Path, name: str) -> str:
    return (d / name).read_bytes().decode("utf-8")


def write_text(d: Path, name: str, text: str) -> None:
    (d / name).write_bytes(text.encode("utf-8"))


def _lines(d: Path, name: str) -> list[str]:
    text = read_text(d, name)
    assert text.endswith("\n") and "\r" not in text, name
    return text[:-1].split("\n")


def _put_lines(d: Path, name: str, lines: list[str]) -> None:
    write_text(d, name, "\n".join(lines) + "\n")


def _parse(line: str) -> list[str]:
    rows = list(csv.reader([line], strict=True))
    assert len(rows) == 1, line
    return rows[0]


def _unparse(rec: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(rec)
    return buf.getvalue()


def set_cell(d: Path, name: str, line: int, column: str, value: str, expect: str | None = None) -> None:
    """Set ``column`` of the record on physical ``line`` to ``value`` (rewriting that line only)."""
    lines = _lines(d, name)
    header = _parse(lines[0])
    rec = _parse(lines[line - 1])
    assert len(rec) == len(header), (name, line)
    i = header.index(column)
    if expect is not None:
        assert rec[i] == expect, (name, line, column, rec[i])
    assert rec[i] != value, (name, line, column)
    rec[i] = value
    lines[line - 1] = _unparse(rec)
    _put_lines(d, name, lines)


def _edit_records(d: Path, name: str, fn: Callable[[list[list[str]]], list[list[str]]]) -> None:
    lines = _lines(d, name)
    _put_lines(d, name, [_unparse(r) for r in fn([_parse(x) for x in lines])])


def _insert_line(d: Path, name: str, line: int, text: str) -> None:
    """Insert ``text`` so that it becomes physical line ``line``."""
    lines = _lines(d, name)
    lines.insert(line - 1, text)
    _put_lines(d, name, lines)


def _replace_line(d: Path, name: str, line: int, text: str) -> None:
    lines = _lines(d, name)
    lines[line - 1] = text
    _put_lines(d, name, lines)


def _line(d: Path, name: str, line: int) -> str:
    return _lines(d, name)[line - 1]


def _drop_column(name: str, column: str):
    def mutate(d: Path) -> None:
        def fn(rows):
            i = rows[0].index(column)
            return [r[:i] + r[i + 1 :] for r in rows]

        _edit_records(d, name, fn)

    return mutate


def _add_column(name: str, column: str, value: str):
    def mutate(d: Path) -> None:
        _edit_records(d, name, lambda rows: [rows[0] + [column]] + [r + [value] for r in rows[1:]])

    return mutate


def _rename_column(name: str, old: str, new: str):
    def mutate(d: Path) -> None:
        def fn(rows):
            i = rows[0].index(old)
            rows[0][i] = new
            return rows

        _edit_records(d, name, fn)

    return mutate


def _duplicate_column(name: str, column: str):
    def mutate(d: Path) -> None:
        def fn(rows):
            i = rows[0].index(column)
            return [r + [r[i]] for r in rows]

        _edit_records(d, name, fn)

    return mutate


def _delimiter(name: str, sep: str):
    def mutate(d: Path) -> None:
        rows = [_parse(x) for x in _lines(d, name)]
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
        write_text(d, name, buf.getvalue())

    return mutate


def _bytes(name: str, data: bytes):
    def mutate(d: Path) -> None:
        (d / name).write_bytes(data)

    return mutate


def _cell(name: str, line: int, column: str, value: str, expect: str | None = None):
    def mutate(d: Path) -> None:
        set_cell(d, name, line, column, value, expect)

    return mutate


def _cells(*edits):
    def mutate(d: Path) -> None:
        for e in edits:
            set_cell(d, *e)

    return mutate


def _gbk(d: Path) -> None:
    (d / "vocab_mechanisms.csv").write_bytes(read_text(d, "vocab_mechanisms.csv").encode("gbk"))


_TRADITIONAL = {
    "车辆通关": "車輛通關",
    "数据跨境": "數據跨境",
    "多元商事纠纷解决": "多元商事糾紛解決",
    "生态环境": "生態環境",
    "文体交流": "文體交流",
    "产业协同": "產業協同",
}


def _big5(d: Path) -> None:
    text = read_text(d, "batch_new_fields.csv")
    for s, t in _TRADITIONAL.items():
        assert s in text
        text = text.replace(s, t)
    (d / "batch_new_fields.csv").write_bytes(text.encode("big5"))


def _latin1(d: Path) -> None:
    text = read_text(d, "case_mechanisms.csv")
    old = "B1-b,pilot,Run as a pilot.\n"
    assert text.count(old) == 1
    data = text.encode("utf-8").replace(old.encode(), "B1-b,pilot,Run as a pilot (régime spécial).\n".encode("latin-1"))
    (d / "case_mechanisms.csv").write_bytes(data)


def _nul(d: Path) -> None:
    lines = _lines(d, "cases.csv")
    lines[4] = lines[4][:10] + "\x00" + lines[4][10:]
    _put_lines(d, "cases.csv", lines)


def _header_only(name: str):
    def mutate(d: Path) -> None:
        _put_lines(d, name, _lines(d, name)[:1])

    return mutate


def _renumber_batch_3_as_4(d: Path) -> None:
    for p in d.glob("*.csv"):  # ids name their batch: B3-... becomes B4-...
        write_text(d, p.name, read_text(d, p.name).replace("B3-", "B4-"))
    for name in ("batches.csv", "batch_categories.csv", "batch_new_fields.csv", "cases.csv"):

        def fn(rows):
            i = rows[0].index("batch")
            for r in rows[1:]:
                if r[i] == "3":
                    r[i] = "4"
            return rows

        _edit_records(d, name, fn)


def _duplicate_line(name: str, line: int, at: int | None = None):
    def mutate(d: Path) -> None:
        _insert_line(d, name, at or len(_lines(d, name)) + 1, _line(d, name, line))

    return mutate


def _append(name: str, text: str):
    def mutate(d: Path) -> None:
        _put_lines(d, name, _lines(d, name) + [text])

    return mutate


def _insert(name: str, line: int, text: str):
    def mutate(d: Path) -> None:
        _insert_line(d, name, line, text)

    return mutate


def _edit_line(name: str, line: int, fn: Callable[[str], str]):
    def mutate(d: Path) -> None:
        old = _line(d, name, line)
        new = fn(old)
        assert new != old, (name, line)
        _replace_line(d, name, line, new)

    return mutate


def _package(fn: Callable[[str], str]):
    def mutate(d: Path) -> None:
        p = d / "datapackage.json"
        p.write_text(fn(p.read_text(encoding="utf-8")), encoding="utf-8")

    return mutate


def _remove(name: str):
    def mutate(d: Path) -> None:
        (d / name).unlink()

    return mutate


def _package_json(fn: Callable[[dict], None]):
    def mutate(d: Path) -> None:
        p = d / "datapackage.json"
        desc = json.loads(p.read_text(encoding="utf-8"))
        fn(desc)
        p.write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")

    return mutate


def _then(*mutations):
    def mutate(d: Path) -> None:
        for m in mutations:
            m(d)

    return mutate


def _endings(name: str, eol: str):
    def mutate(d: Path) -> None:
        (d / name).write_bytes((d / name).read_bytes().replace(b"\n", eol.encode()))

    return mutate


def _every_csv(fn: Callable[[bytes], bytes]):
    def mutate(d: Path) -> None:
        for p in sorted(d.glob("*.csv")):  # from LF line endings, whatever the file had
            p.write_bytes(fn(p.read_bytes().replace(b"\r\n", b"\n")))

    return mutate


# Harmless variants: applied to every CSV file, each must load to the same DataFrames.
HARMLESS: dict[str, Callable[[Path], None]] = {
    "utf8_bom": _every_csv(lambda b: b"\xef\xbb\xbf" + b),
    "crlf": _every_csv(lambda b: b.replace(b"\n", b"\r\n")),
    "cr_only": _every_csv(lambda b: b.replace(b"\n", b"\r")),
    "no_final_newline": _every_csv(lambda b: b.rstrip(b"\n")),
    "bom_crlf_no_final_newline": _every_csv(lambda b: b"\xef\xbb\xbf" + b.rstrip(b"\n").replace(b"\n", b"\r\n")),
}

CASES: list[Case] = []


def _c(name, mutate, *expected, exit_code=1):
    CASES.append(Case(name, mutate, tuple(expected), exit_code))


# --- headers --------------------------------------------------------------------------------
_c(
    "missing_column",
    _drop_column("batch_new_fields.csv", "notes"),
    "batch_new_fields.csv:1: notes: column is missing from the header",
)
_c(
    "extra_column",
    _add_column("places.csv", "population", "NA"),
    "places.csv:1: -: unknown column 'population' (the schema has no such field)",
)
_c(
    "renamed_header_near_miss",
    _rename_column("batches.csv", "announced", "anounced"),
    "batches.csv:1: announced: unknown column 'anounced'; did you mean 'announced'?",
)
_c(
    "header_with_whitespace",
    _rename_column("cases.csv", "notes", "notes "),
    "cases.csv:1: notes: column name 'notes ' has leading or trailing whitespace",
)
_c(
    "duplicated_column",
    _duplicate_column("case_links.csv", "basis"),
    "case_links.csv:1: basis: column 'basis' appears 2 times",
)
_c(
    "columns_out_of_order",
    lambda d: _edit_records(d, "vocab_domains.csv", lambda rows: [[r[1], r[0], r[2], r[3]] for r in rows]),
    "vocab_domains.csv:1: -: columns are not in the schema's order: domain, label_en, label_zh, definition_en",
)
# --- whole files ----------------------------------------------------------------------------
_c("empty_file", _bytes("corrections.csv", b""), "corrections.csv:0: -: file is empty: it needs at least a header line")
_c(
    "whitespace_only_file",
    _bytes("indicators.csv", b"  \n\n \t\n"),
    "indicators.csv:0: -: file is empty: it needs at least a header line",
)
_c(
    "header_only_cases",
    _header_only("cases.csv"),
    "case_sources.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_sources.csv} rows here refer to it)",
    "indicators.csv:2: case_id: 'B1-f' is not a case_id in cases.csv, which has no rows ({rows:indicators.csv} rows here refer to it)",
    "corrections.csv:3: case_id: 'B3-k' is not a case_id in cases.csv, which has no rows (3 rows here refer to it)",
    "case_domains.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_domains.csv} rows here refer to it)",
    "case_mechanisms.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_mechanisms.csv} rows here refer to it)",
    "case_links.csv:2: from_case_id: 'B2-09' is not a case_id in cases.csv, which has no rows ({rows:case_links.csv} rows here refer to it)",
    "case_links.csv:2: to_case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_links.csv} rows here refer to it)",
    "coding_second_domains.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_domains.csv} rows here refer to it)",
    "coding_second_mechanisms.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_mechanisms.csv} rows here refer to it)",
    "coding_second_counterparts.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_counterparts.csv} rows here refer to it)",
    "coding_second_links.csv:2: from_case_id: 'B2-09' is not a case_id in cases.csv, which has no rows ({rows:coding_second_links.csv} rows here refer to it)",
    "coding_second_links.csv:2: to_case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_links.csv} rows here refer to it)",
    "coding_third_domains.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_third_domains.csv} rows here refer to it)",
    "coding_third_mechanisms.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_third_mechanisms.csv} rows here refer to it)",
    "coding_third_counterparts.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_third_counterparts.csv} rows here refer to it)",
    "coding_third_links.csv:2: from_case_id: 'B2-07' is not a case_id in cases.csv, which has no rows ({rows:coding_third_links.csv} rows here refer to it)",
    "coding_third_links.csv:2: to_case_id: 'B1-g' is not a case_id in cases.csv, which has no rows ({rows:coding_third_links.csv} rows here refer to it)",
    "coding_case_basis.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_case_basis.csv} rows here refer to it)",
    "coding_reconciliation.csv:2: case_id: 'B3-c' is not a case_id in cases.csv, which has no rows ({rows:coding_reconciliation.csv} rows here refer to it)",
    "case_plan_links.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_plan_links.csv} rows here refer to it)",
    "case_authority.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:case_authority.csv} rows here refer to it)",
    "coding_second_plan_links.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_plan_links.csv} rows here refer to it)",
    "coding_second_authority.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_second_authority.csv} rows here refer to it)",
    "coding_reconciliation_policy.csv:2: case_id: 'B1-a' is not a case_id in cases.csv, which has no rows ({rows:coding_reconciliation_policy.csv} rows here refer to it)",
    "outcome_series.csv:2: case_id: 'B1-f' is not a case_id in cases.csv, which has no rows ({rows:outcome_series.csv} rows here refer to it)",
)
_c(
    "header_only_vocab_mechanisms",
    _header_only("vocab_mechanisms.csv"),
    "case_mechanisms.csv:2: mechanism: 'joint_inspection' is not a mechanism in vocab_mechanisms.csv, which has no rows ({rows:case_mechanisms.csv} rows here refer to it)",
    "coding_second_mechanisms.csv:2: mechanism: 'joint_inspection' is not a mechanism in vocab_mechanisms.csv, which has no rows ({rows:coding_second_mechanisms.csv} rows here refer to it)",
    "coding_third_mechanisms.csv:2: mechanism: 'joint_inspection' is not a mechanism in vocab_mechanisms.csv, which has no rows ({rows:coding_third_mechanisms.csv} rows here refer to it)",
)
_c(
    "semicolon_delimiter",
    _delimiter("vocab_mechanisms.csv", ";"),
    "vocab_mechanisms.csv:1: -: the header is separated by ';', not commas: save the file as comma-separated CSV",
)
_c(
    "tab_delimiter",
    _delimiter("vocab_domains.csv", "\t"),
    "vocab_domains.csv:1: -: the header is separated by '\\t', not commas: save the file as comma-separated CSV",
)
_c(
    "gbk_encoded",
    _gbk,
    "vocab_mechanisms.csv:2: -: file is not UTF-8 (byte 0xbb cannot be decoded); it looks like GBK/GB18030 (simplified Chinese): save it as UTF-8",
)
_c(
    "big5_encoded",
    _big5,
    "batch_new_fields.csv:2: -: file is not UTF-8 (byte 0xa8 cannot be decoded); it looks like Big5 (traditional Chinese): save it as UTF-8",
)
_c(
    "latin1_junk",
    _latin1,
    "case_mechanisms.csv:4: -: file is not UTF-8 (byte 0xe9 cannot be decoded); it looks like Latin-1/Windows-1252 (Western European): save it as UTF-8",
)
_c("nul_byte", _nul, "cases.csv:5: -: file contains NUL bytes: it is not a text CSV file")
_c(
    "nul_byte_in_cr_file",
    _then(_nul, _endings("cases.csv", "\r")),
    "cases.csv:5: -: file contains NUL bytes: it is not a text CSV file",
)
_c("missing_csv_file", _remove("case_links.csv"), "case_links.csv:0: -: file is missing (datapackage.json lists it)")
# --- cells ----------------------------------------------------------------------------------
_c(
    "trailing_whitespace_in_code",
    _cell("case_domains.csv", 2, "case_id", "B1-a ", "B1-a"),
    "case_domains.csv:2: case_id: 'B1-a ' has leading or trailing whitespace",
)
_c(
    "leading_whitespace",
    _cell("indicators.csv", 3, "value", " 35600", "35600"),
    "indicators.csv:3: value: ' 35600' has leading or trailing whitespace",
)
_c(
    "unknown_category",
    _cell("batch_categories.csv", 5, "category", "innovation", "major_platforms"),
    "batch_categories.csv:5: category: 'innovation' is not one of the allowed values (factor_flow, livelihood, business_environment, major_platforms)",
)
_c(
    "near_miss_enum",
    _cell("indicators.csv", 3, "bound", "exat", "exact"),
    "indicators.csv:3: bound: 'exat' is not one of the allowed values (exact, lower, approximate); did you mean 'exact'?",
)
_c(
    "near_miss_category",
    _cell("batch_categories.csv", 3, "category", "livelihod", "livelihood"),
    "batch_categories.csv:3: category: 'livelihod' is not one of the allowed values (factor_flow, livelihood, business_environment, major_platforms); did you mean 'livelihood'?",
)
_c(
    "unknown_place",
    _cell("cases.csv", 19, "lead_place", "shenzen", "shenzhen"),
    "cases.csv:19: lead_place: 'shenzen' is not a place_id in places.csv; did you mean 'shenzhen'?",
)
_c(
    "duplicate_primary_key",
    _cell("indicators.csv", 3, "indicator_id", "I001", "I002"),
    "indicators.csv:3: indicator_id: duplicate key 'I001' (first at line 2)",
)
_c(
    "duplicate_composite_key",
    _duplicate_line("case_sources.csv", 2),
    "case_sources.csv:{last:case_sources.csv}: -: duplicate key (B1-a, S03, listed) (first at line 2)",
)
_c(
    "duplicate_reconciliation_row",
    _duplicate_line("coding_reconciliation.csv", 2),
    "coding_reconciliation.csv:{last:coding_reconciliation.csv}: -: duplicate key (primary_domain, B3-c, NA) (first at line 2)",
)
_c("blank_required", _cell("cases.csv", 4, "title_en", ""), "cases.csv:4: title_en: required value is blank")
_c(
    "blank_optional",
    _cell("sources.csv", 2, "outlet", "", "NA"),
    "sources.csv:2: outlet: value is blank: write NA when it is not known",
)
_c(
    "na_in_required",
    _cell("places.csv", 3, "name_zh", "NA", "深圳"),
    "places.csv:3: name_zh: required value is missing (NA)",
)
_c(
    "bad_date",
    _cell("sources.csv", 4, "date_accessed", "yesterday", "2026-11-27"),
    "sources.csv:4: date_accessed: 'yesterday' is not a date in YYYY-MM-DD form",
)
_c(
    "impossible_date",
    _cell("batches.csv", 2, "announced", "2023-02-30", "2023-04-06"),
    "batches.csv:2: announced: '2023-02-30' is not a real date",
)
_c(
    "future_date",
    _cell("sources.csv", 4, "date_accessed", "2999-01-01", "2026-11-27"),
    "sources.csv:4: date_accessed: 2999-01-01 is in the future",
)
_c(
    "future_partial_date",
    _cell("indicators.csv", 3, "as_of", "2999-01", "2022-09"),
    "indicators.csv:3: as_of: 2999-01 is in the future",
)
_c(
    "date_in_other_format",
    _cell("batches.csv", 2, "announced", "2023/04/06", "2023-04-06"),
    "batches.csv:2: announced: '2023/04/06' is not a date in YYYY-MM-DD form (write 2023-04-06)",
)
_c(
    "date_in_chinese_format",
    _cell("batches.csv", 3, "announced", "2024年5月13日", "2024-05-13"),
    "batches.csv:3: announced: '2024年5月13日' is not a date in YYYY-MM-DD form (write 2024-05-13)",
)
_c(
    "ancient_date",
    _cell("sources.csv", 4, "date_accessed", "1066-10-14", "2026-11-27"),
    "sources.csv:4: date_accessed: 1066-10-14 is too far in the past (dates before 1677-09-22 cannot be loaded)",
)
_c(
    "negative_count",
    _cell("batch_categories.csv", 2, "n_cases", "-1", "8"),
    "batch_categories.csv:2: n_cases: -1 is below the minimum 0",
)
_c(
    "non_numeric_count",
    _cell("batches.csv", 2, "n_cases", "twenty", "20"),
    "batches.csv:2: n_cases: 'twenty' is not a whole number",
)
_c(
    "thousands_separator",
    _cell("indicators.csv", 3, "value", "35,600", "35600"),
    "indicators.csv:3: value: '35,600' is not a number: write it without thousands separators",
)
_c(
    "thousands_separator_integer",
    _cell("batches.csv", 3, "applications", "1,000", "54"),
    "batches.csv:3: applications: '1,000' is not a whole number: write it without thousands separators",
)
_c(
    "huge_integer",
    _cell("batches.csv", 3, "applications", "99999999999999999999999", "54"),
    "batches.csv:3: applications: 99999999999999999999999 is out of range for a whole number (the limit is ±9223372036854775807)",
)
_c(
    "infinite_number",
    _cell("indicators.csv", 3, "value", "1e999", "35600"),
    "indicators.csv:3: value: '1e999' is too large for a number",
)
_c(
    "latitude_out_of_range",
    _cell("places.csv", 3, "lat", "122.54554", "22.54554"),
    "places.csv:3: lat: 122.54554 is above the maximum 25",
)
_c(
    "bad_boolean",
    _cell("case_domains.csv", 3, "is_primary", "yes", "true"),
    "case_domains.csv:3: is_primary: 'yes' is not true or false",
)
_c(
    "whitespace_in_only_citation",
    _cell("case_sources.csv", 86, "source_id", "S12 ", "S12"),
    "case_sources.csv:86: source_id: 'S12 ' has leading or trailing whitespace",
)
_c(
    "near_miss_fact",
    _cell("case_sources.csv", 11, "fact", "Listed", "listed"),
    "case_sources.csv:11: fact: 'Listed' is not one of the allowed values (listed, title, order, category, lead, rule_maker, counterpart, date_in_force, detail); did you mean 'listed'?",
)
_c(
    "bad_batch_number",
    _cell("batches.csv", 3, "batch", "two", "2"),
    "batches.csv:3: batch: 'two' is not a whole number",
)
_c(
    "pattern_mismatch",
    _cell("vocab_domains.csv", 2, "domain", "Border-Clearance", "border_clearance"),
    "vocab_domains.csv:2: domain: 'Border-Clearance' does not match the pattern ^[a-z_]+$",
)
# --- cross-table rules ----------------------------------------------------------------------
_c(
    "category_totals_do_not_add_up",
    _cell("batch_categories.csv", 2, "n_cases", "9", "8"),
    "batches.csv:2: n_cases: batch 1 has 20 cases, but its category counts in batch_categories.csv add up to 21",
)
_c(
    "more_identified_cases_than_official",
    _cells(("batches.csv", 3, "n_cases", "15", "16"), ("batch_categories.csv", 6, "n_cases", "4", "5")),
    "cases.csv:0: batch: batch 2 has 16 identified cases, more than its official 15",
    "cases.csv:24: order_in_batch: order 16 is beyond batch 2's 15 cases",
)
_c(
    "more_cases_in_category_than_official",
    _cells(("batch_categories.csv", 3, "n_cases", "2", "5"), ("batch_categories.csv", 2, "n_cases", "11", "8")),
    "cases.csv:0: category: batch 1 has 3 cases coded livelihood (official or inferred), more than the official 2",
)
_c(
    "dangling_source_id",
    _cell("batches.csv", 2, "source_id", "S99", "S01"),
    "batches.csv:2: source_id: 'S99' is not a source_id in sources.csv; did you mean 'S79'?",
)
_c(
    "dangling_case_id_in_indicators",
    _cell("indicators.csv", 3, "case_id", "B1-z", "B1-f"),
    "indicators.csv:3: case_id: 'B1-z' is not a case_id in cases.csv",
)
_c(
    "dangling_case_id_in_case_links",
    _cell("case_links.csv", 2, "from_case_id", "B2-99", "B2-09"),
    "case_links.csv:2: from_case_id: 'B2-99' is not a case_id in cases.csv; did you mean 'B2-09'?",
)
_c(
    "link_to_itself",
    _cell("case_links.csv", 2, "to_case_id", "B2-09", "B1-a"),
    "case_links.csv:2: to_case_id: case B2-09 is linked to itself",
)
_c(
    "link_to_later_batch",
    _cells(
        ("case_links.csv", 2, "from_case_id", "B1-a", "B2-09"), ("case_links.csv", 2, "to_case_id", "B2-09", "B1-a")
    ),
    "case_links.csv:2: to_case_id: B2-09 (batch 2) is later than B1-a (batch 1): a case can only build on an earlier or same-batch case",
)
_c(
    "batches_not_consecutive",
    _renumber_batch_3_as_4,
    "batches.csv:4: batch: batches must be numbered 1, 2, 3, ... without gaps: expected 3, found 4",
)
_c(
    "two_primary_domains",
    _cell("case_domains.csv", 5, "is_primary", "true", "false"),
    "case_domains.csv:4: is_primary: case B1-c has 2 primary domains; it needs exactly one",
)
_c(
    "platform_without_host_city",
    _cell("places.csv", 13, "host_city", "NA", "shenzhen"),
    "places.csv:13: host_city: is missing: a platform needs the mainland city that hosts it",
)
_c(
    "fact_without_case_source",
    _cell("cases.csv", 2, "date_in_force", "2020", "NA"),
    "cases.csv:2: date_in_force: no row in case_sources.csv supports its date in force (add one with fact 'date_in_force')",
)
_c(
    "unused_source",
    _append("sources.csv", "S99,Example,NA,[Unused page],en,NA,2026-11-27,https://example.org/,reference,NA"),
    "sources.csv:{last:sources.csv}: source_id: source S99 is not used by any table: cite it or remove it",
)
# --- rows and quoting -----------------------------------------------------------------------
_c(
    "too_many_fields",
    _edit_line(
        "case_domains.csv",
        3,
        lambda s: s.replace("Lawyers' qualification to practise.", "Lawyers, qualification to practise."),
    ),
    "case_domains.csv:3: -: row has 5 fields, the header has 4 (a comma inside a text field needs the field in double quotes)",
)
_c(
    "too_many_fields_in_sources",
    _edit_line(
        "sources.csv",
        6,
        lambda s: s.replace("粤港澳大湾区门户网 (cnbayarea.org.cn)", "粤港澳大湾区门户网, cnbayarea.org.cn"),
    ),
    "sources.csv:6: -: row has 11 fields, the header has 10 (a comma inside a text field needs the field in double quotes)",
)
_c(
    "too_few_fields",
    _edit_line("case_mechanisms.csv", 4, lambda s: s.rsplit(",", 1)[0]),
    "case_mechanisms.csv:4: -: row has 2 fields, the header has 3",
)
_c(
    "quote_opened_mid_file",
    _edit_line("corrections.csv", 3, lambda s: s.replace("琴澳 means", '"琴澳 means')),
    "corrections.csv:3: -: malformed quoting (',' expected after '\"'): a '\"' inside a field must be doubled and the field quoted",
)
_c(
    "unterminated_quote",
    _edit_line("case_sources.csv", 296, lambda s: s.replace(",rule_maker,", ',"rule_maker,')),
    "case_sources.csv:296: -: unterminated quoted field: a '\"' opens a field that never closes",
)
_c("blank_line_in_middle", _insert("cases.csv", 10, ""), "cases.csv:10: -: empty row: delete it")
_c(
    "blank_first_line",
    _insert("vocab_domains.csv", 1, ""),
    "vocab_domains.csv:1: -: the header line is blank: the first line must name the columns",
)
# --- datapackage.json -----------------------------------------------------------------------
_c("datapackage_missing", _remove("datapackage.json"), "datapackage.json:0: -: datapackage.json not found in {dir}")
_c(
    "datapackage_malformed",
    _package(lambda s: s[:200]),
    "datapackage.json:0: -: datapackage.json is malformed: JSONDecodeError('Unterminated string starting at: line 5 column 18 (char 162)')",
)
_c(
    "datapackage_without_resources",
    _package_json(lambda p: p.pop("resources")),
    "datapackage.json:0: -: the descriptor needs a non-empty 'resources' list",
)
_c(
    "datapackage_bad_constraints",
    _package_json(lambda p: p["resources"][0]["schema"]["fields"][0].__setitem__("constraints", [])),
    "datapackage.json:0: -: resource 'sources', field 'source_id': constraints must be an object",
)


# The stable problem code of each case (every expected line of a case has the same code).
CODES = {
    "missing_column": "missing-column",
    "extra_column": "unknown-column",
    "renamed_header_near_miss": "unknown-column",
    "header_with_whitespace": "header-whitespace",
    "duplicated_column": "duplicate-column",
    "columns_out_of_order": "column-order",
    "empty_file": "empty-file",
    "whitespace_only_file": "empty-file",
    "header_only_cases": "foreign-key",
    "header_only_vocab_mechanisms": "foreign-key",
    "semicolon_delimiter": "wrong-delimiter",
    "tab_delimiter": "wrong-delimiter",
    "gbk_encoded": "encoding-error",
    "big5_encoded": "encoding-error",
    "latin1_junk": "encoding-error",
    "nul_byte": "nul-byte",
    "nul_byte_in_cr_file": "nul-byte",
    "missing_csv_file": "file-missing",
    "trailing_whitespace_in_code": "whitespace",
    "leading_whitespace": "whitespace",
    "unknown_category": "not-allowed",
    "near_miss_enum": "not-allowed",
    "near_miss_category": "not-allowed",
    "unknown_place": "foreign-key",
    "duplicate_primary_key": "duplicate-key",
    "duplicate_composite_key": "duplicate-key",
    "duplicate_reconciliation_row": "duplicate-key",
    "blank_required": "missing-value",
    "blank_optional": "blank-value",
    "na_in_required": "missing-value",
    "bad_date": "bad-date",
    "impossible_date": "bad-date",
    "future_date": "future-date",
    "future_partial_date": "future-date",
    "date_in_other_format": "bad-date",
    "date_in_chinese_format": "bad-date",
    "ancient_date": "out-of-range",
    "negative_count": "below-minimum",
    "non_numeric_count": "bad-integer",
    "thousands_separator": "bad-number",
    "thousands_separator_integer": "bad-integer",
    "huge_integer": "out-of-range",
    "infinite_number": "out-of-range",
    "latitude_out_of_range": "above-maximum",
    "bad_boolean": "bad-boolean",
    "whitespace_in_only_citation": "whitespace",
    "near_miss_fact": "not-allowed",
    "bad_batch_number": "bad-integer",
    "pattern_mismatch": "pattern-mismatch",
    "category_totals_do_not_add_up": "category-totals",
    "more_identified_cases_than_official": "coverage",
    "more_cases_in_category_than_official": "coverage",
    "dangling_source_id": "foreign-key",
    "dangling_case_id_in_indicators": "foreign-key",
    "dangling_case_id_in_case_links": "foreign-key",
    "link_to_itself": "case-link",
    "link_to_later_batch": "case-link",
    "batches_not_consecutive": "batch-sequence",
    "two_primary_domains": "primary-domain",
    "platform_without_host_city": "host-city",
    "fact_without_case_source": "provenance",
    "unused_source": "unused-source",
    "too_many_fields": "row-width",
    "too_many_fields_in_sources": "row-width",
    "too_few_fields": "row-width",
    "quote_opened_mid_file": "bad-quoting",
    "unterminated_quote": "bad-quoting",
    "blank_line_in_middle": "empty-row",
    "blank_first_line": "blank-header",
    "datapackage_missing": "package-missing",
    "datapackage_malformed": "package-malformed",
    "datapackage_without_resources": "schema-error",
    "datapackage_bad_constraints": "schema-error",
}
assert set(CODES) == {c.name for c in CASES}, set(CODES) ^ {c.name for c in CASES}
CASES[:] = [Case(c.name, c.mutate, c.expected, c.exit_code, CODES[c.name]) for c in CASES]
