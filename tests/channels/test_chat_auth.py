"""Only the holder of a chat token reaches a conversation (bot/channels/chat_auth.py), on the
real channel code served by Sanic (tests/channels/inprocess.py)."""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from bot.channels.chat_auth import UNAUTHORIZED
from bot.channels.rest import RestInput
from bot.channels.socketio import SocketIOInput
from contract import chat_token
from tests.chat_auth import chat_auth, token_for

from .inprocess import WAIT_SECONDS, WebChat, serve

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def http():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT_SECONDS)) as session:
        yield session


def expired_token(chat_id: str) -> str:
    import os

    return chat_token.issue(chat_id, os.environ[chat_token.SECRET_VARIABLE], ttl_seconds=60, now=time.time() - 3600)


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": f"Bearer {chat_token.issue('chat-a', 'another-secret-that-is-at-least-32-bytes')}"},
], ids=["no-token", "garbage", "forged"])
async def test_rest_without_a_valid_token_is_refused_and_never_reaches_rasa(http, headers):
    async with serve(RestInput()) as (base, agent):
        async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": "chat-a", "message": "hallo"}, headers=headers) as response:
            assert response.status == 401
            assert (await response.json())["message"] == UNAUTHORIZED
        assert agent.handled == []


async def test_rest_with_another_chats_or_an_expired_token_is_refused(http):
    async with serve(RestInput()) as (base, agent):
        url = f"{base}/webhooks/rest/webhook"
        for headers in (chat_auth("chat-b"), {"Authorization": f"Bearer {expired_token('chat-a')}"}):
            async with http.post(url, json={"sender": "chat-a", "message": "hallo"}, headers=headers) as response:
                assert response.status == 401
        async with http.post(url, json={"sender": "chat-a", "message": "hallo"}, headers=chat_auth("chat-a")) as response:
            assert response.status == 200
        assert agent.handled == [("chat-a", "hallo")]


async def socketio_connect_reply(http: aiohttp.ClientSession, base: str, auth: dict) -> str:
    """The server's answer to a socket.io CONNECT with `auth`, over Engine.IO long polling: "40..."
    (connected) or "44..." (refused)."""
    url = f"{base}/socket.io/"
    async with http.get(url, params={"EIO": "4", "transport": "polling"}) as opened:
        sid = json.loads((await opened.text()).split("\x1e")[0][1:])["sid"]
    params = {"EIO": "4", "transport": "polling", "sid": sid}
    async with http.post(url, params=params, data=("40" + json.dumps(auth)).encode()) as posted:
        assert posted.status == 200
    async with http.get(url, params=params) as polled:
        reply = next(packet for packet in (await polled.text()).split("\x1e") if packet.startswith("4"))
    async with http.post(url, params=params, data=b"1"):  # close
        pass
    return reply


async def test_the_web_chat_without_a_valid_token_cannot_connect(http):
    async with serve(SocketIOInput(session_persistence=True)) as (base, agent):
        for auth in ({}, {"token": ""}, {"token": "garbage"}, {"token": expired_token("chat-a")}):
            assert (await socketio_connect_reply(http, base, auth)).startswith("44"), auth
        assert (await socketio_connect_reply(http, base, {"token": token_for("chat-a")})).startswith("40")
        assert agent.handled == []


async def test_the_web_chat_speaks_only_as_the_chat_of_its_token_whatever_it_asks_for():
    async with serve(SocketIOInput(session_persistence=True)) as (base, agent):
        async with WebChat(base, "chat-a") as chat:
            await chat.sio.emit("session_request", {"session_id": "chat-b"})
            assert await asyncio.wait_for(chat._confirmed.get(), WAIT_SECONDS) == "chat-a"
            await chat.sio.emit("user_uttered", {"message": "hallo", "session_id": "chat-b"})
            assert (await asyncio.wait_for(chat.received.get(), WAIT_SECONDS)).get("text") == "Je zei: hallo"
        assert agent.handled == [("chat-a", "hallo")]
