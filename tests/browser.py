"""A real Streamlit server and Debian's chromium driven by Playwright, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# The overview's status mix and the compare page's theme matrix: Markdown tables, told apart by a heading.
STATUS_MIX = '[data-testid="stMarkdownContainer"] table:has(th:text-is("actions by status"))'
THEME_MATRIX = '[data-testid="stMarkdownContainer"] table:has(th:text-is("theme"))'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db: Path, script: Path = ROOT / "serve.py", env: dict | None = None, timeout: float = 90,
                     base_path: str = "", port: int | None = None, args: tuple[str, ...] = ()):
    """Start `streamlit run` (the dashboard as `make run` serves it, unless another script is given),
    wait for /_stcore/health, yield the base URL, stop it. base_path: serve the app under /base_path;
    args: more of Streamlit's options (e.g. --secrets.files F)."""
    port = port or free_port()
    full_env = {**os.environ, "ACTION_TRACKER_DB": str(db), **(env or {})}
    log = open(db.parent / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *(["--server.baseUrlPath", base_path] if base_path else []), *args],
        cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(f"streamlit did not start: {(db.parent / f'streamlit-{port}.log').read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_ready(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run that the last action started has finished."""
    page.wait_for_timeout(300)  # let the rerun begin before waiting for it to end
    page.wait_for_selector(READY, timeout=timeout_ms)


def open_url(page, url: str, timeout_ms: int = 60_000) -> None:
    """Go to a page and wait until its script has rendered the heading and finished."""
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=timeout_ms)
    wait_ready(page, timeout_ms)
