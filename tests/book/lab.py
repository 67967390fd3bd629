"""``make lab`` as a reader types it, driven over JupyterLab's REST API (no browser).

:func:`run_lab` starts ``make lab LAB_ARGS="--no-browser --port=P --IdentityProvider.token=T"``
in a project folder, reads the server's log until it says it serves on that port (no
sleep: a blocking read, with a watchdog that stops the server if it never does) and then
until its port accepts a connection (the server binds it just after saying so; polled, no
sleep), asks what a student's JupyterLab would ask, then stops the server through
``/api/shutdown``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bookbuild import reader_env

#: How long the server may take to start before the watchdog stops it.
START_TIMEOUT = 180


@dataclass
class LabSession:
    """What the server answered, and its log."""

    returncode: int
    log: str
    notebook: dict[str, Any] | None = None  # GET /api/contents/<chapter>?type=notebook
    default_type: str = ""  # the type the contents manager gives the chapter unasked
    default_viewers: dict[str, str] | None = None  # JupyterLab's default viewers, overrides applied


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float) -> bool:
    """Poll ``127.0.0.1:port`` until it accepts a connection (True) or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return True
        except OSError:
            continue
    return False


def run_lab(cwd: Path, chapter: str) -> LabSession:
    """``make lab`` in ``cwd``; the answers about ``chapter`` (a file of notebooks/)."""
    port, token = free_port(), secrets.token_hex(16)
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    proc = subprocess.Popen(
        ["make", "lab", f"LAB_ARGS={args}"], cwd=cwd, env=reader_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )
    watchdog = threading.Timer(START_TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGTERM))
    watchdog.start()
    log: list[str] = []
    try:
        for line in proc.stdout:
            log.append(line)
            if f"127.0.0.1:{port}/lab" in line:
                break
        watchdog.cancel()
        session = LabSession(-1, "")
        if proc.poll() is None and wait_for_port(port, START_TIMEOUT):
            base = f"http://127.0.0.1:{port}"

            def get(path: str) -> Any:
                req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=120) as r:
                    return json.load(r)

            session.notebook = get(f"/api/contents/{chapter}?type=notebook&content=1")
            session.default_type = get(f"/api/contents/{chapter}?content=0")["type"]
            docmanager = get("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
            session.default_viewers = docmanager["schema"]["properties"]["defaultViewers"].get("default")
            req = urllib.request.Request(base + "/api/shutdown", method="POST", headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(req, timeout=60).close()
        rest, _ = proc.communicate(timeout=120)
        log.append(rest)
        session.returncode, session.log = proc.returncode, "".join(log)
        return session
    finally:
        watchdog.cancel()
        if proc.poll() is None:  # only if something above failed: stop what this started
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
