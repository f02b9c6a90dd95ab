"""Find and execute the numbered notebooks.

``gbaresearch notebooks --in-place`` re-executes every notebook in a fresh kernel and
writes the outputs back (``make notebooks``). Execution records no timing metadata, so running it
twice leaves the files unchanged.

The kernel gets its environment from :func:`kernel_env`; this process's ``os.environ`` is never
changed. A kernel that cannot start raises :class:`KernelStartError` with the kernel's own
reason in one line, within the timeout.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..dataset.atomic import write_text
from ..dataset.paths import notebooks_dir

NOTEBOOK_NAME = re.compile(r"^[0-9]{2}-[\w-]+\.ipynb$")
_QUIET = logging.getLogger(
    "gbaresearch.publish.notebooks.kernel"
)  # kernel start errors are reported by KernelStartError
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class KernelStartError(RuntimeError):
    """The kernel did not start (or did not answer in time); the message is one line."""


def notebook_paths(directory: Path | None = None) -> list[Path]:
    """The numbered notebooks (``NN-name.ipynb``) in order."""
    d = directory or notebooks_dir()
    return sorted(p for p in d.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def copy_notebooks(dest: Path, directory: Path | None = None) -> list[Path]:
    """Copy the numbered notebooks (from ``directory``, default :func:`notebooks_dir`) into
    ``dest`` (created if missing) and return the new absolute paths. Raises ``FileExistsError`` naming
    the first notebook that is already there, before copying anything."""
    import shutil

    dest = Path(dest).resolve()
    sources = notebook_paths(directory)
    if not sources:
        raise FileNotFoundError(f"no notebooks found in {directory or notebooks_dir()}")
    for src in sources:
        if (dest / src.name).exists():
            raise FileExistsError(f"{dest / src.name} already exists; choose an empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for src in sources:
        shutil.copyfile(src, dest / src.name)
        copied.append(dest / src.name)
    return copied


def kernel_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return a new environment for kernels: a copy of ``os.environ`` with this interpreter's
    bin first on PATH, non-interactive plotting, a fixed hash seed, then ``extra`` on top.
    ``os.environ`` itself is left unchanged."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(extra or {})
    return env


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _one_line(text: str, limit: int = 300) -> str:
    """The last non-empty line of ``text`` (where a Python error states its reason), without
    terminal colour codes, printable characters only."""
    lines = [ln.strip() for ln in _ANSI.sub("", text).splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    last = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in last)
    return last[:limit] + ("…" if len(last) > limit else "")


def execute(
    path: Path,
    timeout: int = 600,
    env: Mapping[str, str] | None = None,
    startup_timeout: float | None = None,
) -> Any:
    """Execute the notebook at ``path`` in a fresh kernel; return the executed ``NotebookNode``.

    ``env`` is the kernel's whole environment (default :func:`kernel_env`). The kernel must
    answer within ``startup_timeout`` seconds (default ``min(timeout, 60)``), else
    :class:`KernelStartError` says why in one line (the kernel's last line of error output).
    A failing cell raises ``nbclient.exceptions.CellExecutionError``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    start = float(startup_timeout if startup_timeout is not None else min(timeout, 60))
    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=max(1, int(round(start))),
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        log=_QUIET,
    )  # the kernels talk over loopback only
    started: list[bool] = []
    client.on_notebook_start = lambda **_: started.append(True)
    with tempfile.TemporaryFile(mode="w+b") as err:
        try:
            client.execute(env=dict(env) if env is not None else kernel_env(), stderr=err)
        except Exception as exc:
            if started:  # the kernel answered: the error is a cell's
                raise
            atexit.unregister(client._cleanup_kernel)  # registered by nbclient, which failed before cleaning up
            err.seek(0)
            said = _one_line(err.read().decode("utf-8", "replace"))
            if "respond" in str(exc):  # nbclient: "Kernel didn't respond in N seconds"
                reason = f"no answer within {start:g} s" + (
                    f" (kernel said: {said})" if said and said != "KeyboardInterrupt" else ""
                )
            else:
                reason = said or _one_line(str(exc)) or type(exc).__name__
            raise KernelStartError(f"kernel did not start: {reason}") from None
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def coalesce_streams(nb: Any) -> Any:
    """Merge consecutive stream outputs of the same name in every cell, in place; return ``nb``.

    How a kernel splits printed text into messages depends on timing, so without this two runs
    of the same notebook could store the same text in different pieces."""
    for cell in nb.cells:
        merged: list[Any] = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (
                out.get("output_type") == "stream"
                and prev is not None
                and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")
            ):
                prev["text"] = prev["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
    return nb


def write(nb: Any, path: Path) -> None:
    """Write ``nb`` to ``path`` atomically (temporary file in the same folder, then rename), with
    stream outputs coalesced (:func:`coalesce_streams`) so that reruns store identical files."""
    import nbformat

    coalesce_streams(nb)
    text = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    write_text(Path(path), text if text.endswith("\n") else text + "\n")
