"""Rasa's socket.io channel (the web chat page), with our guard (bot.channels.guard: a limit
per sender, and a Dutch apology instead of silence) and with the session room actually joined.

Rasa 3.6 calls `sio.enter_room(...)` without `await` in its session_request handler; since
python-socketio 5.10 that is a coroutine, so with `session_persistence` the browser never joins
the room of its session and never receives an answer (RasaHQ/rasa#13027). This subclass
registers a session_request handler that awaits it, and accepts only a sensible session id.
"""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from bot.channels.guard import guard
from bot.channels.ratelimit import SenderRateLimiter

SESSION_ID_MAX = 128


class SocketIOInput(RasaSocketIOInput):
    # None: the limiter shared by every channel of this process (CHAT_RATE_LIMIT_*).
    limiter: Optional[SenderRateLimiter] = None

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guard(on_new_message, self.limiter))
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not 0 < len(session_id) <= SESSION_ID_MAX:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint
