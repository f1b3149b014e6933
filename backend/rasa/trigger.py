"""Rasa's HTTP API, for the one call the backend makes: open a conversation with a reminder
(POST /conversations/{chat_id}/trigger_intent). The outcome says whether it is safe to try
again."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Optional
from urllib.parse import quote

import aiohttp

from backend.rasa.tracker_events import REMINDER_INTENT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Homework:
    """What the bot is told about the homework it reminds the client of."""

    action_id: int
    text: str
    due_date: Optional[date]

    def entities(self) -> Dict[str, Any]:
        due = self.due_date.isoformat() if self.due_date else None
        return {"homework": self.text, "homework_action_id": self.action_id, "homework_due_date": due}

# Rasa ran it; nothing reached Rasa; Rasa ran nothing (no model yet, no such intent); unknown.
DELIVERED, UNREACHABLE, REFUSED, UNCERTAIN = "delivered", "unreachable", "refused", "uncertain"


class RasaTrigger:
    """Asks Rasa to run the reminder intent in a client's conversation."""

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: Optional[str] = None) -> None:
        self.http = http
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token

    async def __call__(self, chat_id: str, channel: str, homework: Homework) -> str:
        """The homework goes along as entities (id, text, due date): the bot needs no look-up."""
        url = f"{self.rasa_url}/conversations/{quote(chat_id, safe='')}/trigger_intent"
        params = {"output_channel": channel, "include_events": "NONE"}
        if self.token:
            params["token"] = self.token
        body = {"name": REMINDER_INTENT, "entities": homework.entities()}
        try:
            async with self.http.post(url, params=params, json=body) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientConnectorError:
            return UNREACHABLE  # nothing reached Rasa: safe to try again
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("reminder trigger for a chat ended without an answer: %s", type(exc).__name__)
            return UNCERTAIN
        if status == 200:
            return DELIVERED
        if status in (404, 400, 401, 403, 409):
            # No model loaded yet, or a model without the reminder intent: Rasa ran nothing.
            logger.warning("Rasa refused the reminder trigger with HTTP %s", status)
            return REFUSED
        logger.warning("Rasa answered the reminder trigger with HTTP %s", status)
        return UNCERTAIN
