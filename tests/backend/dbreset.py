"""The shared test database (TEST_DATABASE_URL): one per pytest-xdist worker, emptied before a
test."""
from __future__ import annotations

import os
from typing import Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.config import sync_url
from backend.tables import metadata


def worker_database_url() -> Optional[str]:
    """TEST_DATABASE_URL, or None. Under pytest-xdist each worker gets a database of its own on
    the same PostgreSQL server (`test_gw0`, `test_gw1`, ...), created when missing, so that
    workers never empty each other's tables."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgresql"):
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = create_engine(sync_url(url), future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


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
