"""Read one CSV file into its header and records, each record tagged with its physical line.

Accepted harmless variations: a UTF-8 byte-order mark, Windows (CRLF) or old Mac (CR) line
endings, and a missing newline at the end of the file. Everything else that is not plain
UTF-8 comma-separated text is reported as a problem. This module is the package's only CSV
reader and writer: validation, :mod:`gbaresearch.dataset.extend`, :mod:`gbaresearch.publish.codebook` and
the benchmarks' synthetic data generator all go through it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .confined import read_beneath, write_beneath
from .limits import Refused, max_file_bytes, read_bounded
from .problems import Problem

BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """A file's header and records. ``lines[i]`` is the first physical line of ``records[i]``."""

    header: list[str] | None = None
    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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


def _line_at(data: str | bytes, pos: int) -> int:
    """Physical line (1-based) of position ``pos`` in ``data``, counting CRLF, CR and LF endings."""
    if isinstance(data, str):
        text = data[:pos]
        return text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    head = data[:pos]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def read_raw(path: Path, label: str) -> RawTable:
    """Read ``path``; ``label`` names the file in problems. Never raises for bad content.

    Only a regular file no larger than :func:`~gbaresearch.dataset.limits.max_file_bytes`, reached
    without a symbolic link out of its folder, is read."""
    try:
        data = read_bounded(path, max_file_bytes())
    except Refused as exc:
        return RawTable(problems=[Problem(label, 0, "-", exc.reason, exc.code)])
    return parse_raw(data, label)


def parse_raw(data: bytes, label: str) -> RawTable:
    """Header and records of the CSV text ``data``; ``label`` names the file in problems."""
    out = RawTable()

    def problem(line: int, fld: str, msg: str, code: str) -> None:
        out.problems.append(Problem(label, line, fld, msg, code))

    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        guess = _guess_encoding(data)
        hint = f"; it looks like {guess}" if guess else ""
        problem(
            line,
            "-",
            f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded){hint}: save it as UTF-8",
            "encoding-error",
        )
        return out
    if "\x00" in text:
        line = _line_at(text, text.index("\x00"))
        problem(line, "-", "file contains NUL bytes: it is not a text CSV file", "nul-byte")
        return out
    if not text or text.isspace():
        problem(0, "-", "file is empty: it needs at least a header line", "empty-file")
        return out

    # Parse everything at once; when no record spans several physical lines, record i (header =
    # 0) starts on line i + 1. Otherwise, or on a quoting error, the same reader goes again record
    # by record to find the lines.
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
        elif "field larger than field limit" in str(exc):
            msg = (
                f"a field is longer than {csv.field_size_limit()} characters "
                "(often a '\"' that opens a field and never closes)"
            )
        else:
            msg = f"malformed quoting ({exc}): a '\"' inside a field must be doubled and the field quoted"
        problem(start, "-", msg, "bad-quoting")
    return out


# --- the one way the package reads and writes whole CSV files outside validation --------------


def _beneath(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` (a POSIX path), refused when it is not beneath it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        raise Refused("path-outside", f"{path} is not inside {root}") from None


def read_records(path: Path, root: Path | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (column → text) of a UTF-8 CSV file that is known to be well formed
    (raise ValueError when it is not: run validation for the details). With ``root``, ``path``
    must lie beneath it and is read without following a link out of it, in any folder of the
    path (:func:`gbaresearch.dataset.confined.read_beneath`); a refusal raises
    :class:`~gbaresearch.dataset.limits.Refused`."""
    if root is None:
        raw = read_raw(Path(path), Path(path).name)
    else:  # a refusal (a link out, a missing file) raises Refused
        raw = parse_raw(read_beneath(root, _beneath(root, path), max_file_bytes()), Path(path).name)
    if raw.problems or raw.header is None:
        raise ValueError("; ".join(str(p) for p in raw.problems) or f"{path}: no header")
    header = raw.header
    return header, [dict(zip(header, rec)) for rec in raw.records]


def write_records(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Mapping[str, str] | Sequence[str]],
    append: bool = False,
    root: Path | None = None,
) -> int:
    """Write ``rows`` (mappings by column, or sequences in header order) as UTF-8 CSV with LF
    line endings, quoting only where needed; with ``append`` add them after the existing rows
    (the header is then not written again). Return the number of rows written.

    The file is written without following a symbolic link out of its folder, or with ``root``
    out of ``root`` in any folder of the path (:func:`gbaresearch.dataset.confined.write_beneath`);
    a refusal raises :class:`~gbaresearch.dataset.limits.Refused`."""
    path = Path(path)
    base, rel = (path.parent, path.name) if root is None else (Path(root), _beneath(Path(root), path))
    prefix = ""
    if append:
        text = read_beneath(base, rel, max_file_bytes())
        if text and not text.endswith((b"\n", b"\r")):
            prefix = "\n"
    n = 0
    fh = io.StringIO(newline="")
    fh.write(prefix)
    writer = csv.writer(fh, lineterminator="\n")
    if not append:
        writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            unknown = set(row) - set(header)
            if unknown:
                raise KeyError(f"{path.name} has no column(s): {', '.join(sorted(unknown))}")
            writer.writerow([row.get(c, "") for c in header])
        else:
            writer.writerow(row)
        n += 1
    write_beneath(base, rel, fh.getvalue().encode("utf-8"), append=append)
    return n


def read_file_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit`` bytes, default
    :func:`~gbaresearch.dataset.limits.max_file_bytes`); raise :class:`~gbaresearch.dataset.limits.Refused`
    otherwise. Whole-file reads of the data directory go through here."""
    return read_bounded(Path(path), max_file_bytes() if limit is None else limit)


def write_file_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a new regular file (never through a symbolic link there)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(Path(path), flags, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def copy_file(src: Path, dst: Path) -> None:
    """Copy the regular file ``src`` to ``dst`` through :func:`read_file_bytes` and
    :func:`write_file_bytes` (size limit, no symbolic link written through)."""
    write_file_bytes(dst, read_file_bytes(src))
