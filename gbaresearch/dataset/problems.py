"""What a validation problem looks like, and the exception that carries them all.

Every :class:`Problem` has a stable ``code`` (one word with hyphens) that programs can rely on;
its ``message`` is for people and may be reworded. ``str(problem)`` is always exactly one line,
``FILE:LINE: FIELD: MESSAGE``: control characters, line breaks and other invisible characters
coming from paths, headers or values are escaped (``\\n``, ``\\x1b``, ``\\u202e``), and values
are quoted as short excerpts (:func:`excerpt`), so a file cannot forge extra output lines.

==========================  ==================================================================
code                        meaning
==========================  ==================================================================
``data-dir-missing``        the data directory does not exist
``package-missing``         ``datapackage.json`` is not in the data directory
``package-malformed``       ``datapackage.json`` is not a JSON object, or cannot be read
``schema-error``            the descriptor breaks a rule of Table Schema or of this library
                            (duplicate resource or field, unknown type, a ``missingValues``
                            that is not a list, a non-finite bound, a table the library needs
                            is missing, an unsafe or invalid pattern, ...)
``path-invalid``            a resource ``path`` is not a non-empty relative file name (not a
                            string, empty, a URL, backslashes, NUL)
``path-outside``            a resource ``path`` (or dialect) is absolute, contains ``..`` or
                            leads (through a symbolic link) outside the data directory
``file-missing``            a file the descriptor lists does not exist
``not-regular-file``        the path is a directory, FIFO, socket or device
``file-too-large``          the file is larger than the size limit
``file-unreadable``         the operating system refused to read the file
``encoding-error``          the file is not UTF-8
``nul-byte``                the file contains NUL bytes
``empty-file``              the file has no header line
``bad-quoting``             a quote is misplaced or never closed, or a field is too long
``blank-header``            the first line is blank
``wrong-delimiter``         the header is separated by ``;``, tab or ``|``
``duplicate-column``        a column name appears more than once in the header
``unknown-column``          a header names a column the schema does not have
``header-whitespace``       a column name has leading or trailing spaces
``missing-column``          a schema field has no column
``column-order``            the columns are not in the schema's order
``too-many-columns``        the header has far more columns than the schema
``empty-row``               a blank line between records
``row-width``               a row has more or fewer fields than the header
``missing-value``           a required value is missing (``NA``) or blank
``blank-value``             an optional value is blank instead of ``NA``
``whitespace``              a value has leading or trailing whitespace
``bad-integer``             not a whole number
``bad-number``              not a number
``bad-boolean``             not ``true`` or ``false``
``bad-date``                not a (real) date in the required form
``future-date``             a date after today
``out-of-range``            a value the loaders cannot hold (huge integer, infinite number,
                            date before 1677-09-22)
``not-allowed``             a value that is not one of the field's ``categories``
``pattern-mismatch``        a value that does not match the field's ``pattern``
``below-minimum``           a value below the field's ``minimum``
``above-maximum``           a value above the field's ``maximum``
``duplicate-key``           a primary key that is already taken
``duplicate-value``         a repeated value in a ``unique`` field
``foreign-key``             a reference to a row that does not exist
``batch-sequence``          batches not numbered 1, 2, 3, ... or not dated in order
``category-totals``         a batch's category counts do not add up to its case count
``coverage``                more identified cases than the official count (per batch,
                            category or order)
``case-consistency``        a case's statuses contradict its values
``case-id-batch``           the batch number in an id disagrees with its ``batch`` column
``lead-place``              a lead place that does not fit the lead level
``provenance``              a case fact without a supporting row in ``case_sources.csv``
``host-city``               a platform without a mainland host city, or the other way round
``case-link``               a case linked to itself or to a later batch
``primary-domain``          a case without exactly one primary domain
``plan-link``               a plan-link row whose section and plan disagree, repeated, or a no-plan row
                            beside rows naming a plan
``outcome-used``            two values of a series marked used for one date, or a series with none
``unused-source``           a source no table cites
``yaml-syntax``             an announcement file is not valid YAML
``yaml-refused``            an announcement file uses what the reader refuses: tags, anchors
                            and aliases, merge keys, keys that are not text, too deep nesting,
                            too many values
``yaml-duplicate-key``      an announcement file gives a key twice in one mapping
``announcement-shape``      a section or value of an announcement has the wrong form (a list
                            where a mapping is expected, a list where one value is)
``unknown-key``             an announcement names a section or field the schema does not have,
                            or one that is filled in automatically
``unknown-source``          an announcement cites a source that is neither its own nor in
                            ``sources.csv``
``batch-exists``            an announcement gives facts for a batch that exists already
``version-order``           a release version that is not greater than the current one
``source-dates``            a source accessed before it was published
``invisible-character``     a value with a control, bidirectional, zero-width or variation
                            selector character (it would not look like what it is)
``path-loop``               a path (or the data directory) is a loop of symbolic links
``frictionless``            what ``frictionless validate`` found (``validate --frictionless``)
``invalid``                 any other problem (the default of :class:`Problem`)
==========================  ==================================================================
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from dataclasses import field as _field

CODES: tuple[str, ...] = tuple(
    line.split("``")[1]
    for line in (__doc__ or "").splitlines()
    if line.startswith("``") and line.split("``")[1].replace("-", "").isalpha()
)

EXCERPT_CHARS = 60


def _invisible(c: str) -> bool:
    """Characters Python calls printable that show nothing: variation selectors (``S01\ufe0f``
    looks like ``S01``), the combining grapheme joiner, Hangul fillers and the blank braille cell."""
    o = ord(c)
    return 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or o in (0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800)


def escape(text: str) -> str:
    """``text`` with every control, format (bidirectional overrides, zero-width), invisible
    (variation selectors, fillers) and line or paragraph separator character written as a
    Python escape, so it prints on one line as it is."""
    if text.isprintable() and not any(_invisible(c) for c in text):
        return text
    out = []
    for c in text:
        if _invisible(c):
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        elif c.isprintable() or (c == " "):
            out.append(c)
        elif unicodedata.category(c) in ("Zs",):
            out.append(c)
        else:
            out.append(c.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def escape_json(text: str) -> str:
    """JSON text (from :func:`json.dumps`) with every character :func:`escape` would escape, other
    than its own line breaks, written as a JSON ``\\uXXXX`` escape: still the same JSON, but
    nothing in it reaches a terminal raw (C1 controls, bidirectional controls, invisible
    characters)."""
    out = []
    for c in text:
        if c == "\n" or (c.isprintable() and not _invisible(c)):
            out.append(c)
        elif ord(c) > 0xFFFF:
            hi, lo = divmod(ord(c) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + hi:04x}\\u{0xDC00 + lo:04x}")
        else:
            out.append(f"\\u{ord(c):04x}")
    return "".join(out)


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A value as it is quoted in messages: ``repr`` of at most ``limit`` characters, with
    ``…`` and the full length when it was cut. Values that are not text are shown by ``repr``."""
    if not isinstance(value, str):
        return repr(value)
    text = value
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text)} characters)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data.

    ``line`` is the physical line in the CSV file (header = 1); 0 with ``field`` "-" marks a
    file- or table-level problem. ``code`` is one of :data:`CODES`.
    """

    file: str
    line: int
    field: str
    message: str
    code: str = _field(default="invalid", compare=False)

    def __str__(self) -> str:
        return f"{escape(self.file)}:{self.line}: {escape(self.field)}: {escape(self.message)}"

    def to_dict(self) -> dict[str, str | int]:
        """``{"file", "line", "field", "code", "message"}``, for JSON output."""
        return {"file": self.file, "line": self.line, "field": self.field, "code": self.code, "message": self.message}


class DataValidationError(ValueError):
    """Raised by the loaders when the data breaks its schema or a cross-table rule.

    ``problems`` lists every problem found, in file order.
    """

    def __init__(self, problems: list[Problem], data_dir: str = ""):
        self.problems = list(problems)
        self.data_dir = data_dir
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data" + (f" at {escape(data_dir)}" if data_dir else "")
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))
