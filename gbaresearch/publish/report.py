"""Build the reader's site: validate the data, execute every notebook once in a fresh kernel
(copies, never the committed files), generate the MyST pages (landing page, case browser, a
page per case and per place, codebook, downloads), render everything with Sphinx (myst-nb with
execution off, sphinx-book-theme), write the downloads, and install the result into the output
directory.

Output (default ``build/report/``): ``index.html``, ``notebooks/NN-name.html``,
``cases/index.html`` and ``cases/<case_id>.html``, ``places/…``, ``codebook.html``,
``downloads.html`` and ``downloads/*``, ``_static/``, ``search.html``. Page sources are
generated in a temporary folder under ``build/`` (or the system's temporary folder outside a
checkout); ``data/`` and ``notebooks/`` are only read. The output directory is handled by
:mod:`gbaresearch.publish.outputdir`: only files an earlier build wrote are replaced or removed.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dataset.paths import REPO_DIR, _in_checkout, notebooks_dir
from ..dataset.problems import escape
from . import buildcache
from .buildcache import NotebookCache
from .notebooks import KernelStartError, kernel_env, notebook_paths
from .outputdir import OutputDirError, files_under, install

SITE_DIR = Path(__file__).resolve().parent / "site"
__all__ = [
    "build",
    "ReportError",
    "OutputDirError",
    "Timings",
    "notebook_title",
    "notebook_question",
    "notebook_answer",
]


class ReportError(RuntimeError):
    """A notebook failed or the site could not be rendered; the message is one line per failure."""


@dataclass
class Timings:
    """Seconds spent in each stage of the last :func:`build` (``validate``, ``execute``, ``render``)."""

    stages: dict[str, float] = field(default_factory=dict)


LAST_TIMINGS = Timings()


# --- what the landing page reads from a notebook ----------------------------------------------


def notebook_title(nb: Any) -> str:
    """The first level-1 heading of the notebook, without the ``#``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return str(line[2:]).strip()
    return ""


QUESTION_ZH = "问题"


def notebook_question(nb: Any, lang: str = "en") -> str:
    """The text after 'Question:' in the first markdown cell, or the notebook's first heading.
    With ``lang="zh"``: the text after '**问题：**' (the Chinese question, see
    :mod:`gbaresearch.analysis.answers`), or "" when the notebook has none."""
    if lang == "zh":
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.splitlines():
                text = line.lstrip("*_ ")
                if text.startswith(QUESTION_ZH):
                    rest = text[len(QUESTION_ZH) :].lstrip("：:*_ ")
                    return str(rest).strip(" *_")
            return ""
        return ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip("*_ ").lower().startswith("question"):
                return str(line.split(":", 1)[1]).strip(" *_") if ":" in line else str(line)
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return str(line).lstrip("# ").strip()
    return ""


_MD_MARKS = re.compile(r"(?<!\\)(\*\*|__|\*|`)")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


ANSWER_TAGS = {"en": "answer", "zh": "answer-zh"}


def notebook_answer(nb: Any, lang: str = "en") -> str:
    """The one-line answer computed by the code cell tagged ``answer`` (``answer-zh`` for
    ``lang="zh"``): its Markdown display (emphasis marks removed) or, for older notebooks, its
    printed text; "" when there is no such cell."""
    tag = ANSWER_TAGS[lang]
    for cell in nb.cells:
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", []):
            parts = []
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream":
                    parts.append(o.get("text", ""))
                elif "text/markdown" in o.get("data", {}):
                    text = o["data"]["text/markdown"]
                    text = text if isinstance(text, str) else "".join(text)
                    parts.append(_MD_ESCAPE.sub(r"\1", _MD_MARKS.sub("", text)))
            return " ".join(" ".join(parts).split())
    return ""


def main_figure(nb: Any) -> bytes | None:
    """PNG bytes of the notebook's main figure: the first figure of a cell tagged
    ``main-figure``, else the notebook's first figure; None when it has none."""
    first = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                data = base64.b64decode(png if isinstance(png, str) else "".join(png))
                if "main-figure" in cell.metadata.get("tags", []):
                    return data
                first = first or data
    return first


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def add_figure_alt_text(nb: Any) -> int:
    """Give every code cell with an image output an alt text (myst-nb's ``mystnb.image.alt``
    cell metadata) from the title of the section it belongs to: the nearest heading above it,
    with the notebook's title, e.g. ``"Figure: Coverage per batch (01 · A tour of the
    dataset)"``. Return how many cells got one; ``nb`` is changed in place."""
    title = notebook_title(nb)
    heading = ""
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = _HEADING.match(line)
                if m:
                    heading = _MD_ESCAPE.sub(r"\1", _MD_MARKS.sub("", m.group(1))).strip()
            continue
        if cell.cell_type != "code":
            continue
        if any(mime.startswith("image/") for out in cell.get("outputs", []) for mime in out.get("data", {})):
            section = heading if heading and heading != title else title
            alt = f"Figure: {section}" + (f" ({title})" if title and section != title else "")
            cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
            n += 1
    return n


def thumbnail(png: bytes, width: int = 640) -> bytes:
    """``png`` scaled down to at most ``width`` pixels wide (PNG bytes); unchanged when smaller
    or when Pillow is unavailable."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return png
    with Image.open(io.BytesIO(png)) as im:
        if im.width <= width:
            return png
        small = im.convert("RGBA").resize(
            (width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS
        )
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
        return buf.getvalue()


# --- execution --------------------------------------------------------------------------------


def _execute_one(path: Path, out: Path, env: dict[str, str], timeout: int) -> tuple[Path, float, str]:
    """Execute ``path`` into ``out`` in a fresh kernel; return (out, seconds, one-line error or "")."""
    from . import notebooks

    t0 = time.perf_counter()
    try:
        nb = notebooks.execute(path, timeout=timeout, env=env)
        notebooks.write(nb, out)
        err = ""
    except KernelStartError as exc:
        err = str(exc)
    except Exception as exc:  # a failing cell: its last line says what went wrong
        err = notebooks._one_line(str(exc)) or type(exc).__name__
    return out, time.perf_counter() - t0, err


def execute_all(
    paths: list[Path],
    out_dir: Path,
    data_dir: Path,
    jobs: int = 2,
    timeout: int = 600,
    log: Callable[[str], None] = print,
) -> dict[Path, Path]:
    """Execute every notebook (``jobs`` at a time) into ``out_dir``; return source -> executed
    copy. Raise :class:`ReportError` naming each failing notebook."""
    env = kernel_env({"GBARESEARCH_DATA": str(data_dir)})
    executed: dict[Path, Path] = {}
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_execute_one, p, out_dir / p.name, env, timeout) for p in paths]
        for i, (p, fut) in enumerate(zip(paths, futures), 1):
            out, secs, err = fut.result()
            log(f"      [{i}/{len(paths)}] {p.name} {'ok' if not err else 'FAILED: ' + err} ({secs:.1f} s)")
            if err:
                failures.append(f"{p.name}: {err}")
            else:
                executed[p] = out
    if failures:
        raise ReportError("notebook failed: " + "; ".join(failures))
    return executed


# --- assets -----------------------------------------------------------------------------------


_EXPORT = re.compile(r"export\s*\{([^}]*)\}\s*;?")


def datatables_script() -> tuple[str, str]:
    """The DataTables bundle shipped with itables as a classic script defining
    ``window.gbaDataTables`` (so it loads from ``file://``), and its CSS."""
    from importlib import resources

    base = resources.files("itables") / "html"
    js = (base / "dt_bundle.js").read_text(encoding="utf-8")
    css = (base / "dt_bundle.css").read_text(encoding="utf-8")
    matches = list(_EXPORT.finditer(js))
    if not matches:
        raise ReportError("the itables DataTables bundle has no export statement; cannot use it offline")
    m = matches[-1]
    names = {}
    for item in m.group(1).split(","):
        local, _, exported = item.strip().partition(" as ")
        names[(exported or local).strip()] = local.strip()
    names["DataTable"] = names.get("default", names.get("ITable", ""))
    glue = "window.gbaDataTables={" + ",".join(f"{k!r}:{v}" for k, v in names.items() if k != "default" and v) + "};"
    return "(function(){\n" + js[: m.start()] + glue + js[m.end() :] + "\n})();\n", css


# --- the build --------------------------------------------------------------------------------


def _work_root() -> Path:
    if _in_checkout():
        root = REPO_DIR / "build"
        root.mkdir(parents=True, exist_ok=True)
        return root
    return Path(tempfile.gettempdir())


def _complete(out_dir: Path) -> bool:
    """True when every file the last build listed in ``out_dir``'s manifest is still there."""
    from .outputdir import read_manifest

    listed = read_manifest(out_dir)
    return bool(listed) and (out_dir / "index.html").is_file() and all((out_dir / rel).is_file() for rel in listed)


def _render(src: Path, out: Path, doctrees: Path, version: str, log: Callable[[str], None]) -> None:
    from sphinx.application import Sphinx

    status, warnings = io.StringIO(), io.StringIO()
    app = Sphinx(
        srcdir=str(src),
        confdir=str(SITE_DIR),
        outdir=str(out),
        doctreedir=str(doctrees),
        buildername="html",
        confoverrides={
            "release": version,
            "version": version,
            "html_static_path": [str(SITE_DIR / "_static"), str(src / "_gen_static")],
        },
        status=status,
        warning=warnings,
        freshenv=True,
        parallel=1,
    )
    app.build(force_all=True)
    serious = [ln for ln in warnings.getvalue().splitlines() if "ERROR" in ln or "CRITICAL" in ln]
    for line in warnings.getvalue().splitlines():
        if line.strip():
            log(f"      sphinx: {line.strip()}")
    if app.statuscode or serious:
        raise ReportError(f"site rendering failed: {serious[0] if serious else 'sphinx exit ' + str(app.statuscode)}")


def _entry(path: Path, executed: Path) -> Any:
    """The site's entry for one executed notebook (its figures given alt text in place)."""
    import nbformat

    from .site.pages import NotebookEntry

    nb = nbformat.read(executed, as_version=4)  # type: ignore[no-untyped-call]
    if add_figure_alt_text(nb):
        nbformat.write(nb, executed)  # type: ignore[no-untyped-call]
    return NotebookEntry(
        docname=f"notebooks/{path.stem}",
        title=notebook_title(nb) or path.stem,
        question=notebook_question(nb),
        answer=notebook_answer(nb),
        question_zh=notebook_question(nb, "zh"),
        answer_zh=notebook_answer(nb, "zh"),
        thumbnail=None,  # the landing page shows no thumbnails (unreadable at card size)
    )


def _execute_notebooks(
    paths: list[Path],
    keys: dict[Path, str],
    cache: Any,
    src: Path,
    work: Path,
    ds: Any,
    executor: Callable[..., dict[Path, Path]] | None,
    jobs: int,
    timeout: int,
    say: Callable[[str], None],
) -> dict[Path, Path]:
    """Each notebook executed (or taken from ``cache`` when its key is unchanged) into
    ``src/notebooks``; return notebook → executed copy."""
    from ..dataset.confined import write_tree

    executed: dict[Path, Path] = {}
    for p in paths:
        hit = cache.get(p.name, keys[p]) if cache is not None else None
        if hit is not None:
            shutil.copyfile(hit, src / "notebooks" / p.name)
            executed[p] = src / "notebooks" / p.name
    todo = [p for p in paths if p not in executed]
    cached = f"; {len(executed)} unchanged, taken from the cache" if executed else ""
    say(f"[2/4] executing {len(todo)} notebooks in fresh kernels ({jobs} at a time){cached}")
    if todo:
        run = executor or execute_all
        # The notebooks read the validated snapshot, laid out as files, never the data directory:
        # the whole site (pages, notebooks, downloads) shows the bytes that were checked.
        snapshot_dir = work / "data"
        snapshot_dir.mkdir()
        write_tree(snapshot_dir, ds.files)
        fresh = run(todo, src / "notebooks", snapshot_dir, jobs=jobs, timeout=timeout, log=say)
        if cache is not None:
            for p, out in fresh.items():
                cache.put(p.name, keys[p], out)
        executed.update(fresh)
    return executed


def _write_sources(src: Path, ds: Any, entries: list[Any]) -> list[Path]:
    """Write the site's sources into ``src`` (pages, scripts, downloads in ``src/../downloads``);
    return the downloads written."""
    from .cite import cite
    from .exports import FORMAT_TEXTS, FORMATS, file_names
    from .exports import export as export_files
    from .site.pages import Download, write_pages

    gen_static = src / "_gen_static"
    gen_static.mkdir(parents=True)
    dl_dir = src.parent / "downloads"
    js, css = datatables_script()
    (gen_static / "datatables.js").write_text(js, encoding="utf-8")
    (gen_static / "datatables.css").write_text(css, encoding="utf-8")
    written = export_files(FORMATS, dl_dir, dataset=ds)
    names = file_names(ds.version)
    downloads = [
        Download(f"downloads/{names[fmt]}", *FORMAT_TEXTS[fmt], (dl_dir / names[fmt]).stat().st_size) for fmt in FORMATS
    ]
    codebook = (
        ds.files["CODEBOOK.md"].decode("utf-8", "replace") if "CODEBOOK.md" in ds.files else "# Codebook · 编码手册\n"
    )
    citation = cite(ds.data_dir, version=ds.version)
    write_pages(src, ds, entries, citation, codebook, downloads)
    return written


def build(
    out_dir: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    jobs: int = 2,
    timeout: int = 600,
    executor: Callable[..., dict[Path, Path]] | None = None,
    log: Callable[[str], None] | None = None,
    use_cache: bool | None = None,
    cache_dir: Path | None = None,
) -> Path:
    """Validate, execute every notebook, render the site into ``out_dir`` (default
    ``build/report``) and return the path of its ``index.html``.

    Raises :class:`~gbaresearch.dataset.problems.DataValidationError` for invalid data,
    :class:`ReportError` when a notebook fails or rendering fails (nothing is installed then),
    and :class:`~gbaresearch.publish.outputdir.OutputDirError` when ``out_dir`` holds files an
    earlier build did not write. ``executor`` replaces :func:`execute_all` (tests).

    With ``use_cache`` (default: when ``executor`` is not given) a notebook whose key has not
    changed (:mod:`gbaresearch.publish.buildcache`: its source, the data's content, the lock file, the
    package's code) is taken from the cache in ``cache_dir`` (default ``build/notebook-cache``)
    instead of being executed, and when every key and the output are as the last build left
    them, nothing is executed or rendered at all."""
    from ..dataset.load import load_dataset
    from . import outputdir as output

    say = log or (lambda s: print(escape(s), flush=True))  # lines quote the data (version, warnings)
    out_dir = Path(out_dir) if out_dir is not None else REPO_DIR / "build" / "report"
    timings = LAST_TIMINGS.stages
    timings.clear()
    t0 = time.perf_counter()
    say("[1/4] validating data")
    ds = load_dataset(data_dir)
    output.check(out_dir)  # refuse early, before the slow part
    say(f"      valid: version {ds.version}, {len(ds.cases)} identified cases")
    timings["validate"] = time.perf_counter() - t0
    paths = notebook_paths()
    if not paths:
        raise ReportError(f"no notebooks found in {notebooks_dir()}")
    cache = NotebookCache(cache_dir) if (use_cache if use_cache is not None else executor is None) else None
    data_h = buildcache.data_hash(Path(ds.data_dir))
    keys = {p: buildcache.notebook_key(p, data_h) for p in paths}
    whole = buildcache.site_key([keys[p] for p in paths], data_h)
    if cache is not None and cache.site_key(out_dir) == whole and _complete(out_dir):
        say(f"[2/4] nothing changed since the last build into {out_dir}: no notebook executed, nothing rendered")
        timings["execute"] = timings["render"] = 0.0
        return out_dir / "index.html"
    with tempfile.TemporaryDirectory(prefix="site-src-", dir=_work_root()) as tmp:
        work = Path(tmp)
        src, html_out, doctrees = work / "src", work / "html", work / "doctrees"
        (src / "notebooks").mkdir(parents=True)
        t1 = time.perf_counter()
        executed = _execute_notebooks(paths, keys, cache, src, work, ds, executor, jobs, timeout, say)
        timings["execute"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        say("[3/4] generating pages and downloads")
        entries = [_entry(p, executed[p]) for p in paths]
        written = _write_sources(src, ds, entries)
        say("[4/4] rendering the site with Sphinx")
        _render(src, html_out, doctrees, ds.version, say)
        files = {rel: p for rel, p in files_under(html_out).items() if not rel.startswith((".doctrees/", ".buildinfo"))}
        files.pop(".buildinfo", None)
        for p in written:
            files[f"downloads/{p.name}"] = p
        if cache is not None:
            cache.forget_site(out_dir)
        install(files, out_dir)
        if cache is not None:
            cache.record_site(out_dir, whole)
        timings["render"] = time.perf_counter() - t2
    return out_dir / "index.html"  # the command line says where it is, in its last line
