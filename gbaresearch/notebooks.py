"""Find and execute the numbered notebooks.

``python -m gbaresearch.notebooks --in-place`` re-executes every notebook in a fresh kernel and
writes the outputs back (``make notebooks``). Execution records no timing metadata, so running it
twice leaves the files unchanged.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .paths import notebooks_dir

NOTEBOOK_NAME = re.compile(r"^\d{2}-[\w-]+\.ipynb$")


def notebook_paths(directory: Path | None = None) -> list[Path]:
    """The numbered notebooks (``NN-name.ipynb``) in order."""
    d = directory or notebooks_dir()
    return sorted(p for p in d.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def kernel_env() -> dict[str, str]:
    """Environment for kernels: this interpreter's bin first on PATH, non-interactive plotting."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def execute(path: Path, timeout: int = 600):
    """Execute the notebook at ``path`` in a fresh kernel; return the executed NotebookNode.

    Raises ``nbclient.exceptions.CellExecutionError`` when a cell fails."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.update(kernel_env())
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )  # the kernels talk over loopback only
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def write(nb, path: Path) -> None:
    import nbformat

    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gbaresearch.notebooks")
    parser.add_argument("--in-place", action="store_true", help="write outputs back into the notebooks")
    parser.add_argument("--out", help="write the executed notebook here (one notebook only)")
    parser.add_argument("names", nargs="*", help="notebook files (default: all numbered notebooks)")
    args = parser.parse_args(argv)
    paths = [Path(n).resolve() for n in args.names] or notebook_paths()
    for i, path in enumerate(paths, 1):
        print(f"[{i}/{len(paths)}] executing {path.name}", flush=True)
        try:
            nb = execute(path)
        except Exception as exc:  # a failing cell: say which notebook, no traceback wall
            print(
                f"error in {path.name}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}",
                file=sys.stderr,
            )
            return 1
        if args.out:
            write(nb, Path(args.out))
        elif args.in_place:
            write(nb, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
