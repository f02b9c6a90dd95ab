"""JupyterLab on the notebooks, with the project's own settings (``make lab``, ``gbaresearch lab``).

:func:`lab_command` returns the command line and the environment; :func:`main` runs it. The
server listens on 127.0.0.1 only, starts as root as well as as a normal user, logs warnings
only (so the address is printed once) and opens on the notebook folder. Every Jupyter and
IPython folder (configuration, data, runtime, settings, workspaces, caches) is a folder of the
project's own (``build/jupyter`` in a checkout, else ``.jupyter`` beside the notebooks), so
nothing is written to the user's home; only the runtime folder (connection files and sockets)
is a new private folder in the system's temporary directory, because a socket path may not be
longer than 107 characters. JupyterLab makes no request beyond the machine: news
and update checks are off, the extension manager is read-only and disabled, and kernels talk
over local IPC sockets (which neither travel over the network nor print the TCP warning).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..dataset.paths import REPO_DIR, _in_checkout, notebooks_dir

SERVER_CONFIG: dict[str, dict[str, object]] = {
    "ServerApp": {
        "ip": "127.0.0.1",
        "open_browser": False,
        "log_level": "WARN",
    },
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",
        "log_level": "WARN",
    },
    "KernelManager": {"transport": "ipc"},
}
LAB_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}


def state_dir(notebook_dir: Path) -> Path:
    """The folder holding Jupyter's configuration and state for ``notebook_dir``:
    ``build/jupyter`` for the repository's notebooks, else ``notebook_dir/.jupyter``."""
    if _in_checkout() and notebook_dir.resolve() == notebooks_dir().resolve():
        return REPO_DIR / "build" / "jupyter"
    return notebook_dir.resolve() / ".jupyter"


def write_settings(state: Path) -> Path:
    """Write the server configuration and the JupyterLab setting overrides under ``state``;
    return the configuration folder (``state/config``)."""
    config = state / "config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=1) + "\n", encoding="utf-8")
    (config / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps(LAB_SETTINGS, indent=1) + "\n", encoding="utf-8"
    )
    return config


def lab_env(state: Path, runtime: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default ``os.environ``) with every Jupyter, IPython, matplotlib, npm and
    cache folder moved under ``state``, and Jupyter's runtime folder at ``runtime``."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTERLAB_SETTINGS_DIR": "lab/user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab/workspaces",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "XDG_CACHE_HOME": "cache",
        "npm_config_cache": "npm",  # JupyterLab asks npm for its prefix; npm would log under ~/.npm
    }
    for var, sub in folders.items():
        env[var] = str(state / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def is_root() -> bool:
    """True when this process runs as root (user id 0)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(
    notebook_dir: Path | None = None, port: int | None = None, state: Path | None = None
) -> tuple[list[str], dict[str, str]]:
    """Return (command line, environment) that start JupyterLab on ``notebook_dir`` (default the
    notebooks of this checkout or of the installed package) with the project's settings, which
    are written under ``state`` (default :func:`state_dir`)."""
    nb_dir = (notebook_dir or notebooks_dir()).resolve()
    st = state or state_dir(nb_dir)
    write_settings(st)
    runtime = Path(tempfile.mkdtemp(prefix="gba-jupyter-"))  # private (mode 0700), short for socket paths
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={nb_dir}"]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if is_root():
        argv.append("--allow-root")
    return argv, lab_env(st, runtime)


def run(notebook_dir: Path | None = None, port: int | None = None) -> int:
    """Run JupyterLab in the foreground until it stops (Ctrl-C twice, or Ctrl-C and ``y``);
    remove its runtime folder; return its exit code."""
    import jupyterlab  # noqa: F401  (a missing extra is reported by the command line)

    argv, env = lab_command(notebook_dir, port)
    sys.stdout.flush()
    proc = subprocess.Popen(argv, env=env)
    on_int = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to answer
    on_term = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    finally:
        signal.signal(signal.SIGINT, on_int)
        signal.signal(signal.SIGTERM, on_term)
        shutil.rmtree(env["JUPYTER_RUNTIME_DIR"], ignore_errors=True)
