"""Rasa's SQL tracker store, as the backend reaches it: one synchronous engine (used from worker
threads) on Rasa's `events` table, shared by the transcripts, the reminders' view of the
conversation and the erasure. Rasa owns that database; only erasure writes to it.

A tracker store that Rasa has not made yet (no conversation so far) is empty, not an error.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Optional

from aiohttp import web
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, inspect, select
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from backend.config import CONFIG, ConfigError

logger = logging.getLogger(__name__)

_SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg2", "postgres": "postgresql+psycopg2"}

# The columns of Rasa 3.6's `events` table that the backend uses.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class TranscriptUnavailable(Exception):
    """The tracker store exists but cannot be read (down, wrong credentials, ...)."""


def sync_url(url: str) -> URL:
    """The tracker store's URL with a synchronous driver; ConfigError when it cannot be one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError("TRACKER_STORE_URL is not a valid SQLAlchemy URL") from None
    backend = parsed.get_backend_name()
    if backend not in _SYNC_DRIVERS:
        raise ConfigError(f"TRACKER_STORE_URL: unsupported database {backend!r} (use sqlite or postgresql)")
    return parsed.set(drivername=_SYNC_DRIVERS[backend])


def sqlite_file_missing(url: URL) -> bool:
    """A tracker store on SQLite that Rasa has not made yet: there is nothing in it, and
    connecting would create an empty file where Rasa expects to make its own database."""
    database = url.database
    return url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:" and not Path(database).exists()


class TrackerStore:
    def __init__(self, tracker_store_url: str) -> None:
        self.url = sync_url(tracker_store_url)
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()
        # Once Rasa has made its table it stays; asking again on every read costs time.
        self._table_seen = False

    def _get_engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(self.url, future=True, pool_pre_ping=True)
            return self._engine

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[Optional[Connection]]:
        """A connection (in a transaction when `write`), or None while Rasa has not made its
        database or its `events` table. SQLAlchemy errors reach the caller."""
        if sqlite_file_missing(self.url):
            yield None
            return
        engine = self._get_engine()
        with engine.begin() if write else engine.connect() as conn:
            if not self._table_seen:
                if not inspect(conn).has_table("events"):
                    yield None
                    return
                self._table_seen = True
            yield conn

    def newest_events(self, chat_id: str, *where: Any, limit: Optional[int] = None) -> List[Any]:
        """(type_name, timestamp, data) of a chat's events, newest first, filtered by `where`;
        [] before Rasa made its store; TranscriptUnavailable when it cannot be read."""
        try:
            with self.connection() as conn:
                if conn is None:
                    return []
                query = (
                    select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                    .where(EVENTS.c.sender_id == chat_id, *where)
                    .order_by(EVENTS.c.id.desc())
                )
                return list(conn.execute(query if limit is None else query.limit(limit)).all())
        except SQLAlchemyError as exc:
            logger.warning("tracker store not readable: %s", type(exc).__name__)
            raise TranscriptUnavailable("the tracker store cannot be read") from None

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def __enter__(self) -> "TrackerStore":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()  # for the admin CLI's one-off commands


TRACKER_STORE = web.AppKey("tracker_store", TrackerStore)


async def tracker_store_ctx(app: web.Application):
    """The one engine on Rasa's tracker store; the readers and the eraser are views on it."""
    app[TRACKER_STORE] = TrackerStore(app[CONFIG].tracker_store_url)
    yield
    await asyncio.get_running_loop().run_in_executor(None, app[TRACKER_STORE].close)
