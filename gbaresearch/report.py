"""Build the HTML report: validate the data, execute every notebook in a fresh kernel (copies,
never the committed files), render one HTML page per notebook, save every figure as PNG, and
write an index listing each notebook's question and one-line answer.

Output (default ``build/report/``): ``index.html``, ``NN-name.html``, ``figures/*.png``.
"""

from __future__ import annotations

import base64
import html
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .notebooks import kernel_env, notebook_paths
from .paths import REPO_DIR


def notebook_question(nb) -> str:
    """The text after 'Question:' in the first markdown cell, or the notebook's first heading."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip("*_ ").lower().startswith("question"):
                return line.split(":", 1)[1].strip(" *_") if ":" in line else line
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("# ").strip()
    return ""


def notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def notebook_answer(nb) -> str:
    """The text printed by the code cell tagged ``answer``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "answer" in cell.metadata.get("tags", []):
            return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream").strip()
    return ""


def _execute_copy(path: Path, out_dir: Path) -> tuple[Path, float, str]:
    out = out_dir / path.name
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "gbaresearch.notebooks", "--out", str(out), str(path)],
        capture_output=True,
        text=True,
        env=kernel_env(),
        cwd=str(path.parent),
    )
    err = proc.stderr.strip().splitlines()[-1] if proc.returncode else ""
    return out, time.perf_counter() - t0, err


def _page(nb, exporter) -> str:
    body, _ = exporter.from_notebook_node(nb)
    return body


def _figures(nb, stem: str, fig_dir: Path) -> list[str]:
    names = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                name = f"{stem}-fig{len(names) + 1}.png"
                (fig_dir / name).write_bytes(base64.b64decode(data["image/png"]))
                names.append(name)
    return names


INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gbaresearch report</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Microsoft JhengHei", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }}
h1 {{ margin-bottom: .2rem; }} .meta {{ color: #555; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid #ddd; }}
th {{ background: #f3f3f3; }} td.n {{ white-space: nowrap; font-weight: bold; }} .figs {{ font-size: .85rem; color: #555; }}
.cite {{ background: #f7f7f7; padding: .8rem; border-left: 3px solid #888; font-size: .9rem; }}
</style></head><body>
<h1>Greater Bay Area rule-connection cases</h1>
<p class="meta">粤港澳大湾区规则衔接机制对接典型案例 · data version {version} · {n_batches} batches, {n_official} official cases, {n_identified} identified</p>
<p>Each notebook answers one question from the data. The answers below are computed by the notebooks themselves;
follow a link for the figures, the numbers behind them and the caveats.</p>
<table><thead><tr><th>#</th><th>Question</th><th>Answer in one line</th></tr></thead><tbody>
{rows}
</tbody></table>
<h2>How to cite</h2><p class="cite">{citation}</p>
</body></html>
"""


def build_report(out_dir: Path | None = None, jobs: int = 2) -> int:
    """Build the report; print progress; return 0 on success, 1 on invalid data or a failing notebook."""
    import nbformat
    from nbconvert import HTMLExporter

    from .cite import cite
    from .load import load_dataset
    from .problems import DataValidationError

    out_dir = Path(out_dir) if out_dir else REPO_DIR / "build" / "report"
    print("[1/4] validating data", flush=True)
    try:
        ds = load_dataset()
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    paths = notebook_paths()
    print(f"      valid: version {ds.version}, {len(ds.cases)} identified cases", flush=True)
    print(f"[2/4] executing {len(paths)} notebooks in fresh kernels ({jobs} at a time)", flush=True)
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    for old in list(out_dir.glob("*.html")) + list(fig_dir.glob("*.png")):
        old.unlink()
    executed: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_execute_copy, p, Path(tmp)): p for p in paths}
        failed = False
        for done, fut in enumerate(as_completed(futures), 1):
            p = futures[fut]
            out, secs, err = fut.result()
            status = "ok" if not err else f"FAILED: {err}"
            print(f"      [{done}/{len(paths)}] {p.name} {status} ({secs:.1f} s)", flush=True)
            failed |= bool(err)
            if not err:
                executed[p] = out
        if failed:
            return 1
        print("[3/4] rendering pages and figures", flush=True)
        exporter = HTMLExporter(template_name="lab")
        rows = []
        for p in paths:
            nb = nbformat.read(executed[p], as_version=4)
            stem = p.stem
            (out_dir / f"{stem}.html").write_text(_page(nb, exporter), encoding="utf-8")
            figs = _figures(nb, stem, fig_dir)
            fig_links = " ".join(f'<a href="figures/{html.escape(f)}">{i}</a>' for i, f in enumerate(figs, 1))
            rows.append(
                f'<tr><td class="n">{html.escape(stem[:2])}</td><td><a href="{html.escape(stem)}.html">{html.escape(notebook_title(nb))}</a>'
                f"<br>{html.escape(notebook_question(nb))}</td><td>{html.escape(notebook_answer(nb))}"
                + (f'<div class="figs">Figures (PNG): {fig_links}</div>' if figs else "")
                + "</td></tr>"
            )
            print(f"      {stem}.html ({len(figs)} figures)", flush=True)
    print("[4/4] writing index.html", flush=True)
    index = INDEX.format(
        version=html.escape(ds.version),
        n_batches=len(ds.batches),
        n_official=int(ds.batches["n_cases"].sum()),
        n_identified=len(ds.cases),
        rows="\n".join(rows),
        citation=html.escape(cite()),
    )
    (out_dir / "index.html").write_text(index, encoding="utf-8")
    print(f"report written to {out_dir / 'index.html'}", flush=True)
    return 0
