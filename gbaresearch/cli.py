"""The command line: ``gbaresearch COMMAND`` (or ``python -m gbaresearch COMMAND``).

Commands: ``validate``, ``summary``, ``export``, ``notebooks``, ``lab``, ``codebook``, ``report``,
and for extending the data ``template``, ``add`` and ``release``; ``--version`` prints the package
version.

Exit codes, the same for every command: 0 success; 1 the data (or a notebook) has problems,
printed as one ``FILE:LINE: FIELD: MESSAGE`` line each; 2 wrong usage, a data directory that
does not exist, or a missing optional dependency (the message names the extra to install). No
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .dataset.paths import data_dir
from .dataset.problems import escape, escape_json

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DATA_DIR_HELP = "data directory (default: $GBARESEARCH_DATA, else the repository's data/, else the installed copy)"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colour codes in kernel tracebacks
EXPORT_FORMATS = ("zip", "xlsx", "csv", "dta")  # the same as gbaresearch.publish.exports.FORMATS (tested)
# Which extra brings each optional module (pyproject.toml [project.optional-dependencies]).
EXTRA_OF_MODULE = {
    "openpyxl": "export",
    "scipy": "analysis",
    "krippendorff": "analysis",
    "matplotlib": "plot",
    "mplfonts": "plot",
    "nbclient": "notebooks",
    "nbformat": "notebooks",
    "ipykernel": "notebooks",
    "jupyterlab": "notebooks",
    "jupyter_client": "notebooks",
    "sphinx": "site",
    "myst_nb": "site",
    "sphinx_book_theme": "site",
    "itables": "site",
    "jinja2": "site",
    "markupsafe": "site",
    "PIL": "site",
}


def missing_extra_message(exc: ModuleNotFoundError) -> str | None:
    """For a missing optional module, the line saying which extra to install; else None."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(top)
    if extra is None:
        return None
    return f'this command needs {top!r}, which is not installed; install it with: pip install "gbaresearch[{extra}]"'


class UsageError(Exception):
    """Wrong usage detected after parsing (e.g. a data directory that does not exist)."""


def _existing_dir(arg: str | None) -> Path:
    d = data_dir(arg)
    if not d.is_dir():
        raise UsageError(f"data directory not found: {arg or d}")
    return d


def _problems_exit(problems: Sequence[object], d: Path) -> int:
    for p in problems:
        print(p)
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''} found in {escape(str(d))}", file=sys.stderr)
    return EXIT_PROBLEMS


def escape_lines(text: str) -> str:
    """Every line of ``text`` escaped on its own (see :func:`gbaresearch.dataset.problems.escape`)."""
    return "\n".join(escape(line) for line in text.split("\n"))


def _problem_dict(p: object) -> dict[str, object]:
    to_dict = getattr(p, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return {k: getattr(p, k) for k in ("file", "line", "field", "code", "message") if hasattr(p, k)}


def _validate(args: argparse.Namespace) -> int:
    from .dataset.validation import check_dataset

    d = _existing_dir(args.data_dir)
    checked = check_dataset(d)
    version = checked.package.version if checked.package is not None else None
    if args.frictionless and not checked.problems:
        from .dataset.crosscheck import frictionless_problems

        checked.problems.extend(frictionless_problems(checked.files))
    if args.format == "json":
        doc = {
            "valid": not checked.problems,
            "data_dir": str(d),
            "version": version,
            "problems": [_problem_dict(p) for p in checked.problems],
        }
        print(escape_json(json.dumps(doc, ensure_ascii=False, indent=1)))
        return EXIT_PROBLEMS if checked.problems else EXIT_OK
    if checked.problems:
        return _problems_exit(checked.problems, d)
    rows = sum(len(t) for t in checked.tables.values())
    print(f"valid: {escape(str(d))} (version {escape(str(version))}, {len(checked.tables)} tables, {rows} rows)")
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from .analysis import coverage_by_batch
    from .dataset.load import load_dataset
    from .dataset.problems import DataValidationError

    d = _existing_dir(args.data_dir)
    try:
        ds = load_dataset(d)
    except DataValidationError as exc:
        return _problems_exit(exc.problems, d)
    cov = coverage_by_batch(ds)
    print(
        f"gbaresearch data {escape(ds.version)}: {len(ds.batches)} batches, {int(ds.batches.n_cases.sum())} official cases, "
        f"{len(ds.cases)} identified, {len(ds.indicators)} indicators, {len(ds.sources)} sources"
    )
    print(escape_lines(cov.to_string(index=False)))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    d = _existing_dir(args.data_dir)
    from .dataset.problems import DataValidationError
    from .publish.exports import ExportError, export
    from .publish.outputdir import OutputDirError

    formats = list(dict.fromkeys(args.format)) if args.format else None
    try:
        written = export(formats, Path(args.out), data_dir=d)
    except DataValidationError as exc:
        return _problems_exit(exc.problems, d)
    except (ExportError, OutputDirError) as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        print(escape(str(path)))
    return EXIT_OK


def _notebooks(args: argparse.Namespace) -> int:
    from .publish import notebooks

    if args.copy:
        if args.names or args.in_place or args.out:
            raise UsageError("--copy takes no notebook names and no --in-place or --out")
        try:
            copied = notebooks.copy_notebooks(Path(args.copy))
        except (FileExistsError, FileNotFoundError) as exc:
            raise UsageError(str(exc)) from None
        for path in copied:
            print(path)
        return EXIT_OK
    if args.out and len(args.names) != 1:
        raise UsageError("--out takes exactly one notebook")
    if args.in_place and not args.force and _other_data():
        raise UsageError(
            f"the data directory is {data_dir()}, not the repository's data/: --in-place would store outputs "
            "of other data in the notebooks; use --out, or add --force"
        )
    paths = [Path(n).resolve() for n in args.names] or notebooks.notebook_paths()
    for path in paths:
        if not path.is_file():
            raise UsageError(f"notebook not found: {path}")
    for i, path in enumerate(paths, 1):
        print(f"[{i}/{len(paths)}] executing {path.name}", flush=True)
        try:
            nb = notebooks.execute(path, timeout=args.timeout)
        except Exception as exc:  # a failing cell or kernel: say which notebook, in one line
            text = ANSI_ESCAPE.sub("", str(exc)).strip()
            last = text.splitlines()[-1] if text else repr(exc)
            print(f"{path.name}: error: {last}", file=sys.stderr)
            return EXIT_PROBLEMS
        if args.out:
            notebooks.write(nb, Path(args.out))
        elif args.in_place:
            notebooks.write(nb, path)
    return EXIT_OK


def _other_data() -> bool:
    """True when the notebooks would read a data directory other than the repository's data/."""
    from .dataset.paths import REPO_DIR, _in_checkout

    return _in_checkout() and data_dir() != (REPO_DIR / "data").resolve()


def _lab(args: argparse.Namespace) -> int:
    from .publish import lab

    d = Path(args.directory) if args.directory else None
    if d is not None and not d.is_dir():
        raise UsageError(f"notebook folder not found: {d}")
    return lab.run(d, args.port)


def _codebook(args: argparse.Namespace) -> int:
    from .dataset.limits import Refused
    from .dataset.problems import Problem
    from .publish import codebook

    d = _existing_dir(args.data_dir)
    target = d / "CODEBOOK.md"
    try:
        if args.write:
            changed = codebook.update(target)
            print(f"{escape(str(target))}: {'updated' if changed else 'already up to date'}")
            return EXIT_OK
        if args.check:
            if codebook.update(target, directory=d, write=False):
                print(f"{target.name}:0: -: the field reference is out of date; run: gbaresearch codebook --write")
                return EXIT_PROBLEMS
            print(f"{escape(str(target))}: field reference up to date")
            return EXIT_OK
    except Refused as exc:
        return _problems_exit([Problem(target.name, 0, "-", exc.reason, exc.code)], d)
    print(codebook.render(d), end="")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    d = _existing_dir(args.data_dir)
    from .dataset.problems import DataValidationError
    from .publish import report
    from .publish.outputdir import OutputDirError

    try:
        index = report.build(
            Path(args.out) if args.out else None, data_dir=d, jobs=args.jobs, use_cache=not args.no_cache
        )
    except DataValidationError as exc:
        return _problems_exit(exc.problems, d)
    except report.ReportError as exc:
        print(f"gbaresearch report: error: {escape(str(exc))}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OutputDirError as exc:
        raise UsageError(str(exc)) from None
    print(f"site written: {escape(str(index))} (open it in a browser)")
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from .dataset.template import template

    d = _existing_dir(args.data_dir)
    print(template(d), end="")
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from .dataset.announce import add

    d = _existing_dir(args.data_dir)
    path = Path(args.file)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"announcement file not found: {args.file}")
    result = add(path, d, dry_run=args.check)
    if result.problems:
        return _problems_exit(result.problems, path if any(p.file == path.name for p in result.problems) else d)
    counts = ", ".join(f"{t} +{n}" for t, n in result.plan.count().items())
    verb = "would add" if args.check else "added"
    ids = ", ".join(result.plan.case_ids) or "no cases"
    print(f"{verb} to {d}: {ids} ({counts})")
    if result.plan.source_ids:
        print("sources: " + ", ".join(f"{k} = {v}" for k, v in result.plan.source_ids.items()))
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from .dataset.release import VersionError, release

    d = _existing_dir(args.data_dir)
    try:
        result = release(args.version, d)
    except VersionError as exc:
        raise UsageError(str(exc)) from None
    if result.problems:
        return _problems_exit(result.problems, d)
    for path in result.written:
        print(f"written: {path}")
    print(f"released data version {args.version}: describe the change in the new CHANGELOG entry")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gbaresearch",
        description="Greater Bay Area rule-connection typical cases: check, summarise and export the data, "
        "run the notebooks, build the report site.",
        epilog="Exit codes: 0 ok; 1 data or notebook problems; 2 usage error or missing data directory.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"gbaresearch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func, parser=p)
        return p

    _data_commands(command)
    _notebook_commands(command)
    _editing_commands(command)
    return parser


_Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _data_commands(command: _Command) -> None:
    """``validate``, ``summary`` and ``export``."""
    p = command("validate", _validate, "check the data against datapackage.json and the cross-table rules")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one FILE:LINE: FIELD: MESSAGE line per problem (default); json: one document with every problem",
    )
    p.add_argument(
        "--frictionless",
        action="store_true",
        help="when the data is valid, also run frictionless validate on the validated snapshot (offline, "
        "with a deadline); needs the dev extra",
    )

    p = command("summary", _summary, "print the data version, batches, coverage and counts")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)

    p = command("export", _export, "write downloads: data package zip, XLSX workbook, flat case CSV, Stata .dta")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
    p.add_argument(
        "--format",
        nargs="+",
        action="extend",
        choices=EXPORT_FORMATS,
        metavar="FORMAT",
        help=f"formats to write, one or more of {', '.join(EXPORT_FORMATS)} (--format zip csv, or --format zip "
        "--format csv; default: all). Give DATA_DIR before --format",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="directory to write into (created if missing)")


def _notebook_commands(command: _Command) -> None:
    """``notebooks``, ``lab``, ``codebook`` and ``report``."""
    p = command("notebooks", _notebooks, "execute the notebooks (all numbered notebooks by default)")
    p.add_argument("names", nargs="*", metavar="NOTEBOOK", help="notebook files (default: every notebooks/NN-*.ipynb)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true", help="write the outputs back into the notebooks")
    mode.add_argument("--out", metavar="PATH", help="write the executed notebook here (one notebook only)")
    p.add_argument(
        "--force",
        action="store_true",
        help="with --in-place: write the outputs even when $GBARESEARCH_DATA names another data directory",
    )
    p.add_argument("--timeout", type=int, default=600, metavar="S", help="seconds per cell and for the kernel to start")
    p.add_argument(
        "--copy",
        metavar="DIR",
        help="copy the notebooks into DIR (created if missing) instead of executing them; then: gbaresearch lab DIR",
    )

    p = command("lab", _lab, "open JupyterLab on the notebooks (localhost only, the project's own settings)")
    p.add_argument("directory", nargs="?", metavar="DIR", help="notebook folder (default: the project's notebooks)")
    p.add_argument("--port", type=int, metavar="N", help="port (default: 8888 or the next free one)")

    p = command("codebook", _codebook, "print, check or rewrite the generated field reference of CODEBOOK.md")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when CODEBOOK.md's field reference is out of date")
    mode.add_argument("--write", action="store_true", help="rewrite the field reference in DATA_DIR/CODEBOOK.md")

    p = command("report", _report, "validate the data, execute every notebook, build the site in build/report/")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
    p.add_argument("--out", metavar="DIR", help="output directory (default: build/report in the repository)")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="notebooks executed at once (default: 2)")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="execute every notebook even when it, the data, the lock file and the code are unchanged",
    )


def _editing_commands(command: _Command) -> None:
    """``template``, ``add`` and ``release``."""
    p = command("template", _template, "print an annotated announcement file to fill in for `gbaresearch add`")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)

    p = command(
        "add",
        _add,
        "check an announcement file (YAML) and add its batch, sources and cases to the data in one step",
    )
    p.add_argument("file", metavar="FILE.yaml", help="the announcement (start from `gbaresearch template`)")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
    p.add_argument("--check", action="store_true", help="check only: report problems, write nothing")

    p = command(
        "release",
        _release,
        "set the data version in datapackage.json and CITATION.cff and open a CHANGELOG entry",
    )
    p.add_argument("version", metavar="VERSION", help="the new version, MAJOR.MINOR.PATCH, greater than the current")
    p.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 problems, 2 usage)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error, the help or the version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as exc:
        try:
            args.parser.error(str(exc))  # prints the command's usage line and the message
        except SystemExit:
            pass
        return EXIT_USAGE
    except ModuleNotFoundError as exc:
        message = missing_extra_message(exc)
        if message is None:
            print(f"gbaresearch {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"gbaresearch {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a message, not a traceback
        print(f"gbaresearch {args.command}: error: {escape(str(exc) or type(exc).__name__)}", file=sys.stderr)
        return EXIT_PROBLEMS
