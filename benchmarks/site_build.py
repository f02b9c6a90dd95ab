"""Benchmark the site build: notebook execution versus site rendering, in the same run.

    python benchmarks/site_build.py [--jobs N] [--out DIR]

Runs :func:`gbaresearch.publish.report.build` twice into the same folder: a full build with an empty
execution cache (validation, execution of every notebook, then page generation, downloads,
Sphinx rendering and installation), then a rebuild with nothing changed (warm cache). Prints
both times and the split of the full one, and writes them to ``build/bench/site_build.json``.
Targets: rendering takes at most half the execution time, and the rebuild with nothing changed
at most 0.2 times the full build. Exit status 0 when both hold, 1 when one does not.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from gbaresearch.publish import report  # noqa: E402

TARGET = 0.5
WARM_TARGET = 0.2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    parser.add_argument("--out", help="site output directory (default: a temporary directory, removed after)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        out = Path(args.out) if args.out else Path(tmp) / "report"
        cache = Path(tmp) / "notebook-cache"  # empty: the first build executes every notebook
        t0 = time.perf_counter()
        report.build(out, jobs=args.jobs, log=lambda s: None, use_cache=True, cache_dir=cache)
        total = time.perf_counter() - t0
        st = dict(report.LAST_TIMINGS.stages)
        n_pages = len(list(out.rglob("*.html")))
        t1 = time.perf_counter()
        report.build(out, jobs=args.jobs, log=lambda s: None, use_cache=True, cache_dir=cache)
        warm = time.perf_counter() - t1
    ratio = st["render"] / st["execute"]
    warm_ratio = warm / total
    result = {
        "validate_s": round(st["validate"], 2),
        "execute_s": round(st["execute"], 2),
        "render_s": round(st["render"], 2),
        "total_s": round(total, 2),
        "render_over_execute": round(ratio, 3),
        "target": TARGET,
        "unchanged_rebuild_s": round(warm, 2),
        "unchanged_over_full": round(warm_ratio, 3),
        "unchanged_target": WARM_TARGET,
        "ok": ratio <= TARGET and warm_ratio <= WARM_TARGET,
        "pages": n_pages,
        "jobs": args.jobs,
    }
    print(f"site build: {n_pages} pages in {total:.1f} s (full, empty cache)")
    print(f"  validation          {st['validate']:6.1f} s")
    print(f"  notebook execution  {st['execute']:6.1f} s  ({args.jobs} at a time)")
    print(f"  site rendering      {st['render']:6.1f} s  (pages, downloads, Sphinx, install)")
    print(f"  rendering / execution = {ratio:.2f} (target <= {TARGET}): {'ok' if ratio <= TARGET else 'TOO SLOW'}")
    print(
        f"rebuild with nothing changed: {warm:.2f} s = {warm_ratio:.3f} of the full build "
        f"(target <= {WARM_TARGET}): {'ok' if warm_ratio <= WARM_TARGET else 'TOO SLOW'}"
    )
    dest = REPO / "build" / "bench"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "site_build.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
