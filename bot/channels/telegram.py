"""Rasa's Telegram channel, made fit for this product.

Registered in credentials.yml as `bot.channels.telegram.TelegramInput`. Settings come from the
environment (credentials.yml stays the same for every run; Rasa would refuse an unset ${VAR}):
TELEGRAM_ACCESS_TOKEN (from BotFather; without it the channel is off), TELEGRAM_VERIFY (the bot's
username), TELEGRAM_WEBHOOK_URL (the public https address of /webhooks/telegram/webhook),
TELEGRAM_WEBHOOK_SECRET (optional; by default derived from the token), TELEGRAM_API_URL
(default https://api.telegram.org; the tests point it at a local fake), BACKEND_URL and
SERVICE_TOKEN (as for the action server).

What it changes, compared with rasa.core.channels.telegram:
- The conversation's sender id is the client's chat id, not the Telegram chat id: the same
  dossier and tracker as the web chat. `/start CODE` links a Telegram chat to a client, with a
  one-time code from the client's chat page; an unlinked chat gets a Dutch explanation and
  never reaches Rasa. Outgoing messages are translated back to the Telegram chat id.
- Updates are checked (Telegram's secret-token header, then their shape): a malformed update
  gets a 400, an update from someone else a 403, never a crash. Redelivered updates (same
  update_id) are handled once.
- The webhook is set once at start-up (the stock channel sets it whenever an output channel is
  made, with asyncio.run inside the running loop, which fails for trigger_intent).
- Typed text that starts with "/" is not taken as an intent: only buttons send intents.
- Our guard (bot.channels.guard), as in the other channels: a limit per client, and a Dutch
  apology instead of silence when a part of ours is down.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import quote

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import guard
from bot.channels.limits import body_too_large
from bot.channels.ratelimit import SenderRateLimiter

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CACHE_SECONDS = 30.0
BACKEND_TIMEOUT_SECONDS = 5.0
SEEN_UPDATES_MAX = 2000
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

# Plain Dutch (B1): what a Telegram user reads when Rasa is not involved.
TEXTS = {
    "linked": (
        "Gelukt: deze Telegram-chat is nu gekoppeld aan je loopbaanchat.\n\n"
        "Let op: gesprekken in Telegram zijn niet end-to-end versleuteld. Telegram kan ze lezen. "
        "Wil je dat liever niet, chat dan verder in de webchat via je uitnodigingslink.\n\n"
        "Stuur 'hallo' om te beginnen."
    ),
    "code_unknown": "Die code ken ik niet. Kijk of je hem juist overtypte, of maak een nieuwe code in je webchat.",
    "code_used": "Die code is al gebruikt. Maak een nieuwe code in je webchat.",
    "code_expired": "Die code is verlopen: een code werkt 30 minuten. Maak een nieuwe code in je webchat.",
    "too_many_attempts": "Je probeerde te veel foute codes. Wacht een kwartier en probeer het dan opnieuw.",
    "no_code": (
        "Hallo! Ik ben de loopbaanchatbot, een computerprogramma. Om hier te chatten heb je een code "
        "nodig. Open je uitnodigingslink, kies 'Liever chatten via Telegram?' en stuur me dan "
        "/start met je code erachter."
    ),
    "not_linked": (
        "Deze Telegram-chat is nog niet gekoppeld aan een loopbaanchat. Open je uitnodigingslink, "
        "maak daar een Telegram-code en stuur me dan: /start en je code."
    ),
    "group": "Ik werk alleen in een privégesprek. Stuur me rechtstreeks een bericht.",
    "text_only": "Ik kan alleen tekst lezen. Typ je antwoord gerust.",
    "try_later": "Er ging iets mis aan onze kant. Probeer het over enkele minuten opnieuw.",
}


class Malformed(ValueError):
    """Not a Telegram update we can read."""


@dataclass(frozen=True)
class Incoming:
    update_id: int
    telegram_chat_id: str
    private: bool
    text: Optional[str]  # None: a message without text (photo, sticker, ...)
    button: bool
    callback_id: Optional[str] = None


def _dict(value: Any, what: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(f"{what} must be an object")
    return value


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"{what} must be a whole number")
    return value


def parse_update(update: Any) -> Optional[Incoming]:
    """The parts of a Telegram update we use; None for kinds we do not handle."""
    update = _dict(update, "the update")
    update_id = _int(update.get("update_id"), "update_id")
    if "callback_query" in update:
        query = _dict(update["callback_query"], "callback_query")
        message = _dict(query.get("message"), "callback_query.message")
        chat = _dict(message.get("chat"), "callback_query.message.chat")
        data = query.get("data")
        if not isinstance(data, str):
            raise Malformed("callback_query.data must be text")
        callback_id = query.get("id") if isinstance(query.get("id"), str) else None
        return Incoming(update_id, str(_int(chat.get("id"), "chat.id")), chat.get("type") == "private", data, True, callback_id)
    for kind in ("message", "edited_message"):
        if kind in update:
            message = _dict(update[kind], kind)
            chat = _dict(message.get("chat"), f"{kind}.chat")
            text = message.get("text")
            if text is not None and not isinstance(text, str):
                raise Malformed(f"{kind}.text must be text")
            return Incoming(update_id, str(_int(chat.get("id"), "chat.id")), chat.get("type") == "private", text, False)
    return None


def start_code(text: str) -> Optional[str]:
    """'/start CODE' -> 'CODE'; '/start' -> ''; anything else -> None."""
    parts = text.strip().split(maxsplit=1)
    if not parts or parts[0].split("@", 1)[0].lower() != "/start":
        return None
    return parts[1].strip() if len(parts) > 1 else ""


def default_secret(access_token: str) -> str:
    return hashlib.sha256(f"telegram-webhook:{access_token}".encode()).hexdigest()


class _Cache:
    def __init__(self, seconds: float = CACHE_SECONDS, max_size: int = 10_000) -> None:
        self.seconds, self.max_size = seconds, max_size
        self._items: Dict[str, tuple] = {}

    def get(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None or item[1] < time.monotonic():
            self._items.pop(key, None)
            return None
        return item[0]

    def put(self, key: str, value: str) -> None:
        if len(self._items) >= self.max_size:
            self._items.clear()
        self._items[key] = (value, time.monotonic() + self.seconds)


class BackendUnavailable(Exception):
    pass


class Links:
    """The backend's answers about who is who (GET/POST under /api/v1, with the service token);
    cached briefly, so a chat does not cost a lookup per message."""

    def __init__(self, backend_url: str, service_token: str) -> None:
        self.backend_url = backend_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {service_token}"}
        self.to_chat = _Cache()
        self.to_telegram = _Cache()
        self._http: Optional[aiohttp.ClientSession] = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=BACKEND_TIMEOUT_SECONDS))
        return self._http

    async def _call(self, method: str, path: str, body: Optional[dict] = None) -> tuple:
        try:
            async with self._session().request(method, self.backend_url + path, json=body, headers=self.headers) as r:
                data = await r.json(content_type=None) if r.content_length != 0 else {}
                return r.status, data if isinstance(data, dict) else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise BackendUnavailable(type(exc).__name__) from None

    async def chat_for(self, telegram_chat_id: str) -> Optional[str]:
        cached = self.to_chat.get(telegram_chat_id)
        if cached is not None:
            return cached
        status, data = await self._call("GET", f"/api/v1/telegram/chats/{quote(telegram_chat_id)}")
        if status == 404:
            return None
        if status != 200 or not isinstance(data.get("chat_id"), str):
            raise BackendUnavailable(f"HTTP {status}")
        self._remember(telegram_chat_id, data["chat_id"])
        return data["chat_id"]

    async def telegram_for(self, chat_id: str) -> Optional[str]:
        cached = self.to_telegram.get(chat_id)
        if cached is not None:
            return cached
        status, data = await self._call("GET", f"/api/v1/chats/{quote(chat_id, safe='')}/telegram")
        if status in (404, 410):  # 410: the chat id was retired (erased, or a new invite link)
            return None
        if status != 200 or not isinstance(data.get("telegram_chat_id"), str):
            raise BackendUnavailable(f"HTTP {status}")
        self._remember(data["telegram_chat_id"], chat_id)
        return data["telegram_chat_id"]

    async def link(self, code: str, telegram_chat_id: str) -> str:
        """The outcome: 'linked' or one of the code errors (keys of TEXTS)."""
        status, data = await self._call("POST", "/api/v1/telegram/links", {"code": code, "telegram_chat_id": telegram_chat_id})
        if status == 201 and isinstance(data.get("chat_id"), str):
            self._remember(telegram_chat_id, data["chat_id"])
            return "linked"
        if data.get("error") in TEXTS:
            return data["error"]
        if status in (400, 404):
            return "code_unknown"
        raise BackendUnavailable(f"HTTP {status}")

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _remember(self, telegram_chat_id: str, chat_id: str) -> None:
        self.to_chat.put(telegram_chat_id, chat_id)
        self.to_telegram.put(chat_id, telegram_chat_id)


class LinkedTelegramOutput(TelegramOutput):
    """Sends to the Telegram chat linked to the conversation's chat id."""

    def __init__(self, access_token: str, api_url: str, links: Links) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))
        self.links = links

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        telegram_chat_id = await self.links.telegram_for(recipient_id)
        if telegram_chat_id is None:
            logger.warning("no Telegram chat linked to this conversation any more; message not sent")
            return
        await super().send_response(telegram_chat_id, message)


class TelegramInput(RasaTelegramInput):
    # None: the limiter shared by every channel of this process (CHAT_RATE_LIMIT_*).
    limiter: Optional[SenderRateLimiter] = None

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        env = os.environ

        def setting(key: str, variable: str) -> Optional[str]:
            return credentials.get(key) or env.get(variable) or None

        return cls(
            access_token=setting("access_token", "TELEGRAM_ACCESS_TOKEN"),
            verify=setting("verify", "TELEGRAM_VERIFY"),
            webhook_url=setting("webhook_url", "TELEGRAM_WEBHOOK_URL"),
            secret=setting("webhook_secret", "TELEGRAM_WEBHOOK_SECRET"),
            api_url=setting("api_url", "TELEGRAM_API_URL") or DEFAULT_API_URL,
            backend_url=env.get("BACKEND_URL", "http://127.0.0.1:8000"),
            service_token=env.get("SERVICE_TOKEN", ""),
        )

    def __init__(
        self,
        access_token: Optional[Text],
        verify: Optional[Text],
        webhook_url: Optional[Text],
        secret: Optional[Text] = None,
        api_url: Text = DEFAULT_API_URL,
        backend_url: Text = "http://127.0.0.1:8000",
        service_token: Text = "",
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret = secret or (default_secret(access_token) if access_token else None)
        self.api_url = api_url
        self.links = Links(backend_url, service_token)
        self._output: Optional[LinkedTelegramOutput] = None
        self._seen: "OrderedDict[int, None]" = OrderedDict()
        if not access_token:
            logger.info("Telegram channel off: TELEGRAM_ACCESS_TOKEN is not set")

    def get_output_channel(self) -> Optional[LinkedTelegramOutput]:  # type: ignore[override]
        if not self.access_token:
            return None
        if self._output is None:
            self._output = LinkedTelegramOutput(self.access_token, self.api_url, self.links)
        return self._output

    async def _say(self, telegram_chat_id: str, key: str) -> None:
        try:
            await self.get_output_channel().send_message(telegram_chat_id, TEXTS[key])
        except Exception as exc:  # the Bot API being down must not turn into a retry storm
            logger.warning("could not send a Telegram notice: %s", type(exc).__name__)

    async def set_webhook(self) -> None:
        output = self.get_output_channel()
        if output is None or not self.webhook_url:
            return
        try:
            await output.request(
                "setWebhook",
                {"url": self.webhook_url, "secret_token": self.secret, "allowed_updates": json.dumps(ALLOWED_UPDATES)},
            )
            logger.info("Telegram webhook set")
        except Exception as exc:
            logger.error("could not set the Telegram webhook (%s); updates will not arrive", exc)

    def _first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        while len(self._seen) > SEEN_UPDATES_MAX:
            self._seen.popitem(last=False)
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # After the link lookup: the limit counts per client (chat id), not per Telegram chat.
        on_new_message = guard(on_new_message, self.limiter)
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            await self.set_webhook()

        @telegram_webhook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            await self.links.close()
            # The HTTP session only (aiogram's Bot.close() is deprecated: it will become the
            # Bot API's "close", which logs the bot out).
            session = getattr(self._output, "_session", None)
            if session is not None and not session.closed:
                await session.close()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.access_token else "off"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.access_token:
                return response.json({"error": "telegram_off", "message": "TELEGRAM_ACCESS_TOKEN is not set"}, status=503)
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), (self.secret or "").encode()):
                return response.json({"error": "forbidden", "message": "wrong or missing secret token"}, status=403)
            too_large = body_too_large(request)
            if too_large is not None:
                return too_large
            try:
                incoming = parse_update(json.loads(request.body or b""))
            except (ValueError, RecursionError) as exc:  # Malformed is a ValueError, as is bad JSON
                return response.json({"error": "malformed_update", "message": str(exc)[:200]}, status=400)
            if incoming is None or not self._first_time(incoming.update_id):
                return response.json({"status": "ignored"})
            try:
                await self._handle(incoming, on_new_message)
            except BackendUnavailable as exc:
                # Telegram delivers the update again later; nothing is lost.
                logger.warning("backend unavailable for a Telegram update: %s", exc)
                self._seen.pop(incoming.update_id, None)
                return response.json({"error": "backend_unavailable"}, status=503)
            return response.json({"status": "ok"})

        return telegram_webhook

    async def _handle(self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        output = self.get_output_channel()
        who = incoming.telegram_chat_id
        if incoming.callback_id:
            try:  # stops the spinner on the button in the Telegram app
                await output.answer_callback_query(incoming.callback_id)
            except Exception as exc:
                logger.debug("answerCallbackQuery failed: %s", exc)
        if not incoming.private:
            return await self._say(who, "group")
        if incoming.text is None or not incoming.text.strip():
            return await self._say(who, "text_only")
        text = incoming.text
        if not incoming.button:
            code = start_code(text)
            if code is not None:
                return await self._say(who, await self.links.link(code, who) if code else "no_code")
            # Only buttons may send an intent ("/affirm"); typed "/help" is the word "help".
            text = text.lstrip("/").strip() or text
        chat_id = await self.links.chat_for(who)
        if chat_id is None:
            return await self._say(who, "not_linked")
        try:
            await on_new_message(UserMessage(text, output, chat_id, input_channel=self.name(), metadata=None))
        except Exception:
            logger.exception("Rasa could not handle a Telegram message")
            await self._say(who, "try_later")
