"""Hostile inputs: a copy of ``data/`` changed the way an untrusted pull request could change it.

Each :class:`Attack` says how to build the input (a function that edits a copy of ``data/`` in
place; it may also return environment variables to set), the exact problem lines
``gbaresearch validate`` must print (``{dir}`` stands for the data directory, ``{out}`` for a
directory beside it that is outside the data), their codes, and the exit code. Classes (issue
12): 1 paths stay inside the data directory, 2 only regular files of sane size, 3 the
descriptor is checked as a descriptor, 4 no output can be forged, 5 identifiers are what they
look like. Issue 20 adds to each class: every file under the data directory (``datapackage.json``,
``CODEBOOK.md``, ``CHANGELOG.md``, dialect files) and not only the resources, symbolic link
loops, the whole descriptor (dialects, profiles, duplicate keys, numbers a float cannot hold,
bounds on text, slow pattern families, composite keys), and values that do not look like what
they are. Commands other than ``validate``, the snapshot and the site are covered with the same
exactness in ``tests/test_boundary.py`` and ``tests/test_site_payloads.py``.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import read_text, set_cell, write_text

PKG = "datapackage.json"


@dataclass(frozen=True)
class Attack:
    name: str
    klass: int
    mutate: Callable[[Path], dict[str, str] | None]
    expected: tuple[str, ...]
    codes: tuple[str, ...]
    exit_code: int = 1
    never_opened: tuple[str, ...] = field(default=())  # paths ({out}, absolute) that must never be opened
    # the command run on the data directory (``gbaresearch COMMAND... DIR``; ``{out}`` in an
    # argument is the directory beside it); for a command other than validate, ``expected`` are
    # the lines it prints (its standard error's last line when it exits 2)
    command: tuple[str, ...] = ("validate",)

    def argv(self, d: Path) -> list[str]:
        """The command line for the input in ``d``."""
        return [a.replace("{out}", str(d.parent / "outside")) for a in self.command] + [str(d)]

    def expected_for(self, d: Path) -> list[str]:
        """The expected lines for the (already built) input in ``d``. Placeholders: ``{dir}``,
        ``{out}``, ``{size:FILE}`` (its size in bytes), ``{n}`` (the last resource's index),
        ``{i:NAME}`` (the index of the resource whose path is NAME.csv)."""
        try:
            if (d / PKG).is_symlink() or not (d / PKG).is_file() or (d / PKG).stat().st_size > 10**6:
                raise ValueError("not a descriptor to read")
            desc = json.loads(read_text(d, PKG))
            resources = desc["resources"] if isinstance(desc, dict) else []
        except (OSError, ValueError, KeyError, RecursionError):
            resources = []

        def sub(m: re.Match) -> str:
            key, arg = m[1], m[2]
            if key == "size":
                return str((d / arg).stat().st_size)
            if key == "n":
                return str(len(resources) - 1)
            return str(next(i for i, r in enumerate(resources) if r.get("path") == f"{arg}.csv"))

        return [
            _PLACEHOLDER.sub(sub, e.replace("{dir}", str(d)).replace("{out}", str(d.parent / "outside")))
            for e in self.expected
        ]


_PLACEHOLDER = re.compile(r"\{(size|n|i)(?::([\w.]+))?\}")


ATTACKS: list[Attack] = []


def _a(name, klass, mutate, expected, codes, exit_code=1, never_opened=(), command=("validate",)):
    expected = (expected,) if isinstance(expected, str) else tuple(expected)
    codes = (codes,) * len(expected) if isinstance(codes, str) else tuple(codes)
    ATTACKS.append(Attack(name, klass, mutate, expected, codes, exit_code, tuple(never_opened), tuple(command)))


# --- helpers -------------------------------------------------------------------------------------


def _desc(d: Path) -> dict[str, Any]:
    return json.loads(read_text(d, PKG))


def _put(d: Path, desc: Any) -> None:
    write_text(d, PKG, json.dumps(desc, ensure_ascii=False, indent=2))


def _edit(fn: Callable[[dict[str, Any]], Any]):
    def mutate(d: Path) -> None:
        desc = _desc(d)
        fn(desc)
        _put(d, desc)

    return mutate


def _res(desc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in desc["resources"] if r["name"] == name)


def _fld(desc: dict[str, Any], table: str, name: str) -> dict[str, Any]:
    return next(f for f in _res(desc, table)["schema"]["fields"] if f["name"] == name)


def _set_path(table: str, value: Any):
    return _edit(lambda desc: _res(desc, table).__setitem__("path", value))


def _outside(d: Path) -> Path:
    out = d.parent / "outside"
    out.mkdir(exist_ok=True)
    return out


def _symlink(name: str, target: Callable[[Path], Path]):
    def mutate(d: Path) -> None:
        t = target(d)
        (d / name).unlink()
        (d / name).symlink_to(t)

    return mutate


def _copy_outside(name: str) -> Callable[[Path], Path]:
    def target(d: Path) -> Path:
        out = _outside(d) / name
        out.write_bytes((d / name).read_bytes())
        return out

    return target


def _fifo(name: str):
    def mutate(d: Path) -> None:
        (d / name).unlink()
        os.mkfifo(d / name)

    return mutate


def _socket(name: str):
    def mutate(d: Path) -> None:
        (d / name).unlink()
        here = os.getcwd()
        os.chdir(d)  # a short relative address: AF_UNIX paths are limited to about 100 bytes
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(name)
            s.close()
        finally:
            os.chdir(here)

    return mutate


def _directory(name: str):
    def mutate(d: Path) -> None:
        (d / name).unlink()
        (d / name).mkdir()

    return mutate


def _env(**env: str):
    def mutate(d: Path) -> dict[str, str]:
        return env

    return mutate


def _then(*steps):
    def mutate(d: Path):
        env: dict[str, str] = {}
        for s in steps:
            env.update(s(d) or {})
        return env

    return mutate


def _cell(name, line, column, value, expect=None):
    return lambda d: set_cell(d, name, line, column, value, expect)


def _raw(name: str, fn: Callable[[str], str]):
    return lambda d: write_text(d, name, fn(read_text(d, name)))


def _pattern(table: str, column: str, pattern: str):
    return _edit(lambda desc: _fld(desc, table, column).setdefault("constraints", {}).__setitem__("pattern", pattern))


def _constraint(table: str, column: str, key: str, value: Any):
    return _edit(lambda desc: _fld(desc, table, column).setdefault("constraints", {}).__setitem__(key, value))


# --- 1. paths stay inside the data directory -----------------------------------------------------
OUT_MSG = "the file is not opened"
_a(
    "absolute_path",
    1,
    _set_path("places", "/etc/passwd"),
    f"{PKG}:0: -: resource 'places': path must be relative to the data directory, not absolute (path '/etc/passwd'); {OUT_MSG}",
    "path-outside",
    never_opened=("/etc/passwd",),
)
_a(
    "dotdot_path",
    1,
    _set_path("places", "../outside/places.csv"),
    f"{PKG}:0: -: resource 'places': path must not contain '..' (path '../outside/places.csv'); {OUT_MSG}",
    "path-outside",
)
_a(
    "dotdot_in_the_middle",
    1,
    _set_path("sources", "sub/../../../etc/passwd"),
    f"{PKG}:0: -: resource 'sources': path must not contain '..' (path 'sub/../../../etc/passwd'); {OUT_MSG}",
    "path-outside",
    never_opened=("/etc/passwd",),
)
_a(
    "home_path",
    1,
    _set_path("cases", "~/.ssh/id_rsa"),
    f"{PKG}:0: -: resource 'cases': path must be relative to the data directory, not absolute (path '~/.ssh/id_rsa'); {OUT_MSG}",
    "path-outside",
)
_a(
    "url_path",
    1,
    _set_path("cases", "https://example.org/cases.csv"),
    f"{PKG}:0: -: resource 'cases': path must be a relative file name (no URL, drive letter, backslash or NUL) "
    f"(path 'https://example.org/cases.csv'); {OUT_MSG}",
    "path-invalid",
)
_a(
    "file_url_path",
    1,
    _set_path("cases", "file:///etc/passwd"),
    f"{PKG}:0: -: resource 'cases': path must be a relative file name (no URL, drive letter, backslash or NUL) "
    f"(path 'file:///etc/passwd'); {OUT_MSG}",
    "path-invalid",
    never_opened=("/etc/passwd",),
)
_a(
    "windows_path",
    1,
    _set_path("cases", "..\\..\\cases.csv"),
    f"{PKG}:0: -: resource 'cases': path must be a relative file name (no URL, drive letter, backslash or NUL) "
    f"(path '..\\\\..\\\\cases.csv'); {OUT_MSG}",
    "path-invalid",
)
_a(
    "number_path",
    1,
    _set_path("cases", 42),
    f"{PKG}:0: -: resource 'cases': path must be a non-empty string (a relative file name) (path 42); {OUT_MSG}",
    "path-invalid",
)
_a(
    "empty_path",
    1,
    _set_path("cases", ""),
    f"{PKG}:0: -: resource 'cases': path must be a non-empty string (a relative file name) (path ''); {OUT_MSG}",
    "path-invalid",
)
_a(
    "list_path",
    1,
    _set_path("cases", ["cases.csv", "/etc/passwd"]),
    f"{PKG}:0: -: resource 'cases': path must be a non-empty string (a relative file name) "
    f"(path ['cases.csv', '/etc/passwd']); {OUT_MSG}",
    "path-invalid",
    never_opened=("/etc/passwd",),
)
_a(
    "missing_path",
    1,
    _edit(lambda desc: _res(desc, "cases").pop("path")),
    f"{PKG}:0: -: resource 'cases': path must be a non-empty string (a relative file name) (path None); {OUT_MSG}",
    "path-invalid",
)
_a(
    "symlink_to_etc_passwd",
    1,
    _symlink("places.csv", lambda d: Path("/etc/passwd")),
    "places.csv:0: -: resource 'places': the path resolves outside the data directory (through a symbolic link); "
    + OUT_MSG,
    "path-outside",
    never_opened=("/etc/passwd",),
)
_a(
    "symlink_to_a_copy_outside",
    1,
    _symlink("places.csv", _copy_outside("places.csv")),
    "places.csv:0: -: resource 'places': the path resolves outside the data directory (through a symbolic link); "
    + OUT_MSG,
    "path-outside",
    never_opened=("{out}/places.csv",),
)


def _linked_directory(d: Path) -> None:
    out = _outside(d)
    (out / "vocab_domains.csv").write_bytes((d / "vocab_domains.csv").read_bytes())
    (d / "sub").symlink_to(out)
    desc = _desc(d)
    _res(desc, "vocab_domains")["path"] = "sub/vocab_domains.csv"
    _put(d, desc)


_a(
    "symlinked_directory_outside",
    1,
    _linked_directory,
    "sub/vocab_domains.csv:0: -: resource 'vocab_domains': the path resolves outside the data directory "
    "(through a symbolic link); " + OUT_MSG,
    "path-outside",
    never_opened=("{out}/vocab_domains.csv",),
)


def _inside_link(d: Path) -> None:
    (d / "copy").mkdir()
    (d / "copy" / "places.csv").write_bytes((d / "places.csv").read_bytes())
    (d / "places.csv").unlink()
    (d / "places.csv").symlink_to(d / "copy" / "places.csv")


_a("symlink_inside_is_accepted", 1, _inside_link, (), (), exit_code=0)

# --- 2. only regular files, of sane size -----------------------------------------------------------
_a(
    "fifo_instead_of_csv",
    2,
    _fifo("cases.csv"),
    "cases.csv:0: -: is a named pipe (FIFO), not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "fifo_instead_of_datapackage",
    2,
    _fifo(PKG),
    f"{PKG}:0: -: {PKG} is a named pipe (FIFO), not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "socket_instead_of_csv",
    2,
    _socket("vocab_domains.csv"),
    "vocab_domains.csv:0: -: is a socket, not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "directory_instead_of_csv",
    2,
    _directory("case_links.csv"),
    "case_links.csv:0: -: is a directory, not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "directory_instead_of_datapackage",
    2,
    _directory(PKG),
    f"{PKG}:0: -: {PKG} is a directory, not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "symlink_to_dev_zero",
    2,
    _symlink("cases.csv", lambda d: Path("/dev/zero")),
    "cases.csv:0: -: resource 'cases': the path resolves outside the data directory (through a symbolic link); "
    + OUT_MSG,
    "path-outside",
    never_opened=("/dev/zero",),
)
_a(
    "file_over_the_size_limit",
    2,
    _then(_raw("cases.csv", lambda s: s + " " * 1_000_000), _env(GBARESEARCH_MAX_FILE_BYTES="1000000")),
    "cases.csv:0: -: file is {size:cases.csv} bytes, more than the limit of 1000000 (set GBARESEARCH_MAX_FILE_BYTES to raise it)",
    "file-too-large",
)
_a(
    "huge_datapackage",
    2,
    _raw(PKG, lambda s: s + " " * (17 * 1024 * 1024)),
    f"{PKG}:0: -: {PKG} is larger than 16777216 bytes: it is not read",
    "file-too-large",
)
_a(
    "deeply_nested_datapackage",
    2,
    lambda d: write_text(d, PKG, "[" * 200_000 + "]" * 200_000),
    f"{PKG}:0: -: {PKG} is malformed: it is nested too deeply",
    "package-malformed",
)
_a(
    "field_over_the_csv_limit",
    2,
    _raw("vocab_domains.csv", lambda s: s.split("\n", 1)[0] + '\n"' + "x" * 200_000 + "\n"),
    "vocab_domains.csv:2: -: a field is longer than 131072 characters (often a '\"' that opens a field and never closes)",
    "bad-quoting",
)
_a(
    "header_with_100k_columns",
    2,
    _raw("vocab_domains.csv", lambda s: ",".join(f"c{i}" for i in range(100_000)) + "\n" + s.split("\n", 1)[1]),
    "vocab_domains.csv:1: -: the header has 100000 columns, the schema 4: is this the right file?",
    "too-many-columns",
)

# --- 3. the descriptor is checked as a descriptor --------------------------------------------------
_a(
    "empty_resources",
    3,
    _edit(lambda desc: desc.__setitem__("resources", [])),
    f"{PKG}:0: -: the descriptor needs a non-empty 'resources' list",
    "schema-error",
)
_a(
    "descriptor_is_a_list",
    3,
    lambda d: write_text(d, PKG, "[]"),
    f"{PKG}:0: -: the descriptor must be a JSON object",
    "package-malformed",
)
_a(
    "required_table_missing",
    3,
    _edit(lambda desc: desc["resources"].remove(_res(desc, "corrections"))),
    f"{PKG}:0: -: resource 'corrections' is missing: the library needs it",
    "schema-error",
)
_a(
    "required_field_missing",
    3,
    _edit(lambda desc: _res(desc, "case_domains")["schema"]["fields"].remove(_fld(desc, "case_domains", "is_primary"))),
    f"{PKG}:0: -: resource 'case_domains': field 'is_primary' is missing: the library's rules need it",
    "schema-error",
)


def _duplicate_resource(desc):
    desc["resources"].append(json.loads(json.dumps(_res(desc, "places"))))


_a(
    "duplicate_resource_name",
    3,
    _edit(_duplicate_resource),
    f"{PKG}:0: -: resources[{{n}}]: resource name 'places' is already used by resources[{{i:places}}]",
    "schema-error",
)


def _same_path(desc):
    _res(desc, "vocab_mechanisms")["path"] = _res(desc, "vocab_domains")["path"]


_a(
    "duplicate_resource_path",
    3,
    _edit(_same_path),
    f"{PKG}:0: -: resource 'vocab_mechanisms': path 'vocab_domains.csv' is already used by resource 'vocab_domains'",
    "schema-error",
)


def _duplicate_field(desc):
    fields = _res(desc, "case_links")["schema"]["fields"]
    fields.append(dict(fields[-1]))


_a(
    "duplicate_field",
    3,
    _edit(_duplicate_field),
    f"{PKG}:0: -: resource 'case_links': field 'source_id' is listed 2 times",
    "schema-error",
)
_a(
    "missing_values_not_a_list",
    3,
    _edit(lambda desc: _res(desc, "places")["schema"].__setitem__("missingValues", "NA")),
    f"{PKG}:0: -: resource 'places': schema.missingValues must be a list of strings, not 'NA'",
    "schema-error",
)
_a(
    "true_values_not_a_list",
    3,
    _edit(lambda desc: _fld(desc, "case_domains", "is_primary").__setitem__("trueValues", "true")),
    f"{PKG}:0: -: resource 'case_domains', field 'is_primary': trueValues must be a list of strings, not 'true'",
    "schema-error",
)
_a(
    "nan_minimum",
    3,
    _constraint("places", "lat", "minimum", float("nan")),
    f"{PKG}:0: -: resource 'places', field 'lat': constraints.minimum must be a finite number, not nan",
    "schema-error",
)
_a(
    "infinite_maximum",
    3,
    _constraint("batches", "n_cases", "maximum", float("inf")),
    f"{PKG}:0: -: resource 'batches', field 'n_cases': constraints.maximum must be a finite number, not inf",
    "schema-error",
)
_a(
    "boolean_minimum",
    3,
    _constraint("batches", "n_cases", "minimum", True),
    f"{PKG}:0: -: resource 'batches', field 'n_cases': constraints.minimum must be a finite number, not True",
    "schema-error",
)
_a(
    "unknown_type",
    3,
    _edit(lambda desc: _fld(desc, "places", "lon").__setitem__("type", "geopoint")),
    f"{PKG}:0: -: resource 'places', field 'lon': unknown type 'geopoint' (supported: any, boolean, date, integer, number, string)",
    "schema-error",
)
_a(
    "unsupported_constraint",
    3,
    _constraint("cases", "title_en", "maxLength", 10),
    f"{PKG}:0: -: resource 'cases', field 'title_en': unsupported constraint 'maxLength'",
    "schema-error",
)


def _many(desc):
    _duplicate_field(desc)
    _res(desc, "places")["schema"]["missingValues"] = "NA"
    _fld(desc, "places", "lat")["constraints"]["maximum"] = float("inf")
    _fld(desc, "places", "lon")["type"] = "geopoint"


_a(
    "four_descriptor_mistakes_at_once",
    3,
    _edit(_many),
    (  # in the descriptor's order
        f"{PKG}:0: -: resource 'places', field 'lat': constraints.maximum must be a finite number, not inf",
        f"{PKG}:0: -: resource 'places', field 'lon': unknown type 'geopoint' (supported: any, boolean, date, integer, number, string)",
        f"{PKG}:0: -: resource 'places': schema.missingValues must be a list of strings, not 'NA'",
        f"{PKG}:0: -: resource 'case_links': field 'source_id' is listed 2 times",
    ),
    "schema-error",
)
_a(
    "nested_quantifier_pattern",
    3,
    _pattern("vocab_domains", "domain", "^([a-z_]+)+$"),
    f"{PKG}:0: -: resource 'vocab_domains', field 'domain': pattern '^([a-z_]+)+$' could take very long to match: "
    "it has a repetition inside a repeated group (like (a+)+)",
    "schema-error",
)
_a(
    "alternation_in_repeat_pattern",
    3,
    _pattern("vocab_domains", "domain", "^(a|a_|[a-z_])*$"),
    f"{PKG}:0: -: resource 'vocab_domains', field 'domain': pattern '^(a|a_|[a-z_])*$' could take very long to match: "
    "it has an alternation inside a repeated group (like (a|ab)*): use a character class",
    "schema-error",
)
_a(
    "backreference_pattern",
    3,
    _pattern("vocab_domains", "domain", "^([a-z])\\1*$"),
    f"{PKG}:0: -: resource 'vocab_domains', field 'domain': pattern '^([a-z])\\\\1*$' could take very long to match: "
    "it has a backreference",
    "schema-error",
)
_a(
    "many_unbounded_repeats_pattern",
    3,
    _pattern("vocab_domains", "domain", "^[a-z]*_*[a-z]*_*$"),
    f"{PKG}:0: -: resource 'vocab_domains', field 'domain': pattern '^[a-z]*_*[a-z]*_*$' could take very long to match: "
    "it has 4 long or unbounded repetitions (at most 2)",
    "schema-error",
)
_a(
    "invalid_pattern",
    3,
    _pattern("vocab_domains", "domain", "^[a-z"),
    f"{PKG}:0: -: resource 'vocab_domains', field 'domain': pattern '^[a-z' is not a valid regular expression "
    "(unterminated character set at position 1)",
    "schema-error",
)

# --- 4. no output can be forged --------------------------------------------------------------------
_a(
    "newline_in_header",
    4,
    _raw("places.csv", lambda s: s.replace("\n", ',"x\nplaces.csv:2: -: all good"\n', 1)),
    "places.csv:1: -: unknown column 'x\\nplaces.csv:2: -: all good' (the schema has no such field)",
    "unknown-column",
)
_a(
    "terminal_escape_in_value",
    4,
    _cell("indicators.csv", 3, "bound", "\x1b[2J\x1b[1;1Hexact"),
    "indicators.csv:3: bound: '\\x1b[2J\\x1b[1;1Hexact' is not one of the allowed values (exact, lower, approximate)",
    "not-allowed",
)
_a(
    "newline_in_resource_path",
    4,
    _set_path("case_links", "case_links.csv\nfake.csv:1: -: forged"),
    "case_links.csv\\nfake.csv:1: -: forged:0: -: file is missing (datapackage.json lists it)",
    "file-missing",
)
_a(
    "newline_in_resource_name",
    4,
    _edit(lambda desc: _res(desc, "case_links").__setitem__("name", "case_links\nforged")),
    f"{PKG}:0: -: resources[{{i:case_links}}]: resource name 'case_links\\nforged' must be lower-case letters, digits, '.', '-' or '_'",
    "schema-error",
)
_a(
    "bidi_override_in_id",
    4,
    _cell("corrections.csv", 2, "correction_id", "C\u202e10"),
    "corrections.csv:2: correction_id: 'C\\u202e10' does not match the pattern ^C[0-9]{2}$",
    "pattern-mismatch",
)
_a(
    "line_separator_in_category",
    4,
    _cell("batch_categories.csv", 2, "category", "factor_flow\u2028x"),
    "batch_categories.csv:2: category: 'factor_flow\\u2028x' is not one of the allowed values "
    "(factor_flow, livelihood, business_environment, major_platforms); did you mean 'factor_flow'?",
    "not-allowed",
)
_a(
    "megabyte_value",
    4,
    _cell("vocab_domains.csv", 2, "domain", "A" * 100_000),
    f"vocab_domains.csv:2: domain: {'A' * 60!r}… (100000 characters) is too long to match the pattern ^[a-z_]+$ "
    "(at most 1000 characters are matched)",
    "pattern-mismatch",
)

# --- 5. identifiers are what they look like ----------------------------------------------------------
_a(
    "arabic_indic_digits_in_id",
    5,
    _cell("corrections.csv", 2, "correction_id", "C\u0660\u0661"),
    "corrections.csv:2: correction_id: 'C٠١' does not match the pattern ^C[0-9]{2}$",
    "pattern-mismatch",
)
_a(
    "fullwidth_digits_in_integer",
    5,
    _cell("batch_categories.csv", 2, "n_cases", "\uff18", "8"),
    "batch_categories.csv:2: n_cases: '８' is not a whole number",
    "bad-integer",
)
_a(
    "fullwidth_digits_in_date",
    5,
    _cell("batches.csv", 2, "announced", "２０２３-04-06", "2023-04-06"),
    "batches.csv:2: announced: '２０２３-04-06' is not a date in YYYY-MM-DD form",
    "bad-date",
)
_a(
    "newline_after_id",
    5,
    _raw("corrections.csv", lambda s: s.replace("\nC01,", '\n"C01\n",', 1)),
    "corrections.csv:2: correction_id: 'C01\\n' has leading or trailing whitespace",
    "whitespace",
)
_a(
    "newline_inside_id",
    5,
    _raw("corrections.csv", lambda s: s.replace("\nC01,", '\n"C0\n1",', 1)),
    "corrections.csv:2: correction_id: 'C0\\n1' does not match the pattern ^C[0-9]{2}$",
    "pattern-mismatch",
)
_a(
    "field_id_names_another_batch",
    5,
    _cell("batch_new_fields.csv", 2, "batch", "1", "2"),
    "batch_new_fields.csv:2: field_id: 'B2-vehicle-clearance' names batch 2, but its batch column says 1",
    "case-id-batch",
)


# --- issue 20: every file under the data directory, the descriptor completely, one snapshot ------
# (and the validator bugs of issue 19). Each case also runs through the command line and, for
# those in RISKY, in a real interpreter with a deadline.

PASSWD = "/etc/passwd"


def _link_outside(name: str, target: Callable[[Path], Path]):
    """Replace (or create) ``name`` with a symbolic link to ``target``."""

    def mutate(d: Path) -> None:
        t = target(d)
        if (d / name).exists() or (d / name).is_symlink():
            (d / name).unlink()
        (d / name).symlink_to(t)

    return mutate


def _self_loop(name: str):
    def mutate(d: Path) -> None:
        (d / name).unlink()
        (d / name).symlink_to(name)

    return mutate


def _looping_folder(d: Path) -> None:
    (d / "loop").symlink_to("loop")
    desc = _desc(d)
    _res(desc, "case_links")["path"] = "loop/case_links.csv"
    _put(d, desc)


def _sparse(name: str, size: int):
    def mutate(d: Path) -> None:
        with open(d / name, "r+b") as fh:
            fh.truncate(size)

    return mutate


def _dialect(table: str, value: Any):
    return _edit(lambda desc: _res(desc, table).__setitem__("dialect", value))


def _dialect_file_outside(d: Path) -> None:
    (d / "dialect.json").symlink_to(PASSWD)
    desc = _desc(d)
    _res(desc, "case_links")["dialect"] = "dialect.json"
    _put(d, desc)


def _replace_once(name: str, old: str, new: str):
    def fn(text: str) -> str:
        assert old in text, (name, old)
        return text.replace(old, new, 1)

    return _raw(name, fn)


CLOSE = "the path resolves outside the data directory (through a symbolic link); the file is not opened"
LOOPED = "the path is a loop of symbolic links (more than 40); the file is not opened"
_a(
    "datapackage_symlinked_outside",
    1,
    _link_outside(PKG, _copy_outside(PKG)),
    f"{PKG}:0: -: {CLOSE}",
    "path-outside",
    never_opened=("{out}/datapackage.json",),
)
_a(
    "changelog_linked_to_passwd",
    1,
    _link_outside("CHANGELOG.md", lambda d: Path(PASSWD)),
    f"CHANGELOG.md:0: -: {CLOSE}",
    "path-outside",
    never_opened=(PASSWD,),
)
_a(
    "codebook_linked_outside",
    1,
    _link_outside("CODEBOOK.md", _copy_outside("CODEBOOK.md")),
    f"CODEBOOK.md:0: -: {CLOSE}",
    "path-outside",
    never_opened=("{out}/CODEBOOK.md",),
)
_a(
    "csv_linked_to_itself",
    1,
    _self_loop("cases.csv"),
    f"cases.csv:0: -: resource 'cases': {LOOPED}",
    "path-loop",
)
_a(
    "csv_in_a_looping_folder",
    1,
    _looping_folder,
    f"loop/case_links.csv:0: -: resource 'case_links': {LOOPED}",
    "path-loop",
)
_a(
    "path_is_the_directory",
    1,
    _set_path("cases", "."),
    f"{PKG}:0: -: resource 'cases': path must name a file, not a folder (no trailing '/', not '.') (path '.'); {OUT_MSG}",
    "path-invalid",
)
_a(
    "path_with_trailing_slash",
    1,
    _set_path("cases", "cases.csv/"),
    f"{PKG}:0: -: resource 'cases': path must name a file, not a folder (no trailing '/', not '.') "
    f"(path 'cases.csv/'); {OUT_MSG}",
    "path-invalid",
)
_a(
    "dialect_climbing_to_passwd",
    1,
    _dialect("cases", "../../../../../../../../etc/passwd"),
    f"{PKG}:0: -: resource 'cases': dialect: path must not contain '..' "
    f"(dialect '../../../../../../../../etc/passwd'); {OUT_MSG}",
    "path-outside",
    never_opened=(PASSWD,),
)
_a(
    "dialect_url",
    1,
    _dialect("cases", "https://example.org/dialect.json"),
    f"{PKG}:0: -: resource 'cases': dialect: path must be a relative file name (no URL, drive letter, "
    f"backslash or NUL) (dialect 'https://example.org/dialect.json'); {OUT_MSG}",
    "path-invalid",
)
_a(
    "dialect_file_linked_outside",
    1,
    _dialect_file_outside,
    f"dialect.json:0: -: resource 'case_links', dialect: {CLOSE}",
    "path-outside",
    never_opened=(PASSWD,),
)
_a(
    "profile_url",
    1,
    _edit(lambda desc: desc.__setitem__("profile", "https://example.org/profile.json")),
    f"{PKG}:0: -: profile 'https://example.org/profile.json' must be one of data-package, tabular-data-package: "
    "a profile that names a file or URL is not opened",
    "path-invalid",
)
_a(
    "fifo_instead_of_codebook",
    2,
    _fifo("CODEBOOK.md"),
    "CODEBOOK.md:0: -: is a named pipe (FIFO), not a regular file: it is not read",
    "not-regular-file",
)
_a(
    "changelog_linked_to_dev_zero",
    2,
    _link_outside("CHANGELOG.md", lambda d: Path("/dev/zero")),
    f"CHANGELOG.md:0: -: {CLOSE}",
    "path-outside",
    never_opened=("/dev/zero",),
)
_a(
    "sparse_6_gb_changelog",
    2,
    _sparse("CHANGELOG.md", 6 * 1024**3),
    "CHANGELOG.md:0: -: file is 6442450944 bytes, more than the limit of 268435456 "
    "(set GBARESEARCH_MAX_FILE_BYTES to raise it)",
    "file-too-large",
)
_a(
    "duplicate_pattern_key",
    3,
    _replace_once(PKG, '"pattern": "^C[0-9]{2}$"', '"pattern": "^C[0-9]{2}$", "pattern": ".*"'),
    f"{PKG}:0: -: {PKG} is malformed: a JSON object gives the same key twice ('pattern'); "
    "the second would silently replace the first",
    "package-malformed",
)
_a(
    "duplicate_resources_key",
    3,
    _replace_once(PKG, '"resources": [', '"resources": [], "resources": ['),
    f"{PKG}:0: -: {PKG} is malformed: a JSON object gives the same key twice ('resources'); "
    "the second would silently replace the first",
    "package-malformed",
)
_a(
    "maximum_with_4001_digits",
    3,
    _replace_once(PKG, '"minimum": 1', '"minimum": 1, "maximum": 1' + "0" * 4000),
    f"{PKG}:0: -: resource 'batches', field 'batch': constraints.maximum must be a finite number, "
    f"not {'1' + '0' * 59}…",
    "schema-error",
)
_a(
    "minimum_on_a_string_field",
    3,
    _constraint("cases", "title_en", "minimum", 3),
    f"{PKG}:0: -: resource 'cases', field 'title_en': constraints.minimum applies to integer and number fields, "
    "not to a 'string' field",
    "schema-error",
)
_a(
    "maximum_on_a_date_field",
    3,
    _constraint("batches", "announced", "maximum", 20240101),
    f"{PKG}:0: -: resource 'batches', field 'announced': constraints.maximum applies to integer and number "
    "fields, not to a 'date' field",
    "schema-error",
)
SLOW_PATTERNS = {  # name: (pattern, a value it takes minutes to match with a backtracking matcher, choices)
    "bounded_repeats_8_times": ("^" + "[a-z]{0,100}" * 8 + "$", "a" * 700 + "!", 8),
    "optional_then_required_34": ("^" + "a?" * 34 + "a" * 34 + "$", "a" * 34, 34),
    "alternation_pairs_34": ("^" + "(?:a.|.a)" * 34 + "b$", "a" * 68, 34),
}
# The syntactic first line refuses them (frictionless, in make validate, matches with Python's
# re); tests/test_boundary.py checks that RE2 alone also matches them in time.
for _name, (_pat, _value, _n) in SLOW_PATTERNS.items():
    _a(
        f"slow_pattern_{_name}",
        3,
        _then(_pattern("batch_new_fields", "notes", _pat), _cell("batch_new_fields.csv", 2, "notes", _value)),
        f"{PKG}:0: -: resource 'batch_new_fields', field 'notes': pattern {repr(_pat)[:60]}… could take very long "
        f"to match: it has {_n} optional or variable repetitions and alternatives (at most 6)",
        "schema-error",
    )


def _drop_line(name: str, start: str):
    def fn(text: str) -> str:
        lines = text.split("\n")
        assert sum(ln.startswith(start) for ln in lines) == 1, (name, start)
        return "\n".join(ln for ln in lines if not ln.startswith(start))

    return _raw(name, fn)


def _composite_key(desc):
    _res(desc, "cases")["schema"]["foreignKeys"].append(
        {
            "fields": ["batch", "category"],
            "reference": {"resource": "batch_categories", "fields": ["batch", "category"]},
        }
    )


_a(  # each column alone is a batch and a category of batch_categories.csv; the pair is not
    "composite_key_pair_missing",
    3,
    _then(
        _edit(_composite_key),
        _drop_line("batch_categories.csv", "1,major_platforms,0,"),
        _cell("cases.csv", 2, "category", "major_platforms", "factor_flow"),
    ),
    (
        "cases.csv:0: category: batch 1 has 1 cases coded major_platforms (official or inferred), more than the official 0",
        "cases.csv:2: batch: (1, 'major_platforms') is not a (batch, category) pair in batch_categories.csv",
    ),
    ("coverage", "foreign-key"),
)
_a(
    "bidi_override_in_url",
    5,
    _cell("sources.csv", 2, "url", "https://example.org/\u202egpj.exe"),
    "sources.csv:2: url: 'https://example.org/\\u202egpj.exe' contains an invisible or direction-changing "
    "character (U+202E): remove it",
    "invisible-character",
)
_a(
    "variation_selector_in_reference",
    5,
    _cell("batches.csv", 2, "source_id", "S01\ufe0f", "S01"),
    "batches.csv:2: source_id: 'S01\\ufe0f' contains an invisible or direction-changing character (U+FE0F): remove it",
    "invisible-character",
)
_a(
    "zero_padded_batch_in_id",
    5,
    _cell("batch_new_fields.csv", 2, "field_id", "B02-vehicle-clearance", "B2-vehicle-clearance"),
    "batch_new_fields.csv:2: field_id: 'B02-vehicle-clearance' does not match the pattern ^B[1-9][0-9]*-[a-z0-9-]+$",
    "pattern-mismatch",
)
_a(
    "accessed_before_published",
    5,
    _cell("sources.csv", 3, "date_accessed", "2020-01-01", "2026-11-27"),
    "sources.csv:3: date_accessed: accessed 2020-01-01, before it was published (2023-04-06)",
    "source-dates",
)
_a(
    "newline_in_version",
    4,
    _edit(lambda desc: desc.__setitem__("version", "0.2.0\nsources.csv:2: url: FORGED problem line")),
    (),
    (),
    exit_code=0,
)
_a(
    "terminal_escape_in_description",
    4,
    _edit(lambda desc: _res(desc, "cases").__setitem__("description", "\x1b[2J\x1b]0;owned\x07cases")),
    (),
    (),
    exit_code=0,
)


# --- the other commands on the same inputs ------------------------------------------------------


def _loop_itself(d: Path) -> None:
    import shutil

    shutil.rmtree(d)
    d.symlink_to(d)


_a(
    "codebook_check_on_a_fifo",
    2,
    _fifo("CODEBOOK.md"),
    "CODEBOOK.md:0: -: is a named pipe (FIFO), not a regular file: it is not read",
    "not-regular-file",
    command=("codebook", "--check"),
)
_a(
    "codebook_write_through_a_link_out",
    1,
    _link_outside("CODEBOOK.md", _copy_outside("CODEBOOK.md")),
    f"CODEBOOK.md:0: -: {CLOSE}",
    "path-outside",
    never_opened=("{out}/CODEBOOK.md",),
    command=("codebook", "--write"),
)
_a(
    "export_with_changelog_linked_to_passwd",
    1,
    _link_outside("CHANGELOG.md", lambda d: Path(PASSWD)),
    f"CHANGELOG.md:0: -: {CLOSE}",
    "path-outside",
    never_opened=(PASSWD,),
    command=("export", "--format", "zip", "--out", "{out}/downloads"),
)
_a(
    "looping_data_directory",
    1,
    _loop_itself,
    "gbaresearch validate: error: data directory not found: {dir}",
    "data-dir-missing",
    exit_code=2,
)
_a(
    "export_with_a_sparse_6_gb_changelog",
    2,
    _sparse("CHANGELOG.md", 6 * 1024**3),
    "CHANGELOG.md:0: -: file is 6442450944 bytes, more than the limit of 268435456 "
    "(set GBARESEARCH_MAX_FILE_BYTES to raise it)",
    "file-too-large",
    command=("export", "--format", "zip", "--out", "{out}/downloads"),
)


# --- the announcement reader (gbaresearch add FILE.yaml) ------------------------------------------
# An announcement file is untrusted input too. Each case writes ``announcement.yaml`` beside a
# copy of data/ (``build`` gets the file's path) and gives the exact lines ``gbaresearch add``
# prints, their codes and that the data is left untouched. ``{file}`` stands for the file's path.


@dataclass(frozen=True)
class YamlAttack:
    name: str
    build: Callable[[Path], None]
    expected: tuple[str, ...]
    codes: tuple[str, ...]
    exit_code: int = 1


YAML_ATTACKS: list[YamlAttack] = []


def _next_source_id() -> str:
    """The id the codebook's rules give the next source of the shipped data."""
    import csv

    from gbaresearch.dataset.paths import REPO_DIR

    with (REPO_DIR / "data" / "sources.csv").open(encoding="utf-8", newline="") as f:
        top = max(int(r["source_id"][1:]) for r in csv.DictReader(f))
    return f"S{top + 1:02d}"


def _y(name, build, expected, codes, exit_code=1):
    expected = (expected,) if isinstance(expected, str) else tuple(expected)
    codes = (codes,) * len(expected) if isinstance(codes, str) else tuple(codes)
    if isinstance(build, (str, bytes)):
        content = build.encode("utf-8") if isinstance(build, str) else build

        def build(path: Path, content=content) -> None:
            path.write_bytes(content)

    YAML_ATTACKS.append(YamlAttack(name, build, expected, codes, exit_code))


def _link_to(target: str):
    def build(path: Path) -> None:
        path.symlink_to(target)

    return build


_NEW_BATCH_REQUIRED = ("announced", "announced_by_en", "announced_by_zh", "n_cases", "source_id")


def _yaml_fifo(path: Path) -> None:
    os.mkfifo(path)


_y(
    "yaml_python_object_tag",
    "batch:\n  batch: !!python/object/apply:os.system ['touch /tmp/owned']\n",
    "announcement.yaml:2: -: tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not accepted: "
    "write plain values",
    "yaml-refused",
)
_y(
    "yaml_local_tag",
    "batch: !announce {batch: 4}\n",
    "announcement.yaml:1: -: tags such as '!announce' are not accepted: write plain values",
    "yaml-refused",
)
_y(
    "yaml_billion_laughs",
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
    "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    "announcement.yaml:1: -: anchors and aliases (& and *) are not accepted: write the value out",
    "yaml-refused",
)
_y(
    "yaml_merge_key",
    "batch:\n  <<: {batch: 4}\n",
    "announcement.yaml:2: -: merge keys (<<) are not accepted: write the values out",
    "yaml-refused",
)
_y(
    "yaml_duplicate_key",
    "batch:\n  batch: 4\n  n_cases: 12\n  n_cases: 99\n",
    "announcement.yaml:4: -: key 'n_cases' is given twice (first at line 3)",
    "yaml-duplicate-key",
)
_y(
    "yaml_deep_nesting",
    "batch: " + "[" * 5000 + "]" * 5000 + "\n",
    "announcement.yaml:1: -: values are nested more than 12 levels deep",
    "yaml-refused",
)
_y(
    "yaml_list_as_key",
    "? [batch]\n: 4\n",
    "announcement.yaml:1: -: a key must be plain text",
    "yaml-refused",
)
_y(
    "yaml_two_documents",
    "batch: {batch: 4}\n---\nbatch: {batch: 5}\n",
    "announcement.yaml:2: -: not valid YAML: expected a single document in the stream but found another document",
    "yaml-syntax",
)
_y(
    "yaml_over_the_size_limit",
    "batch: {batch: 4}\n" + "#" * (1024 * 1024) + "\n",
    "announcement.yaml:0: -: file is 1048595 bytes, more than the limit of 1048576 (set GBARESEARCH_MAX_FILE_BYTES "
    "to raise it)",
    "file-too-large",
)
_y(
    "yaml_fifo",
    _yaml_fifo,
    "announcement.yaml:0: -: is a named pipe (FIFO), not a regular file: it is not read",
    "not-regular-file",
)
_y(
    "yaml_link_to_a_device",
    _link_to("/dev/zero"),
    "announcement.yaml:0: -: the path resolves outside the data directory (through a symbolic link); the file is not opened",
    "path-outside",
)
_y(
    "yaml_gbk_bytes",
    "batch:\n  batch: 4\n  announced_by_zh: 广东省\n".encode("gbk"),
    "announcement.yaml:3: -: file is not UTF-8: save it as UTF-8",
    "encoding-error",
)
_y(
    "yaml_escape_sequences_in_a_key",
    'batch:\n  batch: 4\n  "\\e[2J\\nforged.csv:1: x: y": 1\n',
    (
        *(f"announcement.yaml:2: {f}: required value is missing (NA)" for f in _NEW_BATCH_REQUIRED),
        "announcement.yaml:3: \\x1b[2J\\nforged.csv:1: x: y: batches.csv has no field '\\x1b[2J\\nforged.csv:1: x: y'",
    ),
    ("missing-value",) * 5 + ("unknown-key",),
)
_y(
    "yaml_path_as_source_key",
    "sources:\n  ../../outside: {publisher: x}\nbatch: {batch: 3}\n",
    (
        "announcement.yaml:2: date_accessed: required value is missing (NA)",
        "announcement.yaml:2: kind: required value is missing (NA)",
        "announcement.yaml:2: language: required value is missing (NA)",
        f"announcement.yaml:2: source_id: source {_next_source_id()} is not used by any table: cite it or remove it",
        "announcement.yaml:2: title: required value is missing (NA)",
        "announcement.yaml:2: url: required value is missing (NA)",
    ),
    ("missing-value",) * 3 + ("unused-source",) + ("missing-value",) * 2,
)
