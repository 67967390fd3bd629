"""In a real JupyterLab, cut off from the network, a chart chapter draws every chart when run,
and again when run after the tab is reloaded on the same kernel (issue 12).

JupyterLab runs from the project's venv on a copy of the chapter, opened as a notebook by
Jupytext as a student would open it; the page is Debian's chromium, with every request
that leaves 127.0.0.1 blocked.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from iranaz.book import offline

from .test_notebook import chart_chapter

#: JupyterLab started, and its application object exposed (``expose_app_in_browser``).
LAB_READY = "() => window.jupyterapp !== undefined && document.querySelector('#jp-main-dock-panel') !== null"
#: Every code cell of the current notebook has run and its kernel is idle.
ALL_RUN = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const kernel = nb && nb.sessionContext.session && nb.sessionContext.session.kernel;
  return kernel !== null && kernel !== undefined && kernel.status === 'idle'
    && nb.content.widgets.filter((c) => c.model.type === 'code').every((c) => c.model.executionCount !== null);
}"""
#: The charts of the current notebook (a reloaded page may restore a second view of it).
CHARTS = f'window.jupyterapp.shell.currentWidget.node.querySelectorAll("div.{offline.CHART_CLASS}")'
#: Every chart drawn or failed, or none can ever draw: the page has no Vega (the bug).
CHARTS_SETTLED = f"""() => window.{offline.LIBRARY_GLOBAL} === undefined || Array.from({CHARTS}).every(
  (d) => d.dataset.iranazState === "drawn" || d.dataset.iranazState === "error")"""
CHART_STATES = f"""() => Array.from({CHARTS}).map(
  (d) => d.dataset.iranazState + (d.querySelector("svg.marks") ? "+svg" : ""))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``(base URL, notebook name)``: JupyterLab serving a copy of the first chart chapter."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "notebooks"
    root.mkdir()
    chapter = chart_chapter()
    shutil.copy(chapter, root / chapter.name)  # autosave must never touch the project's file
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "IPYTHONDIR": str(tmp / "ipython")}
    env.pop(offline.BOOK_BUILD_ENV, None)  # a student's kernel, not the book build's
    args = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={tmp / 'workspaces'}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def drain() -> None:
        for line in proc.stderr:
            log.append(line)
            lines.put(line)
        lines.put("")

    threading.Thread(target=drain, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        while True:  # blocks on the server's own log until it listens (or exits)
            line = lines.get(timeout=120)
            if f"{base}/" in line:
                break
            if not line:
                pytest.fail("JupyterLab did not start:\n" + "".join(log[-40:]))
        yield base, chapter.name
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _run_chapter(page: object, name: str) -> list[str]:
    """Open ``name`` as a Jupytext notebook, run all its cells; the charts' states once settled."""
    page.wait_for_function(LAB_READY, timeout=120_000)
    page.evaluate(
        """async (path) => {
          await window.jupyterapp.started;
          await window.jupyterapp.restored;
          const w = await window.jupyterapp.commands.execute("docmanager:open", {path, factory: "Jupytext Notebook"});
          await w.context.ready;
          await w.sessionContext.ready;
          window.jupyterapp.shell.activateById(w.id);
          await window.jupyterapp.commands.execute("notebook:run-all-cells");
        }""",
        name,
    )
    page.wait_for_function(ALL_RUN, timeout=300_000)
    page.wait_for_function(CHARTS_SETTLED, timeout=30_000)
    return page.evaluate(CHART_STATES)


def test_charts_draw_in_jupyterlab_offline_and_after_a_reload(browser: object, lab: tuple[str, str]) -> None:
    base, name = lab
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(r: object) -> None:
        if urlsplit(r.request.url).hostname != "127.0.0.1":
            blocked.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    ctx.route("**/*", route)
    page = ctx.new_page()
    try:
        page.goto(f"{base}/lab", wait_until="load")
        fresh = _run_chapter(page, name)
        assert fresh and fresh == ["drawn+svg"] * len(fresh), fresh
        page.reload(wait_until="load")  # the same kernel, which has drawn these charts already
        reloaded = _run_chapter(page, name)
        assert reloaded == fresh, "after the reload, charts stayed empty boxes"
        assert blocked == [], "JupyterLab or the charts asked for something outside the machine"
    finally:
        ctx.close()
