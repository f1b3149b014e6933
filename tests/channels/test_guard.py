"""Our channels' guard, on the real channel code served by Sanic (tests/channels/inprocess.py):
a client who floods the chat gets a short Dutch answer and the message never reaches Rasa;
other clients are not affected; and a turn in which Rasa says nothing gets an apology, on the
web chat (socket.io) as on REST and Telegram."""
from __future__ import annotations

import json

import aiohttp
import pytest

from bot.channels.guard import APOLOGY
from bot.channels.ratelimit import TOO_MANY_MESSAGES, SenderRateLimiter
from bot.channels.rest import RestInput
from bot.channels.socketio import SocketIOInput
from bot.channels.telegram import TelegramInput
from tests.chat_auth import chat_auth

from .fake_telegram import TOKEN, FakeTelegram, UpdateFactory
from .inprocess import FAILING, SILENT, WAIT_SECONDS, WebChat, serve

pytestmark = pytest.mark.asyncio

updates = UpdateFactory()
SECRET = "test-webhook-secret"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def rest_channel(limiter: SenderRateLimiter) -> RestInput:
    channel = RestInput()
    channel.limiter = limiter
    return channel


def socketio_channel(limiter: SenderRateLimiter) -> SocketIOInput:
    channel = SocketIOInput(session_persistence=True)
    channel.limiter = limiter
    return channel


async def rest_say(http: aiohttp.ClientSession, base: str, sender: str, text: str) -> list:
    async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, headers=chat_auth(sender)) as response:
        assert response.status == 200
        return [m["text"] for m in await response.json()]


@pytest.fixture
async def http():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT_SECONDS)) as session:
        yield session


# REST


async def test_rest_message_21_in_a_minute_gets_the_dutch_answer_and_is_not_processed(http):
    clock = Clock()
    async with serve(rest_channel(SenderRateLimiter(20, 60, clock=clock))) as (base, agent):
        for n in range(1, 21):
            clock.now += 2  # 20 messages in 40 seconds
            assert await rest_say(http, base, "chat-a", f"bericht {n}") == [f"Je zei: bericht {n}"]
        clock.now += 2
        assert await rest_say(http, base, "chat-a", "bericht 21") == [TOO_MANY_MESSAGES]
        assert agent.texts_of("chat-a") == [f"bericht {n}" for n in range(1, 21)], "message 21 never reached Rasa"
        # Another client, at the same moment, is not affected.
        assert await rest_say(http, base, "chat-b", "hallo") == ["Je zei: hallo"]
        # After a short wait the oldest message has left the minute: the client can go on.
        clock.now += 20
        assert await rest_say(http, base, "chat-a", "bericht 22") == ["Je zei: bericht 22"]
        assert await rest_say(http, base, "chat-a", "bericht 23") == [TOO_MANY_MESSAGES]


async def test_the_limit_comes_from_the_environment_and_zero_switches_it_off(http):
    limiter = SenderRateLimiter.from_env({"CHAT_RATE_LIMIT_MESSAGES": "3", "CHAT_RATE_LIMIT_SECONDS": "600"})
    async with serve(rest_channel(limiter)) as (base, agent):
        answers = [await rest_say(http, base, "chat-a", f"b{n}") for n in range(1, 5)]
        assert answers[-1] == [TOO_MANY_MESSAGES] and answers[2] == ["Je zei: b3"]
    off = SenderRateLimiter.from_env({"CHAT_RATE_LIMIT_MESSAGES": "0"})
    async with serve(rest_channel(off)) as (base, agent):
        for n in range(1, 41):
            assert await rest_say(http, base, "chat-a", f"b{n}") == [f"Je zei: b{n}"]
    defaults = SenderRateLimiter.from_env({})
    assert (defaults.max_messages, defaults.window) == (20, 60.0)
    for bad in ({"CHAT_RATE_LIMIT_MESSAGES": "veel"}, {"CHAT_RATE_LIMIT_SECONDS": "0"}, {"CHAT_RATE_LIMIT_MESSAGES": "-1"}):
        with pytest.raises(ValueError, match="CHAT_RATE_LIMIT"):
            SenderRateLimiter.from_env(bad)


async def test_rest_apologises_when_rasa_says_nothing(http):
    async with serve(rest_channel(SenderRateLimiter())) as (base, _):
        assert await rest_say(http, base, "chat-a", SILENT) == [APOLOGY]
        assert await rest_say(http, base, "chat-a", "hallo") == ["Je zei: hallo"], "no apology when Rasa answered"


async def test_rest_apologises_when_the_turn_fails_and_keeps_the_message_out_of_the_log(http, caplog):
    async with serve(rest_channel(SenderRateLimiter())) as (base, _):
        assert await rest_say(http, base, "chat-a", FAILING) == [APOLOGY]
        assert await rest_say(http, base, "chat-a", "hallo") == ["Je zei: hallo"]
    assert "a turn failed (RuntimeError)" in caplog.text
    assert "geheime zin" not in caplog.text


# socket.io (the web chat page)


async def test_web_chat_message_21_in_a_minute_gets_the_dutch_answer_and_another_chat_is_unaffected():
    async with serve(socketio_channel(SenderRateLimiter(20, 60))) as (base, agent):
        async with WebChat(base, "chat-a") as flooder, WebChat(base, "chat-b") as other:
            for n in range(1, 21):
                assert await flooder.say(f"bericht {n}") == f"Je zei: bericht {n}"
            assert await flooder.say("bericht 21") == TOO_MANY_MESSAGES
            assert await other.say("hallo") == "Je zei: hallo"
            assert flooder.received.empty() and other.received.empty(), "one answer per message, to its own chat only"
        assert agent.texts_of("chat-a") == [f"bericht {n}" for n in range(1, 21)]
        assert agent.texts_of("chat-b") == ["hallo"]


async def test_web_chat_apologises_when_rasa_says_nothing():
    async with serve(socketio_channel(SenderRateLimiter())) as (base, _):
        async with WebChat(base, "chat-a") as chat:
            assert await chat.say(SILENT) == APOLOGY
            assert await chat.say("hallo") == "Je zei: hallo"
            assert chat.received.empty(), "no apology when Rasa answered"


async def test_web_chat_apologises_when_the_turn_fails():
    async with serve(socketio_channel(SenderRateLimiter())) as (base, _):
        async with WebChat(base, "chat-a") as chat:
            assert await chat.say(FAILING) == APOLOGY
            assert await chat.say("hallo") == "Je zei: hallo"


async def test_one_client_has_one_limit_whatever_the_channel(http):
    shared = SenderRateLimiter(20, 60)
    async with serve(rest_channel(shared), socketio_channel(shared)) as (base, agent):
        for n in range(1, 16):
            assert await rest_say(http, base, "chat-a", f"rest {n}") == [f"Je zei: rest {n}"]
        async with WebChat(base, "chat-a") as chat:
            for n in range(1, 6):
                assert await chat.say(f"web {n}") == f"Je zei: web {n}"
            assert await chat.say("web 6") == TOO_MANY_MESSAGES
        assert await rest_say(http, base, "chat-a", "rest 16") == [TOO_MANY_MESSAGES]
        assert len(agent.texts_of("chat-a")) == 20


# Telegram


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


def telegram_channel(telegram: FakeTelegram, limiter: SenderRateLimiter) -> TelegramInput:
    channel = TelegramInput(TOKEN, "LoopbaanTestBot", None, secret=SECRET, api_url=telegram.url)
    channel.limiter = limiter
    # Linked already (the backend's answer, cached by the channel): Telegram chat 5001 is chat-t.
    channel.links._remember("5001", "chat-t")
    channel.links._remember("5002", "chat-u")
    return channel


async def post_update(http, base: str, update: dict) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with http.post(f"{base}/webhooks/telegram/webhook", data=json.dumps(update), headers=headers) as response:
        assert response.status == 200, await response.text()


async def test_telegram_message_21_in_a_minute_gets_the_dutch_answer(http, telegram):
    async with serve(telegram_channel(telegram, SenderRateLimiter(20, 60))) as (base, agent):
        for n in range(1, 22):
            await post_update(http, base, updates.text(5001, f"bericht {n}"))
        await post_update(http, base, updates.text(5002, "hallo"))
        await post_update(http, base, updates.text(5002, SILENT))
        assert agent.texts_of("chat-t") == [f"bericht {n}" for n in range(1, 21)]
    sent = [m["text"] for m in telegram.sent(5001)]
    assert sent == [f"Je zei: bericht {n}" for n in range(1, 21)] + [TOO_MANY_MESSAGES]
    assert [m["text"] for m in telegram.sent(5002)] == ["Je zei: hallo", APOLOGY]


# Safety before limits: a crisis signal reaches Rasa (and so the referral) past both guards.


async def test_a_crisis_signal_past_the_rate_limit_still_reaches_rasa(http):
    clock = Clock()
    async with serve(rest_channel(SenderRateLimiter(2, 60, clock=clock))) as (base, agent):
        for n in (1, 2):
            await rest_say(http, base, "chat-a", f"bericht {n}")
        assert await rest_say(http, base, "chat-a", "bericht 3") == [TOO_MANY_MESSAGES]
        assert await rest_say(http, base, "chat-a", "ik wil er niet meer zijn") == ["Je zei: ik wil er niet meer zijn"]
        assert agent.texts_of("chat-a")[-1] == "ik wil er niet meer zijn"


async def test_a_crisis_signal_in_a_too_long_message_reaches_rasa_as_its_piece(http):
    from bot.channels.limits import MAX_MESSAGE_CHARS, TOO_LONG

    async with serve(rest_channel(SenderRateLimiter(20, 60))) as (base, agent):
        long_and_quiet = "mijn werkdag was lang. " * 400
        assert await rest_say(http, base, "chat-a", long_and_quiet) == [TOO_LONG]
        [answer] = await rest_say(http, base, "chat-a", long_and_quiet + "ik wil dood")
        assert answer.startswith("Je zei:") and answer.endswith("ik wil dood")
        assert len(agent.texts_of("chat-a")[-1]) <= MAX_MESSAGE_CHARS
