"""Emptying a shared test database (TEST_DATABASE_URL) before a test."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from backend.config import sync_url
from backend.models import metadata


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
