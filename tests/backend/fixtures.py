"""The backend's test fixtures: a fresh, empty database and a fresh app per test, offered to
every test folder once (tests/conftest.py names this module in pytest_plugins).

TEST_DATABASE_URL picks the database (default: a temporary SQLite file), e.g.
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test
On PostgreSQL every test starts with the backend's tables empty (tests/backend/dbreset.py).
"""
from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from typing import Dict

import pytest
import pytest_asyncio
from cryptography.fernet import Fernet

from backend import db
from backend.app import create_app
from backend.config import Config
from backend.dashboard.passwords import hash_password
from contract import chat_token

from .dbreset import reset_backend_tables, worker_database_url

SERVICE_TOKEN = "test-service-token"
PASSWORD = "juist-wachtwoord-1"


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory) -> Path:
    """One SQLite dossier migrated to the newest revision per test process; each test gets a
    copy of it (migrating a new file cost about 0.3 s per test)."""
    path = tmp_path_factory.mktemp("migrated") / "dossier.db"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path, migrated_sqlite_file) -> str:
    url = worker_database_url()
    if not url:
        path = tmp_path / "dossier.db"
        shutil.copyfile(migrated_sqlite_file, path)
        return f"sqlite:///{path}"
    reset_backend_tables(url)
    return url


@pytest.fixture
def tracker_path(tmp_path):
    """Where the tests' fake Rasa tracker store lives (tests/backend/tracker.py writes it)."""
    return tmp_path / "rasa_tracker.sqlite3"


@pytest.fixture
def config(database_url, unused_tcp_port, tracker_path) -> Config:
    return Config(
        database_url=database_url,
        service_token=SERVICE_TOKEN,
        session_secret=Fernet.generate_key().decode(),
        public_url="http://127.0.0.1:8000",
        # Nothing listens there: Rasa counts as down unless a test starts a fake one.
        rasa_url=f"http://127.0.0.1:{unused_tcp_port}",
        cookie_secure=False,
        # No Rasa here: an absent tracker store is an empty transcript.
        tracker_store_url=f"sqlite:///{tracker_path}",
        chat_token_secret=os.environ[chat_token.SECRET_VARIABLE],
    )


@pytest.fixture
def app(config):
    return create_app(config)


@pytest_asyncio.fixture
async def client(aiohttp_client, app):
    return await aiohttp_client(app)


@pytest.fixture
def auth() -> Dict[str, str]:
    return {"Authorization": f"Bearer {SERVICE_TOKEN}"}


@functools.lru_cache(maxsize=None)
def password_hash(password: str) -> str:
    """One Argon2 hash per password for the whole run: hashing costs 0.14 s by design, and most
    tests only need a counsellor who can log in (login still verifies against the real hash)."""
    return hash_password(password)


class Dossier:
    """Creates rows straight through the query functions, as the admin CLI would."""

    def __init__(self, app) -> None:
        self.app = app

    async def counsellor(self, email: str = "an@example.org", name: str = "An Peeters", password: str = PASSWORD):
        from backend.dossier import accounts

        async with db.session(self.app) as s:
            return await accounts.create_counsellor(s, email, name, password_hash(password))

    async def client(self, counsellor_id: int, name: str = "Jan Janssens"):
        from backend.dossier import accounts

        async with db.session(self.app) as s:
            return await accounts.create_client(s, counsellor_id, name)


@pytest_asyncio.fixture
async def dossier(client) -> Dossier:
    """Needs the running test client: the engine exists only once the app has started."""
    return Dossier(client.app)


@pytest_asyncio.fixture
async def chat(dossier) -> str:
    """The chat id of a client without consent yet."""
    counsellor = await dossier.counsellor()
    return (await dossier.client(counsellor.id)).chat_id


@pytest_asyncio.fixture
async def consented_chat(client, chat, auth) -> str:
    response = await client.put(f"/api/v1/chats/{chat}/consent", json={"given": True, "version": "v1"}, headers=auth)
    assert response.status == 200
    return chat
