"""JupyterLab on the notebooks: starts as root, listens on localhost, prints its address once,
keeps its state in the project, asks nothing and reaches nothing beyond the machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from gbaresearch.dataset.paths import REPO_DIR
from gbaresearch.publish import lab


def test_lab_command_as_root_allows_root_and_keeps_state_out_of_home(tmp_path, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0)
    argv, env = lab.lab_command(REPO_DIR / "notebooks", port=9999, state=tmp_path / "state")
    assert "--allow-root" in argv
    assert f"--ServerApp.root_dir={REPO_DIR / 'notebooks'}" in argv and "--ServerApp.port=9999" in argv
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTERLAB_SETTINGS_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        assert Path(env[var]).is_relative_to(tmp_path / "state"), var
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    assert runtime.is_dir() and runtime.stat().st_mode & 0o077 == 0  # private
    assert len(str(runtime / "kernel-00000000-0000-0000-0000-000000000000-ipc-1")) <= 107  # a socket path
    runtime.rmdir()
    config = json.loads((tmp_path / "state" / "config" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["ip"] == "127.0.0.1"
    assert config["LabApp"]["news_url"] is None and config["LabApp"]["extension_manager"] == "readonly"
    assert config["KernelManager"]["transport"] == "ipc"
    overrides = json.loads((tmp_path / "state" / "config" / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_lab_command_as_a_normal_user_does_not_allow_root(tmp_path, monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    argv, env = lab.lab_command(tmp_path, state=tmp_path / "state")
    assert "--allow-root" not in argv
    Path(env["JUPYTER_RUNTIME_DIR"]).rmdir()


def test_state_folder_is_build_jupyter_for_the_repository_and_beside_other_notebooks(tmp_path):
    assert lab.state_dir(REPO_DIR / "notebooks") == REPO_DIR / "build" / "jupyter"
    assert lab.state_dir(tmp_path) == tmp_path.resolve() / ".jupyter"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_lab_starts_prints_its_address_once_and_makes_no_outside_request(tmp_path):
    from test_site_browser import BROWSER, WHY_NOT

    if BROWSER is None:
        pytest.skip(WHY_NOT)
    from playwright.sync_api import sync_playwright

    port = _free_port()
    argv, env = lab.lab_command(REPO_DIR / "notebooks", port=port, state=tmp_path / "state")
    (tmp_path / "home").mkdir()
    env["HOME"] = str(tmp_path / "home")  # nothing may appear there
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        url = None
        for _ in range(120):
            m = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=\w+", log.read_text(errors="replace"))
            if m:
                url = m.group(0)
                break
            time.sleep(0.25)
        assert url, log.read_text(errors="replace")
        outside: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:", "blob:"))
                    else outside.append(r.url)
                ),
            )
            page.goto(url)
            page.wait_for_selector("text=01-tour-of-the-dataset.ipynb", timeout=60000)
            page.goto(url.replace("/lab?", "/lab/tree/01-tour-of-the-dataset.ipynb?"))
            page.wait_for_selector(".jp-Notebook", timeout=60000)
            token = url.rsplit("=", 1)[1]
            kernels: list[dict[str, str]] = []
            for _ in range(120):  # the notebook's kernel started and answered
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernels?token={token}") as r:
                    kernels = json.load(r)
                if kernels and kernels[0].get("execution_state") == "idle":
                    break
                page.wait_for_timeout(500)
            assert kernels and kernels[0]["execution_state"] == "idle", log.read_text(errors="replace")
            page.wait_for_timeout(1000)
            body = page.inner_text("body")
            browser.close()
        assert "official Jupyter news" not in body
        assert outside == []
        text = log.read_text(errors="replace")
        assert text.count(url) == 1, text
        assert "Running as root" not in text and "without encryption" not in text, text
        assert list((tmp_path / "home").iterdir()) == []
    finally:
        proc.terminate()
        try:  # the server stops its kernels first, which can take a while on a loaded machine
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        shutil.rmtree(env["JUPYTER_RUNTIME_DIR"], ignore_errors=True)


@pytest.mark.slow
def test_the_lab_kernel_imports_this_package(tmp_path):
    _, env = lab.lab_command(REPO_DIR / "notebooks", state=tmp_path / "state")
    r = subprocess.run(
        [os.environ.get("PYTHON", lab.sys.executable), "-m", "jupyter", "kernelspec", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    spec = json.loads(r.stdout)["kernelspecs"]["python3"]["spec"]
    r = subprocess.run(
        [spec["argv"][0], "-c", "import gbaresearch; print(gbaresearch.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_DIR / "notebooks",
    )
    Path(env["JUPYTER_RUNTIME_DIR"]).rmdir()
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(REPO_DIR / "gbaresearch")
