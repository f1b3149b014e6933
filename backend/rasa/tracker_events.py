"""What the channels and the reminders need from Rasa's tracker store (read only): the chat
as the client saw it, the channel the client last used, and whether a reminder got through."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from aiohttp import web
from sqlalchemy import and_

from backend.rasa.tracker_store import EVENTS, TrackerStore


REMINDER_INTENT = "EXTERNAL_homework_reminder"
# Clocks of the backend and Rasa may differ a little; a reminder never follows another
# within a day, so this margin cannot mistake an old one for the new one.
CLOCK_MARGIN = timedelta(seconds=30)
STATE_EVENTS = 300
HISTORY_EVENTS = 600
_TYPES = ("user", "bot", "session_started", "active_loop")


@dataclass(frozen=True)
class ConversationState:
    channel: Optional[str]  # the input channel of the client's last own message
    last_message_at: Optional[datetime]
    in_exercise: bool  # a form (exercise) is active in the current session


def _data(raw: Optional[str]) -> Dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _when(timestamp: Any) -> Optional[datetime]:
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _is_external(data: Dict[str, Any]) -> bool:
    """Rasa's trigger_intent adds a user event that the client never typed."""
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and metadata.get("is_external"):
        return True
    text = data.get("text")
    return isinstance(text, str) and text.startswith("EXTERNAL: ")


def _buttons(data: Dict[str, Any]) -> List[Dict[str, str]]:
    extra = data.get("data") if isinstance(data.get("data"), dict) else {}
    found = []
    for button in extra.get("buttons") or []:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str):
            found.append({"title": button["title"], "payload": button["payload"]})
    return found


class TrackerEvents:
    def __init__(self, store: TrackerStore) -> None:
        self.store = store

    def _select(self, chat_id: str, limit: int, *where) -> List[Any]:
        return self.store.newest_events(chat_id, *where, limit=limit)

    def state(self, chat_id: str) -> ConversationState:
        channel, last_at, loop, loop_known = None, None, None, False
        for type_name, timestamp, raw in self._select(chat_id, STATE_EVENTS, EVENTS.c.type_name.in_(_TYPES)):
            data = _data(raw)
            if type_name == "session_started":
                loop_known = True  # no form survives into a new session
            elif type_name == "active_loop" and not loop_known:
                loop, loop_known = data.get("name"), True
            elif type_name == "user" and channel is None and not _is_external(data):
                channel, last_at = data.get("input_channel") or None, _when(timestamp)
            if channel is not None and loop_known:
                break
        return ConversationState(channel=channel, last_message_at=last_at, in_exercise=bool(loop))

    def reminder_delivered_since(self, chat_id: str, since: datetime) -> bool:
        rows = self._select(
            chat_id,
            1,
            and_(
                EVENTS.c.type_name == "user",
                EVENTS.c.intent_name == REMINDER_INTENT,
                EVENTS.c.timestamp >= (since - CLOCK_MARGIN).timestamp(),
            ),
        )
        return bool(rows)

    def history(self, chat_id: str) -> List[Dict[str, Any]]:
        """The chat as the client saw it, oldest first: [{"who", "text", "at"}]; the buttons of
        the bot's last message when the client has not answered it yet; a click on a button
        shows as the button's title, as it did in the chat."""
        rows = self._select(chat_id, HISTORY_EVENTS, EVENTS.c.type_name.in_(("user", "bot")))
        rows.reverse()
        messages: List[Dict[str, Any]] = []
        offered: List[Dict[str, str]] = []
        for type_name, timestamp, raw in rows:
            data = _data(raw)
            at = _when(timestamp)
            text = data.get("text")
            if type_name == "user":
                if _is_external(data) or not isinstance(text, str) or not text.strip():
                    continue
                title = next((b["title"] for b in offered if b["payload"] == text.strip()), None)
                messages.append({"who": "client", "text": title or text, "at": at.isoformat() if at else None})
                offered = []
            else:
                buttons = _buttons(data)
                if not (isinstance(text, str) and text.strip()) and not buttons:
                    continue
                messages.append({"who": "bot", "text": text or "", "at": at.isoformat() if at else None})
                offered = buttons
        if messages and messages[-1]["who"] == "bot" and offered:
            messages[-1]["buttons"] = offered
        return messages


TRACKER_EVENTS = web.AppKey("tracker_events", TrackerEvents)

