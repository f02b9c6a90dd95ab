"""Read one CSV file into its header and records, each record tagged with its physical line.

Accepted harmless variations: a UTF-8 byte-order mark, Windows (CRLF) or old Mac (CR) line
endings, and a missing newline at the end of the file. Everything else that is not plain
UTF-8 comma-separated text is reported as a problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """A file's header and records. ``lines[i]`` is the first physical line of ``records[i]``.

    Large, regular files come back as ``columns`` (one list per column, every row complete,
    record i on line i + 2) instead of ``records``."""

    header: list[str] | None = None
    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: list[list[str]] | None = None


# Files above this size are first parsed by pandas' C reader, which is several times faster than
# the csv module, and accepted only when nothing about them could be read differently.
FAST_PARSE_BYTES = 1_000_000
# A quote with a non-separator on both sides ("ab"c, a "b", a"b) is either malformed or a
# literal quote in an unquoted field; both are left to the csv module. Doubled quotes inside
# quoted fields never match.
_ODD_QUOTE = re.compile(r'"(?=[^,\r\n"])(?<=[^,\r\n"]")')


def _physical_lines(text: str) -> int:
    n = text.count("\n") if "\r" not in text else text.count("\n") + text.count("\r") - text.count("\r\n")
    return n if text.endswith(("\n", "\r")) else n + 1


def _fast_parse(text: str, data: bytes) -> tuple[list[str], list[list[str]]] | None:
    """Header and columns of a regular file (one record per line, every cell filled, plain
    quoting), or None when the csv module must decide."""
    if _ODD_QUOTE.search(text):
        return None
    import pandas as pd

    try:
        df = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except Exception:  # any parser complaint: let the csv module find and word it
        return None
    # a short row or blank line shows up as empty cells, a quoted line break as fewer rows
    if len(df) != _physical_lines(text) or (df.to_numpy() == "").any():
        return None
    header = df.iloc[0].tolist()
    return header, [df[c].tolist()[1:] for c in df.columns]


def _cjk_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are Chinese characters or CJK punctuation."""
    wide = [ord(c) for c in text if ord(c) > 0x7F]
    good = sum(
        1
        for o in wide
        if 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or o == 0xB7
    )
    return good / len(wide) if wide else 0.0


def _guess_encoding(data: bytes) -> str | None:
    # Undecodable bytes that stand alone between ASCII (or UTF-8) characters are accented letters
    # of a one-byte Western encoding; Chinese double-byte encodings leave runs of them.
    escaped = data.decode("utf-8", "surrogateescape")
    if not re.search("[\udc80-\udcff]{2}", escaped):
        return "Latin-1/Windows-1252 (Western European)"
    # Big5 bytes are also valid GBK (and often the other way round): keep the reading that gives
    # Chinese text rather than kana, symbols and private-use characters; GBK wins a tie.
    best, best_share = None, 0.0
    for enc, label in (("gb18030", "GBK/GB18030 (simplified Chinese)"), ("big5", "Big5 (traditional Chinese)")):
        try:
            share = _cjk_share(data.decode(enc))
        except UnicodeDecodeError:
            continue
        if best is None or share > best_share:
            best, best_share = label, share
    return best


def _line_at(data, pos: int) -> int:
    """Physical line (1-based) of position ``pos`` in ``data``, counting CRLF, CR and LF endings."""
    head = data[:pos]
    nl, cr, crlf = ("\n", "\r", "\r\n") if isinstance(data, str) else (b"\n", b"\r", b"\r\n")
    return head.count(nl) + head.count(cr) - head.count(crlf) + 1


def read_raw(path: Path, label: str) -> RawTable:
    """Read ``path``; ``label`` names the file in problems. Never raises for bad content."""
    out = RawTable()

    def problem(line: int, fld: str, msg: str) -> None:
        out.problems.append(Problem(label, line, fld, msg))

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problem(0, "-", "file is missing (datapackage.json lists it)")
        return out
    except OSError as exc:
        problem(0, "-", f"file cannot be read ({exc.strerror})")
        return out
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        guess = _guess_encoding(data)
        hint = f"; it looks like {guess}" if guess else ""
        problem(
            line, "-", f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded){hint}: save it as UTF-8"
        )
        return out
    if "\x00" in text:
        line = _line_at(text, text.index("\x00"))
        problem(line, "-", "file contains NUL bytes: it is not a text CSV file")
        return out
    if not text or text.isspace():
        problem(0, "-", "file is empty: it needs at least a header line")
        return out

    if len(text) >= FAST_PARSE_BYTES:
        fast = _fast_parse(text, data)
        if fast is not None:
            out.header, out.columns = fast
            out.lines = list(range(2, len(out.columns[0]) + 2))
            return out
    # Fast path: parse everything at once; when no record spans several physical lines, record i
    # (header = 0) starts on line i + 1. Otherwise, or on a quoting error, read again record by
    # record to find the lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        rows = None
    if rows and reader.line_num == len(rows):
        out.header = rows[0]
        out.records = rows[1:]
        out.lines = list(range(2, len(rows) + 1))
        return out
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if out.header is None:
                out.header = rec
                continue
            out.records.append(rec)
            out.lines.append(start)
    except csv.Error as exc:
        start = prev_end + 1
        if "end of data" in str(exc) or "EOF" in str(exc):
            msg = "unterminated quoted field: a '\"' opens a field that never closes"
        else:
            msg = f"malformed quoting ({exc}): a '\"' inside a field must be doubled and the field quoted"
        problem(start, "-", msg)
    return out
