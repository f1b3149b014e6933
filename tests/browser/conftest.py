"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium, never a downloaded
browser), against the backend started as a real process on a free port.

Seeding goes through the admin CLI (counsellors, clients) and the bot's JSON API (everything
the client says), as in production. TEST_DATABASE_URL picks PostgreSQL, as for tests/backend.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
from cryptography.fernet import Fernet

from tests.backend.dbreset import drop_backend_tables, worker_database_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVICE_TOKEN = "browser-test-token"
PASSWORD = "browser-wachtwoord-1"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Backend:
    url: str
    env: Dict[str, str]
    tracker_url: str
    log: Path

    def cli(self, *args: str, stdin: str = "") -> Dict[str, Any]:
        result = subprocess.run(
            [sys.executable, "-m", "backend", *args],
            input=stdin, capture_output=True, text=True, encoding="utf-8",
            cwd=ROOT, env=self.env, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def api(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/api/v1{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else {}


def _wait_until_healthy(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the backend stopped with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the backend did not answer within {START_TIMEOUT_SECONDS} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[Backend]:
    tmp = tmp_path_factory.mktemp("browser-backend")
    database_url = worker_database_url()
    if database_url:
        drop_backend_tables(database_url)
    else:
        database_url = f"sqlite:///{tmp / 'dossier.db'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    tracker_url = f"sqlite:///{tmp / 'rasa_tracker.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BACKEND_", "COOKIE_"))},
        "DATABASE_URL": database_url,
        "SERVICE_TOKEN": SERVICE_TOKEN,
        "SESSION_SECRET": Fernet.generate_key().decode(),
        "PUBLIC_URL": url,
        "TRACKER_STORE_URL": tracker_url,
        "RASA_URL": f"http://127.0.0.1:{_free_port()}",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp / "backend.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, url, log)
        yield Backend(url=url, env=env, tracker_url=tracker_url, log=log)
    finally:
        _stop(process)


# Per module, not per session: while Playwright's sync API runs, its event loop counts as running
# in this thread, and every async test after it (tests/channels, tests/reminders) would fail.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, backend):
    """A fresh browser profile (no cookies) per test; CSP violations and script errors fail it.
    (Answers like 401 or 404 are expected in some tests; Chromium logs those too.)"""
    context = browser.new_context(base_url=backend.url, accept_downloads=True, viewport={"width": 1200, "height": 900}, locale="nl-BE")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    problems = []
    tab.on(
        "console",
        lambda m: problems.append(m.text)
        if m.type == "error" and not m.text.startswith("Failed to load resource")
        else None,
    )
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab
    context.close()
    assert problems == [], problems


def screenshot_dir(tmp_path) -> Path:
    """docs/screenshots with UPDATE_SCREENSHOTS=1; elsewhere a temporary folder."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path
