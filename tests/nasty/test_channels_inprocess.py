"""The nasty input set at our Rasa channels' own code (REST, socket.io, Telegram), served by
Sanic with a stand-in for Rasa's agent (tests/channels/inprocess.py): fast and without a model.
Every text is answered (beyond the length limit with a Dutch "too long", without reaching the
agent), every malformed body is a 400 and every oversized one a 413, never a 500.
tests/nasty/test_live_channels.py sends the same set through the real Rasa."""
from __future__ import annotations

import asyncio
import io

import aiohttp
import pytest

from bot.channels.limits import MAX_MESSAGE_CHARS, SENDER_MAX, TOO_LONG
from bot.channels.ratelimit import SenderRateLimiter
from bot.channels.rest import RestInput
from bot.channels.socketio import SocketIOInput
from bot.channels.telegram import TelegramInput
from tests.chat_auth import chat_auth, token_for
from tests.channels.fake_telegram import TOKEN, FakeTelegram, UpdateFactory
from tests.channels.inprocess import WAIT_SECONDS, FakeAgent, serve

from .inputs import BODIES, MARKER, TEXTS

pytestmark = pytest.mark.asyncio

SECRET = "test-webhook-secret"
EXPECTED = {"bad": {400}, "too_large": {413}, "bad_or_ok": {200, 400}}
updates = UpdateFactory()
# A fresh connection for each malformed body: aiohttp 3.9's client reuses a connection whose
# request body the server answered before reading it all, and the next request then fails.
CLOSE = {"Connection": "close"}


def no_limit(channel):
    channel.limiter = SenderRateLimiter(0, 60)  # the rate limit is tested in tests/channels
    return channel


@pytest.fixture
async def http():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT_SECONDS)) as session:
        yield session


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


def reaches_rasa(text) -> bool:
    return len(text.text) <= MAX_MESSAGE_CHARS


async def test_rest_every_text_message_sender_and_body(http):
    problems = []
    async with serve(no_limit(RestInput())) as (base, agent):
        url = f"{base}/webhooks/rest/webhook"
        for text in TEXTS:
            handled = len(agent.handled)
            async with http.post(url, json={"sender": "chat-r", "message": text.text}, headers=chat_auth("chat-r")) as response:
                answer = [m["text"] for m in await response.json()] if response.status == 200 else []
            reached = agent.handled[handled:] == [("chat-r", text.text.strip())]  # Rasa strips
            if response.status != 200 or not answer or reached != reaches_rasa(text) or (not reached and answer != [TOO_LONG]):
                problems.append(f"message {text.id}: {response.status} {str(answer)[:100]}")
            # A token for the odd sender itself, as far as a header can carry one.
            auth = chat_auth(text.text) if len(text.text) <= SENDER_MAX else chat_auth("chat-r")
            async with http.post(url, json={"sender": text.text, "message": "hallo"}, headers=auth) as response:
                if response.status not in (200, 400):
                    problems.append(f"sender {text.id}: {response.status}")
        for body in BODIES:
            raw = body.encode({"sender": "chat-r", "message": MARKER})
            async with http.post(url, data=io.BytesIO(raw), headers={**CLOSE, **chat_auth("chat-r"), "Content-Type": body.content_type}) as response:
                if response.status not in EXPECTED[body.expect]:
                    problems.append(f"body {body.id}: {response.status} {(await response.text())[:100]}")
        assert all(len(text) <= MAX_MESSAGE_CHARS for _, text in agent.handled), "nothing too long reached Rasa"
        async with http.post(url, json={"sender": "chat-r", "message": "hallo"}, headers=chat_auth("chat-r")) as response:
            assert response.status == 200 and await response.json() == [{"recipient_id": "chat-r", "text": "Je zei: hallo"}]
    assert not problems, "\n".join(problems)


async def test_web_chat_every_text():
    """The socket.io channel's own message handler, called as python-socketio calls it (the
    transport is Rasa's; a client over long polling does not disconnect cleanly here)."""
    agent = FakeAgent()
    channel = no_limit(SocketIOInput(session_persistence=True))
    channel.blueprint(agent.handle_message)
    emitted = []

    async def emit(event, data=None, room=None, **kwargs):
        emitted.append((event, room, data))

    channel.sio.emit = emit
    handle = channel.sio.handlers["/"]["user_uttered"]
    # The page's connection, with its chat token (bot/channels/socketio.py).
    assert await channel.sio.handlers["/"]["connect"]("sid-1", {}, {"token": token_for("chat-w")})
    problems = []
    for text in TEXTS:
        before = len(emitted)
        await asyncio.wait_for(handle("sid-1", {"message": text.text, "session_id": "chat-w"}), WAIT_SECONDS)
        answers = [data.get("text") for event, room, data in emitted[before:] if event == "bot_uttered" and room == "chat-w"]
        expected = [f"Je zei: {text.text}".strip()] if reaches_rasa(text) else [TOO_LONG]
        if [a.strip() for a in answers] != expected:
            problems.append(f"{text.id}: {str(answers)[:100]}")
    assert all(len(text) <= MAX_MESSAGE_CHARS for _, text in agent.handled)
    # Lone surrogates (a browser's JSON can carry them as escapes) reach the NLU as U+FFFD.
    await asyncio.wait_for(handle("sid-1", {"message": "hallo \ud800 en \udfff", "session_id": "chat-w"}), WAIT_SECONDS)
    assert agent.handled[-1] == ("chat-w", "hallo \ufffd en \ufffd")
    assert not problems, "\n".join(problems)


async def test_telegram_every_text_and_body(http, telegram):
    channel = no_limit(TelegramInput(TOKEN, "LoopbaanTestBot", None, secret=SECRET, api_url=telegram.url))
    channel.links._remember("5001", "chat-t")  # linked already (the backend's answer, cached)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    problems = []
    async with serve(channel) as (base, agent):
        url = f"{base}/webhooks/telegram/webhook"
        for text in TEXTS:
            before = len(telegram.sent(5001))
            async with http.post(url, json=updates.text(5001, text.text), headers=headers) as response:
                status = response.status
            sent = [m["text"] for m in telegram.sent(5001)[before:]]
            if status != 200 or not sent or (text.kind == "too_long" and sent != [TOO_LONG]):
                problems.append(f"text {text.id}: {status} {str(sent)[:100]}")
        for body in BODIES:
            update = updates.text(5001, "x")
            update["message"]["text"] = MARKER
            raw = body.encode(update)
            async with http.post(url, data=io.BytesIO(raw), headers={**headers, **CLOSE, "Content-Type": body.content_type}) as response:
                if response.status not in EXPECTED[body.expect]:
                    problems.append(f"body {body.id}: {response.status} {(await response.text())[:100]}")
        assert all(len(text) <= MAX_MESSAGE_CHARS for _, text in agent.handled)
    assert not problems, "\n".join(problems)
