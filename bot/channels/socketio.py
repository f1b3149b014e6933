"""Rasa's socket.io channel (the web chat page), with our guard (bot.channels.guard: a limit
per sender, and a Dutch apology instead of silence), with the client's chat token checked, and
with the session room actually joined.

- A connection needs a chat token (`auth: {token}`) that the backend signed for one chat id
  (bot.channels.chat_auth); that chat id is the connection's session and the sender of every
  message it sends, whatever the page asks for. Without a valid token the connection is refused.
- Rasa 3.6 calls `sio.enter_room(...)` without `await` in its session_request handler; since
  python-socketio 5.10 that is a coroutine, so with `session_persistence` the browser never
  joins the room of its session and never receives an answer (RasaHQ/rasa#13027). The handler
  here awaits it.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from bot.channels.chat_auth import token_secret
from bot.channels.guard import guard
from bot.channels.ratelimit import SenderRateLimiter
from contract import chat_token


class SocketIOInput(RasaSocketIOInput):
    # None: the limiter shared by every channel of this process (CHAT_RATE_LIMIT_*).
    limiter: Optional[SenderRateLimiter] = None
    # None: CHAT_TOKEN_SECRET.
    chat_token_secret: Optional[str] = None

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        secret = token_secret(self.chat_token_secret)
        guarded = guard(on_new_message, self.limiter)
        blueprint = super().blueprint(guarded)
        sio = self.sio
        chat_of: Dict[Text, Text] = {}  # socket id -> the chat id its token was signed for

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            holder = chat_token.subject((auth or {}).get("token") if isinstance(auth, dict) else None, secret)
            if holder is None:
                return False
            chat_of[sid] = holder
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            chat_of.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = chat_of.get(sid)
            if session_id is None:
                await sio.disconnect(sid, namespace=self.namespace)
                return
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            sender_id = chat_of.get(sid)
            if sender_id is None or not isinstance(data, dict):
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(
                data.get("message", ""),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await guarded(message)

        return blueprint
