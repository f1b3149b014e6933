"""Rasa tracker store rows for the channel and reminder tests: user messages with their input
channel, the external event of trigger_intent, bot messages with buttons, active loops."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import create_engine

from tests.backend.tracker import events, metadata


def user(at: datetime, text: str, channel: Optional[str] = "socketio", intent: str = "inform") -> Dict[str, Any]:
    data = {"event": "user", "timestamp": at.timestamp(), "text": text, "input_channel": channel,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}}, "metadata": {}}
    return {"type_name": "user", "timestamp": at.timestamp(), "intent_name": intent, "action_name": None, "data": json.dumps(data)}


def reminder_event(at: datetime, channel: Optional[str] = "telegram") -> Dict[str, Any]:
    """What Rasa stores when the backend triggers EXTERNAL_homework_reminder."""
    intent = "EXTERNAL_homework_reminder"
    data = {"event": "user", "timestamp": at.timestamp(), "text": f"EXTERNAL: {intent}", "input_channel": channel,
            "parse_data": {"intent": {"name": intent}}, "metadata": {"is_external": True}}
    return {"type_name": "user", "timestamp": at.timestamp(), "intent_name": intent, "action_name": None, "data": json.dumps(data)}


def bot(at: datetime, text: Optional[str], buttons: Optional[List[Dict[str, str]]] = None) -> Dict[str, Any]:
    data = {"event": "bot", "timestamp": at.timestamp(), "text": text, "data": {"buttons": buttons}, "metadata": {}}
    return {"type_name": "bot", "timestamp": at.timestamp(), "intent_name": None, "action_name": None, "data": json.dumps(data)}


def active_loop(at: datetime, name: Optional[str]) -> Dict[str, Any]:
    data = {"event": "active_loop", "timestamp": at.timestamp(), "name": name}
    return {"type_name": "active_loop", "timestamp": at.timestamp(), "intent_name": None, "action_name": None, "data": json.dumps(data)}


def session_started(at: datetime) -> Dict[str, Any]:
    data = {"event": "session_started", "timestamp": at.timestamp()}
    return {"type_name": "session_started", "timestamp": at.timestamp(), "intent_name": None, "action_name": None, "data": json.dumps(data)}


def write(url: str, sender_id: str, rows: List[Dict[str, Any]]) -> None:
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            conn.execute(events.insert(), [dict(row, sender_id=sender_id) for row in rows])
    finally:
        engine.dispose()
