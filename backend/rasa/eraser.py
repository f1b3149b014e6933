"""Deleting a chat's events from Rasa's tracker store (Rasa has no API for it), and when the
client last wrote in it; for erasure on request and the retention purge. Also which senders
have events in a period, so that the purge can delete the events of senders that belong to no
client."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence

from aiohttp import web
from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from backend.rasa.tracker_events import REMINDER_INTENT
from backend.rasa.tracker_store import EVENTS, TrackerStore

logger = logging.getLogger(__name__)

# Sender ids per statement: well under SQLite's limit of bound parameters.
BATCH = 500


class TrackerEraser:
    """Deletes a chat's events from Rasa's SQL tracker store (Rasa has no API for it)."""

    def __init__(self, store: TrackerStore) -> None:
        self.store = store

    def erase(self, chat_id: str, until: Optional[datetime] = None, *, strict: bool = False) -> int:
        """Deletes the chat's events (up to `until`); returns how many. A failure is logged and
        counts as 0, or, with `strict`, raises SQLAlchemyError."""
        try:
            with self.store.connection(write=True) as conn:
                if conn is None:
                    return 0
                query = delete(EVENTS).where(EVENTS.c.sender_id == chat_id)
                if until is not None:
                    query = query.where(EVENTS.c.timestamp <= until.timestamp())
                return conn.execute(query).rowcount or 0
        except SQLAlchemyError:
            if strict:
                raise
            logger.exception("Tracker events could not be erased")
            return 0

    def last_client_message_at(self, chat_id: str) -> Optional[datetime]:
        """When the client last typed or clicked something in the chat (a reminder Rasa opened
        the conversation with does not count); None when never. Raises SQLAlchemyError."""
        with self.store.connection() as conn:
            if conn is None:
                return None
            latest = conn.execute(
                select(func.max(EVENTS.c.timestamp)).where(
                    EVENTS.c.sender_id == chat_id,
                    EVENTS.c.type_name == "user",
                    or_(EVENTS.c.intent_name.is_(None), EVENTS.c.intent_name != REMINDER_INTENT),
                )
            ).scalar()
        return datetime.fromtimestamp(latest, tz=timezone.utc) if latest is not None else None

    def quiet_senders(self, sender_ids: Sequence[str], quiet_since: datetime) -> Dict[str, Optional[datetime]]:
        """Of these senders, those with events whose newest event was written before
        `quiet_since`, each with the client's last own message (as last_client_message_at;
        None when none); {} before Rasa made its store. Raises SQLAlchemyError."""
        own_message = and_(
            EVENTS.c.type_name == "user",
            or_(EVENTS.c.intent_name.is_(None), EVENTS.c.intent_name != REMINDER_INTENT),
        )
        found: Dict[str, Optional[datetime]] = {}
        with self.store.connection() as conn:
            if conn is None:
                return found
            for start in range(0, len(sender_ids), BATCH):
                query = (
                    select(EVENTS.c.sender_id, func.max(case((own_message, EVENTS.c.timestamp))))
                    .where(EVENTS.c.sender_id.in_(sender_ids[start:start + BATCH]))
                    .group_by(EVENTS.c.sender_id)
                    .having(func.max(EVENTS.c.timestamp) < quiet_since.timestamp())
                )
                for sender, last in conn.execute(query):
                    found[sender] = datetime.fromtimestamp(last, tz=timezone.utc) if last is not None else None
        return found

    def senders(self, start: Optional[datetime], end: datetime) -> List[str]:
        """The sender ids with events written from `start` (None: ever) to `end`; [] before Rasa
        made its store. Raises SQLAlchemyError."""
        with self.store.connection() as conn:
            if conn is None:
                return []
            query = select(EVENTS.c.sender_id).distinct().where(EVENTS.c.timestamp <= end.timestamp())
            if start is not None:
                query = query.where(EVENTS.c.timestamp >= start.timestamp())
            return list(conn.execute(query).scalars())

    def erase_senders(self, sender_ids: Sequence[str], until: datetime, *, count_only: bool = False) -> int:
        """Deletes the events of these senders written up to `until` (or, with `count_only`,
        counts them); how many. Raises SQLAlchemyError."""
        done = 0
        with self.store.connection(write=not count_only) as conn:
            if conn is None:
                return 0
            for start in range(0, len(sender_ids), BATCH):
                where = (EVENTS.c.sender_id.in_(sender_ids[start:start + BATCH]), EVENTS.c.timestamp <= until.timestamp())
                if count_only:
                    done += conn.execute(select(func.count()).select_from(EVENTS).where(*where)).scalar() or 0
                else:
                    done += conn.execute(delete(EVENTS).where(*where)).rowcount or 0
        return done


ERASER = web.AppKey("tracker_eraser", TrackerEraser)
