"""The client's chat, read from Rasa's SQL tracker store (table `events`), never written.

Rasa owns that database; we read it with a small synchronous engine in a worker thread.
A tracker store that does not exist yet (no conversation so far) is an empty transcript.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiohttp import web
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from backend.config import CONFIG, ConfigError

logger = logging.getLogger(__name__)

# A new conversation starts with Rasa's session_started event, or after this much silence
# (Rasa's default session expiry), for trackers written without sessions.
CONVERSATION_GAP = timedelta(minutes=60)

_SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg2", "postgres": "postgresql+psycopg2"}
_WHO = {"user": "client", "bot": "bot"}

_events = Table(
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


@dataclass(frozen=True)
class Message:
    at: datetime
    who: str  # "client" or "bot"
    text: str

    def as_json(self) -> Dict[str, Any]:
        return {"at": self.at.isoformat(), "who": self.who, "text": self.text}


@dataclass(frozen=True)
class Conversation:
    started_at: datetime
    messages: List[Message]


def _sync_tracker_url(url: str):
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError("TRACKER_STORE_URL is not a valid SQLAlchemy URL") from None
    backend = parsed.get_backend_name()
    if backend not in _SYNC_DRIVERS:
        raise ConfigError(f"TRACKER_STORE_URL: unsupported database {backend!r} (use sqlite or postgresql)")
    return parsed.set(drivername=_SYNC_DRIVERS[backend])


def sqlite_file_missing(url) -> bool:
    """A tracker store on SQLite that Rasa has not made yet: there is nothing in it, and
    connecting would create an empty file where Rasa expects to make its own database."""
    database = url.database
    return url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:" and not Path(database).exists()


def _timestamp(value: Optional[float]) -> Optional[datetime]:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class TranscriptReader:
    def __init__(self, tracker_store_url: str) -> None:
        self._url = _sync_tracker_url(tracker_store_url)
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()
        # Once Rasa has made its table it stays; asking again on every page costs time.
        self._table_seen = False

    def _sqlite_file_missing(self) -> bool:
        return sqlite_file_missing(self._url)

    def _get_engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(self._url, future=True, pool_pre_ping=True)
            return self._engine

    def _rows(self, chat_id: str, limit: Optional[int]) -> List[Any]:
        if self._sqlite_file_missing():
            return []
        try:
            with self._get_engine().connect() as conn:
                if not self._table_seen:
                    if not inspect(conn).has_table("events"):
                        return []
                    self._table_seen = True
                query = (
                    select(_events.c.type_name, _events.c.timestamp, _events.c.data)
                    .where(
                        _events.c.sender_id == chat_id,
                        _events.c.type_name.in_(("user", "bot", "session_started")),
                    )
                    .order_by(_events.c.id.desc())
                )
                if limit is not None:
                    query = query.limit(limit)
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            logger.warning("tracker store not readable: %s", type(exc).__name__)
            raise TranscriptUnavailable("the tracker store cannot be read") from None
        rows.reverse()
        return rows

    def read(self, chat_id: str, limit: Optional[int] = None) -> List[Conversation]:
        """The conversations of one chat, oldest first; `limit` keeps the newest events only."""
        conversations: List[Conversation] = []
        current: Optional[List[Message]] = None
        last_at: Optional[datetime] = None
        for type_name, raw_timestamp, raw_data in self._rows(chat_id, limit):
            at = _timestamp(raw_timestamp)
            if at is None:
                continue
            if type_name == "session_started":
                current = None
                last_at = at
                continue
            try:
                data = json.loads(raw_data or "{}")
            except ValueError:
                continue
            text = data.get("text") if isinstance(data, dict) else None
            if not isinstance(text, str) or not text.strip():
                continue  # e.g. a bot message with buttons only
            if current is None or (last_at is not None and at - last_at > CONVERSATION_GAP):
                current = []
                conversations.append(Conversation(started_at=at, messages=current))
            current.append(Message(at=at, who=_WHO[type_name], text=text))
            last_at = at
        return conversations

    async def conversations(self, chat_id: str, limit: Optional[int] = None) -> List[Conversation]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.read, chat_id, limit)

    async def transcript(self, chat_id: str) -> List[Dict[str, Any]]:
        """The flat list of the export: [{"at", "who", "text"}], oldest first."""
        return [
            message.as_json()
            for conversation in await self.conversations(chat_id)
            for message in conversation.messages
        ]

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


TRANSCRIPTS = web.AppKey("transcripts", TranscriptReader)


async def reader_ctx(app: web.Application):
    reader = TranscriptReader(app[CONFIG].tracker_store_url)
    app[TRANSCRIPTS] = reader
    yield
    await asyncio.get_running_loop().run_in_executor(None, reader.close)
