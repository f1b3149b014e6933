"""Our Rasa channels served for real (Sanic on a free port, in the test's event loop), with a
stand-in for Rasa's agent: the channel code runs as in `rasa run`, without a trained model.

Rasa registers channels with rasa.core.channels.channel.register, which hands every message to
app.ctx.agent.handle_message; FakeAgent answers "Je zei: ..." through the message's output
channel, as Rasa does, or nothing at all for a text in SILENT (as when the action server is down);
for a text in FAILING it raises, as Rasa does when the tracker store cannot be reached.
"""
from __future__ import annotations

import asyncio
import socket
import uuid
from contextlib import asynccontextmanager, closing
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import rasa.core.channels.channel
import socketio
from sanic import Sanic

from bot.nlu import crisis_classifier
from tests.chat_auth import token_for

SILENT = "stil"
FAILING = "kapot: mijn geheime zin"
WAIT_SECONDS = 10
# As sanic-testing does: lets Sanic start several apps in one process (its start-up rewrites
# some of its own methods, which fails the second time unless in test mode).
Sanic.test_mode = True


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeAgent:
    def __init__(self) -> None:
        self.handled: List[Tuple[str, str]] = []

    async def handle_message(self, message) -> None:
        self.handled.append((message.sender_id, message.text))
        if message.text == FAILING:
            raise RuntimeError("the tracker store cannot be reached")
        if message.text != SILENT:
            await message.output_channel.send_response(message.sender_id, {"text": f"Je zei: {message.text}"})

    def texts_of(self, sender_id: str) -> List[str]:
        return [text for sender, text in self.handled if sender == sender_id]


@asynccontextmanager
async def serve(*channels) -> AsyncIterator[Tuple[str, FakeAgent]]:
    """(base URL, agent) while the channels are served; everything is stopped afterwards."""
    # A Rasa server fits the crisis classifier when its NLU loads (bot/nlu/crisis.py); the
    # channels' guards use it too, so it is there before the first message, as in production.
    await asyncio.get_running_loop().run_in_executor(None, crisis_classifier.shared)
    app = Sanic(f"channels_{uuid.uuid4().hex}")
    agent = FakeAgent()
    app.ctx.agent = agent
    rasa.core.channels.channel.register(list(channels), app, "/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    try:
        await server.startup()
        await server.before_start()
        await server.after_start()
        yield f"http://127.0.0.1:{port}", agent
        await server.before_stop()
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), WAIT_SECONDS)
    await server.after_stop()


class WebChat:
    """The chat page's side of Rasa's socket.io channel: a session (the client's chat id) and
    the bot's messages as they arrive. Every wait is bounded."""

    def __init__(self, base_url: str, session_id: str, token: Optional[str] = None) -> None:
        """`token`: the chat token to connect with (default: one signed for `session_id`)."""
        self.base_url = base_url
        self.session_id = session_id
        self.token = token_for(session_id) if token is None else token
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self._confirmed: "asyncio.Queue[str]" = asyncio.Queue()
        self.sio.on("bot_uttered", self.received.put)
        self.sio.on("session_confirm", self._confirmed.put)

    async def __aenter__(self) -> "WebChat":
        # Long polling: the installed aiohttp is older than python-engineio's websocket client needs.
        await self.sio.connect(
            self.base_url, socketio_path="/socket.io", transports=["polling"], wait_timeout=WAIT_SECONDS,
            auth={"token": self.token},
        )
        await self.sio.emit("session_request", {"session_id": self.session_id})
        assert await asyncio.wait_for(self._confirmed.get(), WAIT_SECONDS) == self.session_id
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # Without waiting for the pending long poll (it would end only at the next ping, ~25 s).
        eio = self.sio.eio
        tasks = [task for task in (eio.read_loop_task, eio.write_loop_task) if task is not None]
        await asyncio.wait_for(eio.disconnect(abort=True), WAIT_SECONDS)
        for task in tasks:
            task.cancel()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), WAIT_SECONDS)

    async def say(self, text: str, timeout: float = WAIT_SECONDS) -> str:
        """Sends a message and returns the text of the bot's next message."""
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        return (await asyncio.wait_for(self.received.get(), timeout)).get("text", "")

    async def say_all(self, text: str, timeout: float = 60.0, settle: float = 2.0) -> List[str]:
        """Sends a message and returns the texts of the bot's answers: the first within
        `timeout`, then all that follow until none came for `settle` seconds (the real Rasa
        sends a turn's messages one after another)."""
        texts = [await self.say(text, timeout)]
        while True:
            try:
                texts.append((await asyncio.wait_for(self.received.get(), settle)).get("text", ""))
            except asyncio.TimeoutError:
                return texts
