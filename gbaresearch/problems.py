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
``path-outside``            a resource ``path`` is absolute, contains ``..`` or resolves
                            (through symbolic links too) outside the data directory
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


def escape(text: str) -> str:
    """``text`` with every control, format (bidirectional overrides, zero-width) and line or
    paragraph separator character written as a Python escape, so it prints on one line as it is."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c.isprintable() or (c == " "):
            out.append(c)
        elif unicodedata.category(c) in ("Zs",):
            out.append(c)
        else:
            out.append(c.encode("unicode_escape").decode("ascii"))
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
