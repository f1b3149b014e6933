"""The SQLite files with personal data are for their owner only, and deleted content is
overwritten: the dossier (backend), the action server's outbox and Rasa's tracker store."""
from __future__ import annotations

import sqlite3
import stat

from sqlalchemy import text

from backend import db
from bot.actions.outbox import Outbox


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_dossier_file_is_the_owners_only_and_overwrites_what_is_deleted(tmp_path):
    path = tmp_path / "var" / "dossier.sqlite3"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    assert _mode(path) == 0o600
    engine = db.create_engine(url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA secure_delete"))).scalar() == 1
    finally:
        await engine.dispose()


def test_an_older_dossier_file_is_narrowed_too(tmp_path):
    path = tmp_path / "dossier.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    db.upgrade(f"sqlite:///{path}")
    assert _mode(path) == 0o600


def test_the_outbox_file_is_the_owners_only_and_overwrites_what_is_deleted(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(str(path))
    outbox.put("chat-1", "insight", {"value": "geduldig"})
    assert _mode(path) == 0o600
    with outbox._connect() as connection:
        assert connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
