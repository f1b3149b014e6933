"""Which browser may use a client's chat: the device cookie set when the invite (or a device
link) was opened, and the rule every request of the chat page follows (backend.chat.access
holds the tokens and codes behind it)."""
from __future__ import annotations

from typing import Optional, Tuple

from aiohttp import web

from backend import db
from backend.chat import access
from backend.config import CONFIG
from backend.tables import ChatDevice, Client
from backend.web.json_api import json_error
from backend.web.ratelimit import LoginLimiter
from backend.web.urls import url_for

DEVICE_COOKIE = "chat_device"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 3600
DEVICE_CODE_PARAM = "toestel"
DEVICE_CODE_LIMITER = web.AppKey("device_code_limiter", LoginLimiter)
NO_ACCESS = "Deze browser heeft geen toegang tot deze chat. Open je uitnodigingslink opnieuw."


def set_device_cookie(request: web.Request, response: web.StreamResponse, client: Client, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_MAX_AGE,
        path=url_for(request, "chat", invite_token=client.invite_token),
        httponly=True,
        samesite="Lax",
        secure=request.app[CONFIG].cookie_secure,
    )


async def client_and_device(request: web.Request) -> Tuple[Optional[Client], Optional[ChatDevice]]:
    async with db.session(request.app) as s:
        try:
            client = await access.client_by_invite(s, request.match_info["invite_token"])
        except access.InviteInvalid:
            return None, None
        return client, await access.device_of(s, client, request.cookies.get(DEVICE_COOKIE))


async def client_of_device(request: web.Request) -> Client:
    """For the page's own requests: the client, or a 403 JSON answer."""
    client, device = await client_and_device(request)
    if client is None or device is None:
        raise Denied()
    return client


class Denied(Exception):
    """This browser has no access to the chat (json_endpoint answers 403)."""


def json_endpoint(handler):
    """A JSON endpoint of the chat page: 403 without access, and no referrer."""
    async def wrapper(request: web.Request) -> web.Response:
        try:
            response = await handler(request)
        except Denied:
            response = json_error(403, "no_access", NO_ACCESS)
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper
