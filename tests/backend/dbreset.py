"""The shared test database (TEST_DATABASE_URL): one per pytest-xdist worker, emptied before a
test. A database at the newest migration is emptied in one transaction (DELETE, ids restarting at
1), and the app's start then finds nothing to migrate; anything else loses the backend's tables
and the app migrates it again. On PostgreSQL, migrating before every test cost about half a
second per test (each DROP and CREATE a transaction of its own), TRUNCATE a third of one."""
from __future__ import annotations

import functools
import os
from typing import Optional

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from backend.config import sync_url
from backend.db import alembic_config
from backend.tables import metadata


@functools.lru_cache(maxsize=None)
def _prepared_database(url: str, worker: Optional[str]) -> str:
    """The worker's database, created when missing, without waiting for the disk at commit
    (`synchronous_commit = off`: a test database loses nothing it needs in a crash)."""
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}" if worker else parsed.database
    engine = create_engine(sync_url(url), future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def worker_database_url() -> Optional[str]:
    """TEST_DATABASE_URL, or None. Under pytest-xdist each worker gets a database of its own on
    the same PostgreSQL server (`test_gw0`, `test_gw1`, ...), created when missing, so that
    workers never empty each other's tables."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return url
    return _prepared_database(url, os.environ.get("PYTEST_XDIST_WORKER"))


def drop_backend_tables(database_url: str) -> None:
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # CASCADE: a table from another branch of the schema (left by someone else's
                # test run in the same database) may still hold a foreign key to one of ours.
                for table in reversed(metadata.sorted_tables):
                    conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
            else:
                metadata.drop_all(conn, checkfirst=True)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


@functools.lru_cache(maxsize=None)
def _head_revision(database_url: str) -> Optional[str]:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def _migrated_to_head(conn: Connection, database_url: str) -> bool:
    names = [table.name for table in metadata.sorted_tables]
    present = conn.execute(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(:names)"),
        {"names": names + ["alembic_version"]},
    ).scalar()
    if present != len(names) + 1:
        return False
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head_revision(database_url)


def reset_backend_tables(database_url: str) -> None:
    """Empties the backend's tables on PostgreSQL when the database is at the newest migration
    (ids start at 1 again); anything else is dropped as drop_backend_tables does."""
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql" and _migrated_to_head(conn, database_url):
                for table in reversed(metadata.sorted_tables):
                    conn.execute(table.delete())
                sequences = conn.execute(text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                )).scalars()
                for sequence in sequences:
                    conn.execute(text("SELECT setval(:name, 1, false)"), {"name": f'"{sequence}"'})
                return
    finally:
        engine.dispose()
    drop_backend_tables(database_url)
