"""Performance benchmarks for gbaresearch: run as ``.venv/bin/python benchmarks/run.py`` (``make bench``).

Measures, on this machine, in one run:

1. ``import gbaresearch`` vs ``import pandas`` (fresh subprocesses, timed inside them), and that
   importing the package pulls in neither matplotlib nor seaborn;
2. ``gbaresearch.load_dataset()`` with full validation on the shipped data, warm (repeated calls
   in this process) and cold (first call in a fresh process, after the imports);
3. ``gbaresearch.validate(dir)`` on valid synthetic datasets (``benchmarks/synthetic.py``) of
   growing size, with the growth exponent and a cProfile of the largest size; on the 10,000-case
   dataset, ``gbaresearch validate DIR`` and ``frictionless validate --trusted`` side by side
   (same files, both as commands in fresh processes);
4. the notebook floor: executing N trivial notebooks vs the N real ones in ``notebooks/``;
5. the whole test run (``pytest -n 2 -q``) vs its floor (trivial notebooks under nbval + the
   unit tests alone).

``--quick`` skips 4 and 5. Prints a table and writes ``build/bench/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DATA = REPO / "data"
NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = REPO / "build" / "bench" / "results.json"
DEFAULT_SIZES = (1_000, 10_000, 100_000)

# Same environment as `make` (the Makefile exports these); the kernels inherit it.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

TARGETS = {
    "import_overhead_ms": 50.0,  # gbaresearch adds <= 50 ms over pandas
    "load_warm_ms": 20.0,  # warm load_dataset() <= 20 ms
    "validate_exponent": 1.1,  # growth exponent <= 1.1
    "vs_frictionless": 5.0,  # frictionless validate / gbaresearch validate >= 5 on the 10k-case dataset
    "notebook_ratio": 1.3,  # real notebooks / trivial notebooks <= 1.3
    "tests_ratio": 1.5,  # pytest total / (nbval floor + unit tests) <= 1.5
    "test_fast_s": 15.0,  # `make test-fast`, the edit-test loop, <= 15 s
}

TRIVIAL_SOURCE = "import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns\nimport gbaresearch"


# --------------------------------------------------------------------------------------------
# helpers


def _env() -> dict:
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _py(code: str) -> dict:
    """Run ``code`` in a fresh interpreter (cwd = repo) and return the JSON it prints last."""
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"subprocess failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _median(xs) -> float:
    return statistics.median(xs)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine_info() -> dict:
    import pandas

    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_usable": usable,
        "cpu_model": _cpu_model(),
        "memory_gb": _mem_total_gb(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "pandas": pandas.__version__,
        "numpy": __import__("numpy").__version__,
        "git_commit": commit,
    }


# --------------------------------------------------------------------------------------------
# 1. imports

_IMPORT_CODE = """
import json, sys, time
{pre}
t0 = time.perf_counter()
import {mod}
t1 = time.perf_counter()
print(json.dumps({{"s": t1 - t0, "matplotlib": "matplotlib" in sys.modules, "seaborn": "seaborn" in sys.modules,
                  "modules": len(sys.modules)}}))
"""


def bench_imports(runs: int) -> dict:
    variants = {
        "pandas": _IMPORT_CODE.format(pre="", mod="pandas"),
        "gbaresearch": _IMPORT_CODE.format(pre="", mod="gbaresearch"),
        "gbaresearch_after_pandas": _IMPORT_CODE.format(pre="import pandas", mod="gbaresearch"),
    }
    for code in variants.values():  # warm-up: byte-compile and fill the OS file cache
        _py(code)
    samples: dict[str, list[float]] = {k: [] for k in variants}
    heavy = {"matplotlib": False, "seaborn": False}
    modules = {}
    for _ in range(runs):  # interleaved so that drift in machine load hits all three alike
        for name, code in variants.items():
            r = _py(code)
            samples[name].append(r["s"])
            if name == "gbaresearch":
                heavy["matplotlib"] |= r["matplotlib"]
                heavy["seaborn"] |= r["seaborn"]
            modules[name] = r["modules"]
    med = {k: _median(v) for k, v in samples.items()}
    return {
        "runs": runs,
        "pandas_ms": _ms(med["pandas"]),
        "gbaresearch_ms": _ms(med["gbaresearch"]),
        "overhead_ms": _ms(med["gbaresearch"] - med["pandas"]),
        "gbaresearch_after_pandas_ms": _ms(med["gbaresearch_after_pandas"]),
        "samples_ms": {k: [_ms(x) for x in v] for k, v in samples.items()},
        "modules_loaded": modules,
        "imports_matplotlib": heavy["matplotlib"],
        "imports_seaborn": heavy["seaborn"],
    }


# --------------------------------------------------------------------------------------------
# 2. load_dataset

_COLD_CODE = """
import json, time
import gbaresearch
t0 = time.perf_counter()
ds = gbaresearch.load_dataset({data!r})
t1 = time.perf_counter()
print(json.dumps({{"s": t1 - t0, "tables": len(ds)}}))
"""


def bench_load(warm_runs: int, cold_runs: int) -> dict:
    import gbaresearch

    ds = gbaresearch.load_dataset(DATA)  # warm-up
    rows = sum(len(t) for t in ds.values())
    warm = []
    for _ in range(warm_runs):
        t0 = time.perf_counter()
        gbaresearch.load_dataset(DATA)
        warm.append(time.perf_counter() - t0)
    cold = [_py(_COLD_CODE.format(data=str(DATA)))["s"] for _ in range(cold_runs)]
    return {
        "tables": len(ds),
        "rows": rows,
        "warm_runs": warm_runs,
        "warm_median_ms": _ms(_median(warm)),
        "warm_min_ms": _ms(min(warm)),
        "cold_runs": cold_runs,
        "cold_median_ms": _ms(_median(cold)),
        "cold_samples_ms": [_ms(x) for x in cold],
    }


# --------------------------------------------------------------------------------------------
# 3. validation scaling


def _fit_exponent(ns, ts) -> float | None:
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 3) if sxx else None


# Timed in a fresh interpreter per size, so the harness's own heap (synthetic rows just written,
# earlier results) does not change the cost of Python's garbage collector inside validate().
_VALIDATE_WORKER = r"""
import cProfile, gc, io, json, pstats, sys, time
import gbaresearch
directory, runs, profile, repo = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
t0 = time.perf_counter()
problems = gbaresearch.validate(directory)  # must be [] (else timing would measure error paths); also the warm-up
first = time.perf_counter() - t0
if problems:
    print(json.dumps({"n_problems": len(problems), "problems": [str(p) for p in problems[:20]]}))
    sys.exit(0)
times = []
for _ in range(runs):
    gc.collect()
    t0 = time.perf_counter()
    gbaresearch.validate(directory)
    times.append(time.perf_counter() - t0)
out = {"n_problems": 0, "first_s": first, "times": times}
if profile:
    gc.collect()
    gc.disable()  # diagnostic: how much of the time is the cyclic garbage collector
    t0 = time.perf_counter()
    gbaresearch.validate(directory)
    out["gc_disabled_s"] = time.perf_counter() - t0
    gc.enable()
    gc.collect()
    prof = cProfile.Profile()
    prof.runcall(gbaresearch.validate, directory)
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(15)
    buf.write("---- same run, top 10 by own time (tottime) ----\n")
    st.sort_stats("tottime").print_stats(10)
    out["profile"] = buf.getvalue().replace(repo + "/", "")
print(json.dumps(out))
"""


def _validate_in_subprocess(directory: Path, runs: int, profile: bool) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _VALIDATE_WORKER, str(directory), str(runs), "1" if profile else "0", str(REPO)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"validation worker failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


FRICTIONLESS_N = 10_000


def _command_seconds(cmd: list[str], runs: int) -> tuple[float, list[float], int]:
    """Median wall time of ``cmd`` run ``runs`` times in fresh processes, the samples and the last exit code."""
    times, code = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        code = proc.returncode
    return _median(times), times, code


# One validation of the same files by either library, timed inside a fresh process around the
# call alone (imports excluded), so that interpreter and import times do not blur the comparison.
_SIDE_WORKER = r"""
import json, sys, time
which, directory = sys.argv[1], sys.argv[2]
if which == "gbaresearch":
    import gbaresearch
    t0 = time.perf_counter()
    valid = gbaresearch.validate(directory) == []
else:
    import frictionless
    frictionless.system.trusted = True  # as `frictionless validate --trusted`
    t0 = time.perf_counter()
    valid = frictionless.validate(directory + "/datapackage.json").valid
print(json.dumps({"s": time.perf_counter() - t0, "valid": valid}))
"""


def _library_seconds(which: str, d: Path, runs: int) -> tuple[float, list[float], bool]:
    times, valid = [], True
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", _SIDE_WORKER, which, str(d)], cwd=REPO, env=_env(), capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{which} worker failed:\n{proc.stderr}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        times.append(r["s"])
        valid = valid and r["valid"]
    return _median(times), times, valid


def bench_frictionless(d: Path, runs: int, fl_runs: int) -> dict:
    """gbaresearch and frictionless on the same files: the validation call alone (in a fresh
    process each), and ``gbaresearch validate DIR`` / ``frictionless validate --trusted
    DIR/datapackage.json`` as whole commands."""
    lib_ours, lib_ours_s, ok_ours = _library_seconds("gbaresearch", d, runs)
    lib_theirs, lib_theirs_s, ok_theirs = _library_seconds("frictionless", d, fl_runs)
    ours, ours_s, ours_code = _command_seconds([sys.executable, "-m", "gbaresearch", "validate", str(d)], runs)
    theirs, theirs_s, theirs_code = _command_seconds(
        [sys.executable, "-m", "frictionless", "validate", "--trusted", str(d / "datapackage.json")], fl_runs
    )
    return {
        "n_cases": FRICTIONLESS_N,
        "library_gbaresearch_s": round(lib_ours, 3),
        "library_gbaresearch_samples_s": [round(x, 3) for x in lib_ours_s],
        "library_frictionless_s": round(lib_theirs, 3),
        "library_frictionless_samples_s": [round(x, 3) for x in lib_theirs_s],
        "library_both_valid": ok_ours and ok_theirs,
        "ratio": round(lib_theirs / lib_ours, 1) if lib_ours > 0 else None,
        "command_ratio": round(theirs / ours, 1) if ours > 0 else None,
        "gbaresearch_validate_s": round(ours, 3),
        "gbaresearch_samples_s": [round(x, 3) for x in ours_s],
        "gbaresearch_exit": ours_code,
        "frictionless_validate_s": round(theirs, 3),
        "frictionless_samples_s": [round(x, 3) for x in theirs_s],
        "frictionless_exit": theirs_code,
        "timed_as": "ratio: the validation call alone, each in a fresh process (imports excluded), median; "
        "command_ratio: wall time of each command (interpreter start and imports included), median",
    }


def bench_validation(sizes, runs: int, keep: bool, fl_runs: int = 1) -> tuple[dict, str]:
    from synthetic import describe, make_dataset  # benchmarks/synthetic.py, beside this file

    root = Path(tempfile.mkdtemp(prefix="gba-bench-synth-"))
    side_by_side: dict = {"status": f"skipped (no {FRICTIONLESS_N:,}-case size)"}
    per_size = []
    profile_text = ""
    gc_disabled = None
    try:
        for n in sizes:
            d = root / f"n{n}"
            t0 = time.perf_counter()
            make_dataset(d, n)
            gen = time.perf_counter() - t0
            gc.collect()
            info = describe(d)
            largest = n == sizes[-1]
            r = _validate_in_subprocess(d, runs, profile=largest)
            if r["n_problems"]:
                shown = "\n".join(r["problems"])
                raise SystemExit(
                    f"synthetic dataset with {n} cases is NOT valid ({r['n_problems']} problems); "
                    f"timing it would measure error paths:\n{shown}"
                )
            times = r["times"]
            size_mb = sum(f.stat().st_size for f in d.iterdir()) / 1e6
            per_size.append(
                {
                    "n_cases": n,
                    "total_rows": sum(info["rows"].values()),
                    "rows": info["rows"],
                    "csv_mb": round(size_mb, 1),
                    "schema_changes": [
                        f"{c['table']}.{c['field']}: {c['from']} -> {c['to']}" for c in info["schema_changes"]
                    ],
                    "generate_s": round(gen, 2),
                    "valid": True,
                    "first_run_s": round(r["first_s"], 4),
                    "median_s": round(_median(times), 4),
                    "samples_s": [round(x, 4) for x in times],
                }
            )
            if largest:
                profile_text = r["profile"]
                gc_disabled = round(r["gc_disabled_s"], 4)
            if n == FRICTIONLESS_N and fl_runs > 0:
                side_by_side = bench_frictionless(d, runs, fl_runs)
                print(
                    f"  side by side on {n:,} cases: validate() {side_by_side['library_gbaresearch_s']:.2f} s vs "
                    f"frictionless {side_by_side['library_frictionless_s']:.2f} s (x{side_by_side['ratio']}); "
                    f"as commands {side_by_side['gbaresearch_validate_s']:.2f} s vs "
                    f"{side_by_side['frictionless_validate_s']:.2f} s (x{side_by_side['command_ratio']})",
                    flush=True,
                )
            print(
                f"  validate {n:>9,} cases: median {_median(times):.3f} s  "
                f"({per_size[-1]['total_rows']:,} rows, {size_mb:.1f} MB, generated in {gen:.1f} s)",
                flush=True,
            )
    finally:
        if keep:
            print(f"  synthetic datasets kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    ns = [s["n_cases"] for s in per_size]
    ts = [s["median_s"] for s in per_size]
    return {
        "runs": runs,
        "timed_in": "a fresh python process per size (after one untimed validate() that must return [])",
        "sizes": per_size,
        "exponent": _fit_exponent(ns, ts),
        "largest_n": ns[-1],
        "largest_median_s": ts[-1],
        "largest_gc_disabled_s": gc_disabled,
        "per_1k_cases_ms_at_largest": round(ts[-1] / ns[-1] * 1000 * 1000, 2),
        "vs_frictionless": side_by_side,
    }, profile_text


# --------------------------------------------------------------------------------------------
# 4. notebook floor


def real_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def make_trivial_notebooks(dest: Path, n: int) -> list[Path]:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, n + 1):
        nb = new_notebook(cells=[new_code_cell(TRIVIAL_SOURCE)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        p = dest / f"floor_{i:02d}.ipynb"
        nbformat.write(nb, p)
        paths.append(p)
    return paths


def _execute_notebook(path: Path, timeout: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )  # quiet the TCP warning
    t0 = time.perf_counter()
    client.execute()  # fresh kernel, started and shut down inside
    return time.perf_counter() - t0


def bench_notebooks(trivial: list[Path], real: list[Path], timeout: int) -> dict:
    warmup = _execute_notebook(trivial[0], timeout)  # untimed: first kernel start pays for cold caches
    floor = [_execute_notebook(p, timeout) for p in trivial]
    print(f"  {len(trivial)} trivial notebooks: {sum(floor):.2f} s", flush=True)
    actual = {}
    for p in real:
        actual[p.name] = _execute_notebook(p, timeout)
        print(f"  {p.name}: {actual[p.name]:.2f} s", flush=True)
    total_floor, total_real = sum(floor), sum(actual.values())
    return {
        "status": "ran",
        "n_notebooks": len(real),
        "warmup_s": round(warmup, 2),
        "floor_s": round(total_floor, 2),
        "floor_samples_s": [round(x, 2) for x in floor],
        "real_s": round(total_real, 2),
        "real_per_notebook_s": {k: round(v, 2) for k, v in actual.items()},
        "ratio": round(total_real / total_floor, 3) if total_floor else None,
    }


# --------------------------------------------------------------------------------------------
# 5. the whole test run


def _pytest(args: list[str]) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=REPO, env=_env(), capture_output=True, text=True)
    secs = time.perf_counter() - t0
    lines = [l for l in (out.stdout + out.stderr).strip().splitlines() if l.strip()]
    failed = [l.split(" - ")[0] for l in lines if l.startswith(("FAILED ", "ERROR "))]
    return {
        "cmd": "python -m pytest " + " ".join(args),
        "s": round(secs, 2),
        "returncode": out.returncode,
        "summary": lines[-1] if lines else "",
        "failed": failed[:30],
    }


def bench_test_fast() -> dict:
    """``make test-fast`` as a reader runs it (the Makefile's own command line), timed whole."""
    t0 = time.perf_counter()
    out = subprocess.run(["make", "-s", "test-fast"], cwd=REPO, env=_env(), capture_output=True, text=True)
    secs = time.perf_counter() - t0
    lines = [l for l in (out.stdout + out.stderr).strip().splitlines() if l.strip()]
    return {
        "cmd": "make test-fast",
        "s": round(secs, 2),
        "returncode": out.returncode,
        "summary": lines[-1] if lines else "",
    }


def bench_tests(trivial_dir: Path | None) -> dict:
    fast = bench_test_fast()
    print(f"  make test-fast: {fast['s']:.2f} s  ({fast['summary']})", flush=True)
    total = _pytest(["-n", "2", "-q"])
    print(f"  full test run: {total['s']:.2f} s  ({total['summary']})", flush=True)
    if trivial_dir is not None:
        # the repo's pytest configuration (addopts: nbval, sanitizer, current env) applied to the trivial notebooks
        floor = _pytest(
            ["-n", "2", "-q", "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO), "--nbval", str(trivial_dir)]
        )
        print(f"  trivial notebooks under nbval: {floor['s']:.2f} s  ({floor['summary']})", flush=True)
    else:
        floor = {"cmd": None, "s": 0.0, "returncode": None, "summary": "no notebooks: floor is 0", "failed": []}
    unit = _pytest(["-n", "2", "-q", "-o", "addopts=-p no:cacheprovider", "tests"])
    print(f"  unit tests alone: {unit['s']:.2f} s  ({unit['summary']})", flush=True)
    denom = floor["s"] + unit["s"]
    return {
        "status": "ran" if trivial_dir is not None else "ran without notebooks",
        "total": total,
        "nbval_floor": floor,
        "unit_tests": unit,
        "ratio": round(total["s"] / denom, 3) if denom else None,
        "test_fast": fast,
        # pytest exit code 5 means "no tests collected"
        "all_passed": all(r["returncode"] in (0, 5, None) for r in (fast, total, floor, unit)),
    }


# --------------------------------------------------------------------------------------------
# report


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def targets(res: dict) -> list[dict]:
    out = []

    def add(name, value, unit, limit, op, ok):
        out.append({"name": name, "value": value, "unit": unit, "target": f"{op} {limit:g} {unit}".strip(), "pass": ok})

    imp = res["imports"]
    add(
        "import overhead over pandas",
        imp["overhead_ms"],
        "ms",
        TARGETS["import_overhead_ms"],
        "<=",
        imp["overhead_ms"] <= TARGETS["import_overhead_ms"],
    )
    heavy = imp["imports_matplotlib"] or imp["imports_seaborn"]
    out.append(
        {
            "name": "import gbaresearch loads matplotlib/seaborn",
            "value": "yes" if heavy else "no",
            "unit": "",
            "target": "no",
            "pass": not heavy,
        }
    )
    ld = res["load"]
    add(
        "load_dataset warm median",
        ld["warm_median_ms"],
        "ms",
        TARGETS["load_warm_ms"],
        "<=",
        ld["warm_median_ms"] <= TARGETS["load_warm_ms"],
    )
    va = res["validation"]
    n = va["largest_n"]
    out.append(
        {
            "name": f"validate {n:,} cases (median)",
            "value": va["largest_median_s"],
            "unit": "s",
            "target": "(reported)",
            "pass": None,
        }
    )
    fl = va.get("vs_frictionless", {})
    ratio = fl.get("ratio")
    valid_both = fl.get("gbaresearch_exit") == 0 and fl.get("frictionless_exit") == 0 and fl.get("library_both_valid")
    add(
        f"frictionless / gbaresearch validate, {FRICTIONLESS_N:,} cases",
        ratio if ratio is not None else fl.get("status", "skipped"),
        "x",
        TARGETS["vs_frictionless"],
        ">=",
        None if ratio is None else (ratio >= TARGETS["vs_frictionless"] and valid_both),
    )
    e = va["exponent"]
    add(
        "validation growth exponent",
        e,
        "",
        TARGETS["validate_exponent"],
        "<=",
        None if e is None else e <= TARGETS["validate_exponent"],
    )
    nb = res.get("notebooks", {})
    r = nb.get("ratio")
    add(
        "notebooks real / trivial",
        r if r is not None else nb.get("status", "skipped"),
        "",
        TARGETS["notebook_ratio"],
        "<=",
        None if r is None else r <= TARGETS["notebook_ratio"],
    )
    ts = res.get("tests", {})
    r = ts.get("ratio") if ts.get("status") == "ran" else None
    add(
        "tests total / (nbval floor + unit)",
        ts.get("ratio", ts.get("status", "skipped")),
        "",
        TARGETS["tests_ratio"],
        "<=",
        None if r is None else r <= TARGETS["tests_ratio"],
    )
    fast = ts.get("test_fast", {}).get("s") if ts.get("status") == "ran" else None
    add(
        "make test-fast",
        fast if fast is not None else ts.get("status", "skipped"),
        "s",
        TARGETS["test_fast_s"],
        "<=",
        None if fast is None else fast <= TARGETS["test_fast_s"],
    )
    return out


def print_table(res: dict) -> None:
    rows = []
    imp, ld, va = res["imports"], res["load"], res["validation"]
    rows += [
        ("1", f"import pandas (median of {imp['runs']} fresh processes)", f"{imp['pandas_ms']:.1f} ms"),
        ("1", "import gbaresearch (includes pandas)", f"{imp['gbaresearch_ms']:.1f} ms"),
        ("1", "import gbaresearch after pandas is loaded", f"{imp['gbaresearch_after_pandas_ms']:.1f} ms"),
        ("2", f"load_dataset() warm (median of {ld['warm_runs']})", f"{ld['warm_median_ms']:.1f} ms"),
        ("2", f"load_dataset() cold, first call (median of {ld['cold_runs']})", f"{ld['cold_median_ms']:.1f} ms"),
    ]
    for s in va["sizes"]:
        note = " *" if s["schema_changes"] else ""
        rows.append(
            (
                "3",
                f"validate {s['n_cases']:,} cases ({s['total_rows']:,} rows, median of {va['runs']}){note}",
                f"{s['median_s']:.3f} s",
            )
        )
    if va.get("largest_gc_disabled_s") is not None:
        rows.append(
            (
                "3",
                f"  diagnostic: {va['largest_n']:,} cases with gc disabled (1 run)",
                f"{va['largest_gc_disabled_s']:.3f} s",
            )
        )
    fl = va.get("vs_frictionless", {})
    if "ratio" in fl:
        rows += [
            (
                "3",
                f"gbaresearch.validate(), {fl['n_cases']:,} cases (call alone)",
                f"{fl['library_gbaresearch_s']:.2f} s",
            ),
            ("3", "frictionless.validate(), same files (call alone)", f"{fl['library_frictionless_s']:.2f} s"),
            ("3", f"gbaresearch validate, {fl['n_cases']:,} cases (command)", f"{fl['gbaresearch_validate_s']:.2f} s"),
            ("3", "frictionless validate --trusted, same files (command)", f"{fl['frictionless_validate_s']:.2f} s"),
        ]
    nb = res.get("notebooks", {})
    if nb.get("status") == "ran":
        rows += [
            ("4", f"{nb['n_notebooks']} trivial notebooks (floor)", f"{nb['floor_s']:.2f} s"),
            ("4", f"{nb['n_notebooks']} real notebooks", f"{nb['real_s']:.2f} s"),
        ]
    else:
        rows.append(("4", "notebook floor", nb.get("status", "skipped")))
    ts = res.get("tests", {})
    if ts.get("status", "").startswith("ran"):
        rows += [
            ("5", f"pytest -n 2 -q, whole run [{ts['total']['summary']}]", f"{ts['total']['s']:.2f} s"),
            (
                "5",
                f"trivial notebooks under nbval, -n 2 [{ts['nbval_floor']['summary']}]",
                f"{ts['nbval_floor']['s']:.2f} s",
            ),
            ("5", f"unit tests alone, -n 2 [{ts['unit_tests']['summary']}]", f"{ts['unit_tests']['s']:.2f} s"),
        ]
    else:
        rows.append(("5", "whole test run", ts.get("status", "skipped")))
    w = max(len(r[1]) for r in rows)
    print("\n" + "=" * (w + 26))
    print(f"{'part':<5}{'measurement':<{w}}  {'value':>17}")
    print("-" * (w + 26))
    for p, m, v in rows:
        print(f"{p:<5}{m:<{w}}  {v:>17}")
    if ts.get("all_passed") is False:
        print("  ! some pytest runs did not pass: their times may not represent a green run")
        for key in ("total", "nbval_floor", "unit_tests"):
            for name in ts[key].get("failed", [])[:10]:
                print(f"      {key}: {name}")
    if any(s["schema_changes"] for s in va["sizes"]):
        print("  * id patterns widened in the synthetic copy of datapackage.json (see benchmarks/synthetic.py)")
    print("\nTargets")
    w2 = max(len(t["name"]) for t in res["targets"])
    for t in res["targets"]:
        v = t["value"]
        v = f"{v:g} {t['unit']}".strip() if isinstance(v, (int, float)) else str(v)
        print(f"  {t['name']:<{w2}}  {v:>17}   target {t['target']:<10}  {_verdict(t['pass'])}")
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="skip the notebook floor (4) and the whole test run (5)")
    ap.add_argument(
        "--sizes",
        type=lambda s: [int(x.replace("_", "")) for x in s.replace(",", " ").split()],
        default=list(DEFAULT_SIZES),
        help="synthetic sizes in cases, e.g. '1000,10000,100000'",
    )
    ap.add_argument("--import-runs", type=int, default=11, help="fresh processes per import variant (min 7)")
    ap.add_argument("--load-runs", type=int, default=30, help="warm load_dataset() calls (min 20)")
    ap.add_argument("--cold-runs", type=int, default=5, help="fresh processes for the cold load_dataset()")
    ap.add_argument("--validate-runs", type=int, default=3, help="timed validate() runs per size")
    ap.add_argument("--notebook-timeout", type=int, default=1800, help="per-cell timeout in seconds")
    ap.add_argument(
        "--frictionless-runs",
        type=int,
        default=1,
        help="runs of frictionless validate on the 10k-case dataset (0: skip)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the generated synthetic datasets and notebooks")
    ap.add_argument(
        "--output", type=Path, default=DEFAULT_OUT, help="JSON results file (default build/bench/results.json)"
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = ap.parse_args(argv)
    args.sizes = sorted(set(args.sizes))
    if args.import_runs < 7 or args.load_runs < 20:
        ap.error("--import-runs must be >= 7 and --load-runs >= 20")

    t_start = time.perf_counter()
    res: dict = {
        "schema_version": 1,
        "machine": machine_info(),
        "args": {
            "quick": args.quick,
            "sizes": args.sizes,
            "import_runs": args.import_runs,
            "load_runs": args.load_runs,
            "cold_runs": args.cold_runs,
            "validate_runs": args.validate_runs,
        },
    }
    m = res["machine"]
    print(f"gbaresearch benchmarks  {m['date']}")
    print(
        f"  {m['cpu_model']}, {m['cpu_count']} CPUs ({m['cpu_usable']} usable), {m['memory_gb']} GB, "
        f"load avg {m['load_average_at_start']}"
    )
    print(f"  Python {m['python']}, pandas {m['pandas']}, numpy {m['numpy']}, commit {m['git_commit']}\n")

    print("[1] imports", flush=True)
    res["imports"] = bench_imports(args.import_runs)
    print("[2] load_dataset", flush=True)
    res["load"] = bench_load(args.load_runs, args.cold_runs)
    print("[3] validation scaling", flush=True)
    res["validation"], profile_text = bench_validation(
        args.sizes, args.validate_runs, args.keep, args.frictionless_runs
    )

    tmp = None
    if args.quick:
        res["notebooks"] = {"status": "skipped (--quick)"}
        res["tests"] = {"status": "skipped (--quick)"}
    else:
        real = real_notebooks()
        if not real:
            print("[4] notebook floor: no notebooks in notebooks/ yet, skipped", flush=True)
            res["notebooks"] = {"status": "skipped: no notebooks in notebooks/", "n_notebooks": 0}
            trivial_dir = None
        else:
            tmp = Path(tempfile.mkdtemp(prefix="gba-bench-nb-"))
            trivial_dir = tmp / "trivial"
            trivial = make_trivial_notebooks(trivial_dir, len(real))
            print(f"[4] notebook floor ({len(real)} notebooks)", flush=True)
            res["notebooks"] = bench_notebooks(trivial, real, args.notebook_timeout)
        print("[5] whole test run", flush=True)
        try:
            res["tests"] = bench_tests(trivial_dir)
        finally:
            if tmp is not None and not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)

    res["targets"] = targets(res)
    res["elapsed_s"] = round(time.perf_counter() - t_start, 1)

    print(f"\ncProfile of validate() at {args.sizes[-1]:,} cases (profiling overhead inflates the times):\n")
    print(profile_text)
    print_table(res)
    out = args.output.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    shown = out.relative_to(REPO) if out.is_relative_to(REPO) else out
    print(f"results written to {shown}  (total {res['elapsed_s']} s)")
    failed = [t["name"] for t in res["targets"] if t["pass"] is False]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
