"""Notebook execution: the kernel gets its own environment, and a kernel that cannot start says
why in one line, without a traceback, within its timeout."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from gbaresearch.publish import notebooks

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

TIMEOUT = 8
MARGIN = 12  # kernel shutdown and process start on a busy machine

pytestmark = pytest.mark.slow  # starts kernels: left out of `make test-fast`


def tiny_notebook(tmp_path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "01-tiny.ipynb"
    nbformat.write(nb, path)
    return path


def broken_kernel_dir(tmp_path: Path, body: str) -> Path:
    """A folder whose ``ipykernel_launcher`` module replaces the real one when put on PYTHONPATH."""
    d = tmp_path / "broken"
    d.mkdir()
    (d / "ipykernel_launcher.py").write_text(body, encoding="utf-8")
    return d


def test_the_kernel_gets_the_environment_and_os_environ_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.delenv("GBA_KERNEL_PROBE", raising=False)
    path = tiny_notebook(tmp_path, "import os\nprint(os.environ.get('GBA_KERNEL_PROBE'), os.environ.get('MPLBACKEND'))")
    before = dict(os.environ)
    nb = notebooks.execute(path, timeout=60, env=notebooks.kernel_env({"GBA_KERNEL_PROBE": "seen-by-kernel"}))
    assert nb.cells[0].outputs[0]["text"].split()[0] == "seen-by-kernel"
    assert dict(os.environ) == before


def test_kernel_env_copies_and_does_not_modify_os_environ(monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    env = notebooks.kernel_env({"X_PROBE": "1"})
    assert env["X_PROBE"] == "1" and env["MPLBACKEND"].endswith("backend_inline")
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert "X_PROBE" not in os.environ and "MPLBACKEND" not in os.environ


def test_a_kernel_that_exits_at_start_reports_its_reason_in_one_line(tmp_path):
    path = tiny_notebook(tmp_path, "print(1)")
    broken = broken_kernel_dir(tmp_path, "import sys\nsys.exit('ImportError: no module named zmq_probe')\n")
    t0 = time.perf_counter()
    with pytest.raises(notebooks.KernelStartError) as info:
        notebooks.execute(path, timeout=TIMEOUT, env=notebooks.kernel_env({"PYTHONPATH": str(broken)}))
    assert time.perf_counter() - t0 < TIMEOUT + MARGIN
    assert str(info.value) == "kernel did not start: ImportError: no module named zmq_probe"


def test_a_kernel_that_never_answers_is_given_up_within_the_timeout(tmp_path):
    path = tiny_notebook(tmp_path, "print(1)")
    broken = broken_kernel_dir(tmp_path, "import time\ntime.sleep(300)\n")
    t0 = time.perf_counter()
    with pytest.raises(notebooks.KernelStartError) as info:
        notebooks.execute(path, timeout=TIMEOUT, env=notebooks.kernel_env({"PYTHONPATH": str(broken)}))
    assert time.perf_counter() - t0 < TIMEOUT + MARGIN
    assert str(info.value) == f"kernel did not start: no answer within {TIMEOUT} s"


def test_the_command_prints_one_line_and_no_traceback(tmp_path):
    path = tiny_notebook(tmp_path, "print(1)")
    broken = broken_kernel_dir(tmp_path, "raise RuntimeError('kernel cannot bind its ports')\n")
    env = notebooks.kernel_env({"PYTHONPATH": str(broken)})
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "gbaresearch", "notebooks", "--timeout", str(TIMEOUT), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT + MARGIN + 30,
    )
    assert time.perf_counter() - t0 < TIMEOUT + MARGIN + 10
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "01-tiny.ipynb: error: kernel did not start: RuntimeError: kernel cannot bind its ports"
    ]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_failing_cell_is_not_mistaken_for_a_kernel_fault(tmp_path):
    from nbclient.exceptions import CellExecutionError

    path = tiny_notebook(tmp_path, "raise ValueError('bad cell')")
    with pytest.raises(CellExecutionError, match="bad cell"):
        notebooks.execute(path, timeout=60)


def test_the_site_executor_gives_kernels_the_data_directory_and_names_failures(tmp_path):
    from gbaresearch.publish import report

    ok = tiny_notebook(tmp_path, "import os\nprint(os.environ['GBARESEARCH_DATA'])")
    out = tmp_path / "out"
    out.mkdir()
    done = report.execute_all([ok], out, tmp_path / "some-data", jobs=1, timeout=60, log=lambda s: None)
    nb = nbformat.read(done[ok], as_version=4)
    assert nb.cells[0].outputs[0]["text"].strip() == str(tmp_path / "some-data")
    bad = tmp_path / "02-bad.ipynb"
    nb.cells = [nbformat.v4.new_code_cell("raise ZeroDivisionError('no cases')")]
    nbformat.write(nb, bad)
    with pytest.raises(report.ReportError, match=r"^notebook failed: 02-bad.ipynb: ZeroDivisionError: no cases$"):
        report.execute_all([bad], out, tmp_path, jobs=1, timeout=60, log=lambda s: None)


def test_stream_outputs_are_coalesced_so_reruns_store_identical_files():
    import nbformat

    from gbaresearch.publish.notebooks import coalesce_streams

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a')")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="3 problems; nothing was loaded."),
        nbformat.v4.new_output("stream", name="stdout", text="\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="after\n"),
    ]
    nb.cells.append(cell)
    coalesce_streams(nb)
    assert [(o["name"], o["text"]) for o in nb.cells[0].outputs] == [
        ("stdout", "3 problems; nothing was loaded.\n"),
        ("stderr", "warning\n"),
        ("stdout", "after\n"),
    ]
