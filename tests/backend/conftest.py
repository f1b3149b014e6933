"""Helpers of the backend tests (forms, logging in, request bodies, the admin CLI's environment).
The fixtures (database, app, client, dossier...) are in tests/backend/fixtures.py, offered to
every test folder by tests/conftest.py."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional

from .fixtures import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


async def login(client, email: str = "an@example.org", password: str = PASSWORD, *, allow_redirects: bool = False):
    page = await client.get("/login")
    token = csrf_from(await page.text())
    return await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=allow_redirects,
    )


def insight_body(**overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "key": "chat-1:qualities:1",
        "category": "quality",
        "value": "geduldig",
        "sentence": "Ik heb de boze klant rustig geholpen.",
        "said_at": "2024-05-01T10:00:00+00:00",
        "status": "confirmed",
    }
    body.update(overrides)
    return body


def cli_env(database_url: str, **extra: Optional[str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SERVICE_TOKEN", "SESSION_SECRET", "PUBLIC_URL"}}
    env["DATABASE_URL"] = database_url
    # Rasa is not running in the tests: a missing tracker store is an empty transcript.
    env["TRACKER_STORE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'no-such-tracker.sqlite3'}"
    env.update({k: v for k, v in extra.items() if v is not None})
    return env
