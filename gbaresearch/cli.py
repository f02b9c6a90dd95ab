"""Command line: ``python -m gbaresearch {validate,summary,report}``.

Exit codes: 0 success; 1 the data has problems (one ``FILE:LINE: FIELD: MESSAGE`` line each);
2 wrong usage or a data directory that does not exist. No tracebacks reach the user.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import data_dir


def _dir_or_exit(arg: str | None, command: str = "validate") -> Path:
    d = data_dir(arg)
    if not d.is_dir():
        print(f"gbaresearch: error: data directory not found: {arg or d}", file=sys.stderr)
        print(f"usage: python -m gbaresearch {command} [DATA_DIR]", file=sys.stderr)
        raise SystemExit(2)
    return d


def _validate(args) -> int:
    from .validation import check_dataset

    d = _dir_or_exit(args.data_dir)
    checked = check_dataset(d)
    if checked.problems:
        for p in checked.problems:
            print(p)
        n = len(checked.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found in {d}", file=sys.stderr)
        return 1
    rows = sum(len(t) for t in checked.tables.values())
    print(f"valid: {d} (version {checked.package.version}, {len(checked.tables)} tables, {rows} rows)")
    return 0


def _summary(args) -> int:
    from .analysis import coverage_by_batch
    from .load import load_dataset
    from .problems import DataValidationError

    d = _dir_or_exit(args.data_dir, "summary")
    try:
        ds = load_dataset(d)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    cov = coverage_by_batch(ds)
    print(
        f"gbaresearch data {ds.version}: {len(ds.batches)} batches, {int(ds.batches.n_cases.sum())} official cases, "
        f"{len(ds.cases)} identified, {len(ds.indicators)} indicators, {len(ds.sources)} sources"
    )
    print(cov.to_string(index=False))
    return 0


def _report(args) -> int:
    from .report import build_report

    return build_report(out_dir=Path(args.out) if args.out else None, jobs=args.jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gbaresearch", description="GBA rule-connection cases: data checks and report."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check the data; one FILE:LINE: FIELD: MESSAGE line per problem")
    p.add_argument("data_dir", nargs="?", help="data directory (default: $GBARESEARCH_DATA or the repository's data/)")
    p.set_defaults(func=_validate)
    p = sub.add_parser("summary", help="print batches, coverage and counts")
    p.add_argument("data_dir", nargs="?")
    p.set_defaults(func=_summary)
    p = sub.add_parser("report", help="validate, execute every notebook, render build/report/")
    p.add_argument("--out", help="output directory (default: build/report)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    p.set_defaults(func=_report)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # last resort: a message, not a traceback
        print(f"gbaresearch: error: {exc}", file=sys.stderr)
        return 1
