"""The client's chat as conversations, read from Rasa's tracker store (backend.rasa.tracker_store)
in a worker thread: for the dashboard and the export."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from aiohttp import web

from backend.rasa.tracker_store import EVENTS, TRACKER_STORE, TrackerStore


# A new conversation starts with Rasa's session_started event, or after this much silence
# (Rasa's default session expiry), for trackers written without sessions.
CONVERSATION_GAP = timedelta(minutes=60)

_WHO = {"user": "client", "bot": "bot"}

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


def _timestamp(value: Optional[float]) -> Optional[datetime]:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class TranscriptReader:
    """The conversations of a chat, as the dashboard and the export show them."""

    def __init__(self, store: TrackerStore) -> None:
        self.store = store

    def _rows(self, chat_id: str, limit: Optional[int]) -> List[Any]:
        kinds = EVENTS.c.type_name.in_(("user", "bot", "session_started"))
        return list(reversed(self.store.newest_events(chat_id, kinds, limit=limit)))

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


TRANSCRIPTS = web.AppKey("transcripts", TranscriptReader)


async def reader_ctx(app: web.Application):
    app[TRANSCRIPTS] = TranscriptReader(app[TRACKER_STORE])
    yield
