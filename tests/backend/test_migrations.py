"""Alembic: upgrade, downgrade to base, upgrade again; and the migrations match the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from backend import db
from backend.config import sync_url
from backend.models import metadata

TABLES = {"counsellors", "clients", "insights"}


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
    assert revision == "0001"

    db.downgrade(database_url, "base")
    tables, revision, _ = _inspect(database_url)
    assert not TABLES & tables
    assert revision is None

    db.upgrade(database_url)
    db.upgrade(database_url)  # at head already: nothing to do, no error
    tables, revision, _ = _inspect(database_url)
    assert TABLES <= tables
    assert revision == "0001"


def test_migrations_create_exactly_what_the_models_describe(database_url):
    db.upgrade(database_url)
    _, _, diff = _inspect(database_url)
    assert diff == []


def test_upgrade_creates_the_sqlite_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'dossier.db'}"
    db.upgrade(url)
    assert (tmp_path / "new" / "folder" / "dossier.db").exists()
