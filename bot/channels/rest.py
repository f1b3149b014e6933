"""Rasa's REST channel, with our guard (bot.channels.guard): a limit per sender, and a short
Dutch apology instead of silence when a part of ours is down. A message needs
`Authorization: Bearer <chat token>` for its sender (bot.channels.chat_auth); the admin CLI hands
the token out (`python -m backend clients token --client ID`)."""
from __future__ import annotations

from typing import Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.chat_auth import token_secret, unauthorized
from bot.channels.guard import APOLOGY, guard  # noqa: F401 (APOLOGY: part of this module's API)
from bot.channels.limits import rest_body_problem
from bot.channels.ratelimit import SenderRateLimiter
from contract import chat_token


class RestInput(RasaRestInput):
    """Same URL as Rasa's REST channel (/webhooks/rest/webhook)."""

    # None: the limiter shared by every channel of this process (CHAT_RATE_LIMIT_*).
    limiter: Optional[SenderRateLimiter] = None
    # None: CHAT_TOKEN_SECRET.
    chat_token_secret: Optional[str] = None

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        secret = token_secret(self.chat_token_secret)
        blueprint = super().blueprint(guard(on_new_message, self.limiter))

        @blueprint.middleware("request")
        async def refuse_bad_bodies(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            # A 400 or 413 (bot.channels.limits) where Rasa's channel would fail with a 500.
            problem = rest_body_problem(request)
            if problem is not None:
                return problem
            holder = chat_token.subject(chat_token.bearer(request.headers.get("Authorization")), secret)
            return None if holder is not None and holder == request.json.get("sender") else unauthorized()

        return blueprint
