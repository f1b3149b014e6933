"""Rasa's REST channel, with our guard (bot.channels.guard): a limit per sender, and a short
Dutch apology instead of silence when a part of ours is down."""
from __future__ import annotations

from typing import Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from bot.channels.guard import APOLOGY, apologise_when_silent, guard  # noqa: F401 (APOLOGY: part of this module's API)
from bot.channels.ratelimit import SenderRateLimiter


class RestInput(RasaRestInput):
    """Same URL as Rasa's REST channel (/webhooks/rest/webhook)."""

    # None: the limiter shared by every channel of this process (CHAT_RATE_LIMIT_*).
    limiter: Optional[SenderRateLimiter] = None

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        return super().blueprint(guard(on_new_message, self.limiter))
