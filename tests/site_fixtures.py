"""A stand-in executor for site builds in the tests: the committed notebooks, copied as if executed.

The stored outputs are checked against fresh runs by nbval, so the site tests need not execute
the notebooks again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path


def copy_executor(
    paths: Iterable[Path],
    out_dir: Path,
    data_dir: Path | None,
    jobs: int = 2,
    timeout: int = 600,
    log: Callable[[str], None] = print,
) -> dict[Path, Path]:
    """Stand-in for ``gbaresearch.publish.report.execute_all``: copy each notebook into ``out_dir``;
    return source path -> copied path."""
    done = {}
    for p in paths:
        shutil.copy(p, out_dir / p.name)
        done[p] = out_dir / p.name
    return done
