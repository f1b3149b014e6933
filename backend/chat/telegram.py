"""The JSON API that Rasa's Telegram channel (bot/channels/telegram.py) uses to link a Telegram
chat to a client and to translate between Telegram chat ids and our chat ids.
Under /api/v1, so the service token is required (backend.dossier.api)."""
from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from backend import db
from backend.chat import access
from backend.dossier import accounts
from backend.errors import InvalidInput
from backend.web.json_api import json_error, read_json
from backend.web.ratelimit import LoginLimiter

_TELEGRAM_ID = re.compile(r"^-?\d{1,20}$")
LINK_LIMITER = web.AppKey("telegram_link_limiter", LoginLimiter)

CODE_ERRORS = {
    "unknown": (404, "code_unknown", "no such code"),
    "used": (409, "code_used", "this code was used already"),
    "expired": (410, "code_expired", "this code has expired"),
}


def telegram_id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not _TELEGRAM_ID.match(str(value)):
        raise InvalidInput("'telegram_chat_id' must be a Telegram chat id (a whole number)")
    return str(value)


async def post_link(request: web.Request) -> web.Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    telegram_chat_id = telegram_id(body.get("telegram_chat_id"))
    limiter = request.app[LINK_LIMITER]
    if limiter.blocked(telegram_chat_id):
        return json_error(429, "too_many_attempts", "too many wrong codes from this Telegram chat; wait 15 minutes")
    async with db.session(request.app) as s:
        try:
            client = await access.link_telegram(s, body.get("code"), telegram_chat_id)
        except access.CodeInvalid as exc:
            limiter.failed(telegram_chat_id)
            return json_error(*CODE_ERRORS[exc.reason])
        limiter.succeeded(telegram_chat_id)
        return web.json_response({"chat_id": client.chat_id, "formal": client.formal_address}, status=201)


async def get_chat_of_telegram(request: web.Request) -> web.Response:
    telegram_chat_id = telegram_id(request.match_info["telegram_chat_id"])
    async with db.session(request.app) as s:
        client = await access.client_for_telegram(s, telegram_chat_id)
    if client is None:
        return json_error(404, "not_linked", "this Telegram chat is not linked to a client")
    return web.json_response({"chat_id": client.chat_id})


async def get_telegram_of_chat(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        client = await accounts.client_by_chat_id(s, request.match_info["chat_id"])
        link = await access.telegram_of(s, client.id)
    if link is None:
        return json_error(404, "not_linked", "this client has no Telegram chat linked")
    return web.json_response({"telegram_chat_id": link.telegram_chat_id})
