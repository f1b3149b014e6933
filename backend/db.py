"""Database plumbing: migrations to head, the async engine in the app's cleanup_ctx, sessions."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import AsyncIterator, Optional

from aiohttp import web
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import column, event, select, table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker

from backend.config import CONFIG, async_url, sync_url
from contract.private_files import private_sqlite_file, secure_delete

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

ENGINE = web.AppKey("db_engine", AsyncEngine)
SESSIONMAKER = web.AppKey("db_sessionmaker", sessionmaker)


def _ensure_sqlite_file(database_url: str) -> None:
    """A fresh clone has no var/ (SQLite would fail with 'unable to open database file'); the
    file is made for its owner only (contract/private_files.py)."""
    url = sync_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        private_sqlite_file(url.database)


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: a '%' in a password would break interpolation.
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrates the database to `revision` (synchronous; call it before serving)."""
    _ensure_sqlite_file(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    secure_delete(dbapi_connection)


def create_engine(database_url: str) -> AsyncEngine:
    engine = create_async_engine(async_url(database_url), future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> sessionmaker:
    return sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, future=True)


_alembic_version = table("alembic_version", column("version_num"))


async def current_revision(engine: AsyncEngine) -> Optional[str]:
    # Read directly: MigrationContext would log two INFO lines on every status request.
    async with engine.connect() as conn:
        return await conn.scalar(select(_alembic_version.c.version_num).limit(1))


async def engine_ctx(app: web.Application) -> AsyncIterator[None]:
    """Migrates to head, then holds the engine for the app's lifetime."""
    database_url = app[CONFIG].database_url
    await asyncio.get_running_loop().run_in_executor(None, upgrade, database_url)
    engine = create_engine(database_url)
    app[ENGINE] = engine
    app[SESSIONMAKER] = make_sessionmaker(engine)
    logger.info("database ready (%s)", engine.dialect.name)
    yield
    await engine.dispose()


def session(app: web.Application) -> AsyncSession:
    """A new session; use as `async with db.session(request.app) as s:`."""
    return app[SESSIONMAKER]()
