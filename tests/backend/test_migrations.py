"""Alembic: upgrade, downgrade to base, upgrade again; and the migrations match the models."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from backend import db
from backend.config import sync_url
from backend.tables import metadata

from .dbreset import drop_backend_tables, worker_database_url

# The newest revision, whoever added it (several people add migrations).
HEAD = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()



@pytest.fixture
def database_url(tmp_path) -> str:
    """An empty database (not the migrated one of the other tests): these tests migrate it."""
    url = worker_database_url()
    if not url:
        return f"sqlite:///{tmp_path / 'dossier.db'}"
    drop_backend_tables(url)
    return url


TABLES = {"counsellors", "clients", "insights", "contacts", "actions", "mood_entries", "flags", "notes", "client_views", "audit_entries"}


def _inspect(database_url):
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = MigrationContext.configure(conn).get_current_revision()
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        return tables, revision, diff
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(database_url):
    db.upgrade(database_url)
    tables, revision, _ = _inspect(database_url)
    assert TABLES <= tables
    assert revision == HEAD

    db.downgrade(database_url, "base")
    tables, revision, _ = _inspect(database_url)
    assert not TABLES & tables
    assert revision is None

    db.upgrade(database_url)
    db.upgrade(database_url)  # at head already: nothing to do, no error
    tables, revision, _ = _inspect(database_url)
    assert TABLES <= tables
    assert revision == HEAD


def test_migrations_create_exactly_what_the_models_describe(database_url):
    db.upgrade(database_url)
    _, _, diff = _inspect(database_url)
    assert diff == []


def test_upgrade_creates_the_sqlite_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'dossier.db'}"
    db.upgrade(url)
    assert (tmp_path / "new" / "folder" / "dossier.db").exists()


def _add_an_and_jan(conn) -> None:
    """Counsellor 1 and client 1 ('chat-1'), in SQL that every revision since 0001 takes."""
    from sqlalchemy import text

    conn.execute(text(
        "INSERT INTO counsellors (id, email, name, password_hash, created_at) "
        "VALUES (1, 'an@example.org', 'An', 'x', CURRENT_TIMESTAMP)"
    ))
    conn.execute(text(
        "INSERT INTO clients (id, counsellor_id, name, chat_id, invite_token, created_at) "
        "VALUES (1, 1, 'Jan', 'chat-1', 'invite-1', CURRENT_TIMESTAMP)"
    ))


def test_0002_keeps_the_clients_of_0001_on_upgrade_and_downgrade(database_url):
    from sqlalchemy import text

    db.upgrade(database_url, "0001")
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            _add_an_and_jan(conn)
        db.upgrade(database_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT name, last_topic, retention_days, formal_address FROM clients")).one()
        assert tuple(row) == ("Jan", None, None, False)

        db.downgrade(database_url, "0001")
        tables, revision, _ = _inspect(database_url)
        assert revision == "0001"
        assert "contacts" not in tables and "clients" in tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT chat_id FROM clients")).scalar_one() == "chat-1"
    finally:
        engine.dispose()


def test_0006_gives_open_homework_of_older_backends_its_reminder(database_url):
    """Before 0006 the scheduler made reminder rows at its next tick; an upgrade loses none."""
    from sqlalchemy import text

    db.upgrade(database_url, "0005")
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            _add_an_and_jan(conn)
            for action_id, reminder_at, status in [(1, "2026-06-10 08:00:00", "open"), (2, None, "open"),
                                                   (3, "2026-06-10 08:00:00", "done")]:
                conn.execute(text(
                    "INSERT INTO actions (id, client_id, text, due_date, reminder_at, status, created_by, "
                    "is_homework, created_at, updated_at) VALUES (:id, 1, 'Mail Karel', '2026-06-20', :at, "
                    ":status, 'counsellor', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ), {"id": action_id, "at": reminder_at, "status": status})
        db.upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action_id, status, attempts FROM reminders")).all()
        assert [tuple(row) for row in rows] == [(1, "pending", 0)]
    finally:
        engine.dispose()


def test_0008_adds_retired_chat_ids_and_keeps_the_clients(database_url):
    from sqlalchemy import text

    db.upgrade(database_url, "0007")
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            _add_an_and_jan(conn)
        db.upgrade(database_url)
        tables, _, _ = _inspect(database_url)
        assert "retired_chat_ids" in tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name, consent_withdrawn_at FROM clients")).one() == ("Jan", None)
        db.downgrade(database_url, "0007")
        tables, revision, _ = _inspect(database_url)
        assert revision == "0007" and "retired_chat_ids" not in tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT chat_id FROM clients")).scalar_one() == "chat-1"
    finally:
        engine.dispose()
