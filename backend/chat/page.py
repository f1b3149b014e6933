"""The client's web chat page: /chat/{invite_token}.

The page talks to Rasa's socket.io channel itself (static/chat.js) with the client's chat id as
session id, so a reload, or a visit the next day, continues the same conversation. Rasa does not
replay earlier messages, so the page first fetches them here (from Rasa's tracker store).
Access: see backend.chat.device and backend.chat.access; the page's JSON endpoints are in
backend.chat.page_api.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session
from sqlalchemy import select

from backend import db
from backend.chat import access
from backend.chat.device import DEVICE_CODE_LIMITER, DEVICE_CODE_PARAM, client_and_device, set_device_cookie
from backend.chat.settings import CHANNEL_SETTINGS
from backend.config import CONFIG
from backend.jobs.retention import purge_due_at
from backend.tables import Client, Counsellor
from backend.web.client_ip import client_ip
from backend.web.csrf import csrf_token
from backend.web.urls import url_for

logger = logging.getLogger(__name__)

# Plain Dutch (B1) for everything the client can run into.
PAGES = {
    "invalid": (
        404,
        "Deze link werkt niet",
        "Deze uitnodigingslink bestaat niet, of je begeleider heeft intussen een nieuwe gemaakt. "
        "Vraag je loopbaanbegeleider om een nieuwe link.",
    ),
    "used": (
        403,
        "Deze link is al gebruikt",
        "Deze uitnodigingslink is al geopend in een andere browser. Chat verder op het toestel waar "
        "je de link eerst opende. Wil je ook hier chatten? Maak dan in de chat op dat toestel een "
        "link voor een ander toestel, of vraag je begeleider om een nieuwe uitnodigingslink.",
    ),
    "code": (
        403,
        "Deze toestellink werkt niet",
        "Een link voor een ander toestel werkt maar één keer, en maar 15 minuten lang. Maak een "
        "nieuwe in de chat op je andere toestel, of vraag je begeleider om een nieuwe uitnodigingslink.",
    ),
    "too_many": (
        429,
        "Even wachten",
        "Er werden te veel foute links geprobeerd. Wacht een kwartier en probeer het dan opnieuw.",
    ),
    "item": (404, "Niet gevonden", "Dit staat niet (meer) in je dossier, of je kan het hier niet veranderen."),
    "erased": (
        200,
        "Alles is gewist",
        "Je dossier en al onze gesprekken zijn gewist. Je chatlink werkt nu niet meer. Wil je later "
        "opnieuw beginnen? Vraag je loopbaanbegeleider dan om een nieuwe link.",
    ),
}


def message_page(request: web.Request, kind: str) -> web.Response:
    status, title, text = PAGES[kind]
    response = aiohttp_jinja2.render_template("chat_message.html", request, {"title": title, "text": text}, status=status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _socket_target(rasa_public_url: str) -> Tuple[str, str, str]:
    """(origin for socket.io, its path, the origins the page may connect to)."""
    parts = urlsplit(rasa_public_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    ws_origin = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
    return origin, parts.path.rstrip("/") + "/socket.io", f"{origin} {ws_origin}"


def _content_security_policy(connect: str) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


async def chat_page(request: web.Request) -> web.StreamResponse:
    """The chat for a browser that has access; otherwise the welcome page with one button.

    Opening the link (GET) never uses it up: mail scanners and link previews fetch links too.
    Only the button (POST /open) binds the link to this browser."""
    client, device = await client_and_device(request)
    if client is None:
        return message_page(request, "invalid")
    code = request.query.get(DEVICE_CODE_PARAM)
    if device is not None:
        if code is not None:  # a device link opened in a browser that already has access
            raise web.HTTPSeeOther(url_for(request, "chat", invite_token=client.invite_token))
        return await _render_chat(request, client)
    async with db.session(request.app) as s:
        if code is not None:
            limiter, key = request.app[DEVICE_CODE_LIMITER], (client.id, client_ip(request))
            if limiter.blocked(key):
                return message_page(request, "too_many")
            try:
                await access.check_link_code(s, code, "device", client.id)
            except access.CodeInvalid:
                limiter.failed(key)
                return message_page(request, "code")
        elif await access.invite_claimed(s, client):
            return message_page(request, "used")
    return await _welcome(request, client, code)


async def _welcome(request: web.Request, client: Client, code: Optional[str]) -> web.Response:
    context = {
        "action": url_for(request, "chat_open", invite_token=client.invite_token),
        "csrf_token": csrf_token(await get_session(request)),
        "device_code": code,
    }
    response = aiohttp_jinja2.render_template("chat_welcome.html", request, context)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def open_chat(request: web.Request) -> web.StreamResponse:
    """The welcome page's button: this browser gets access (the invite link, or a device link)."""
    client, device = await client_and_device(request)
    if client is None:
        return message_page(request, "invalid")
    if device is None:
        code = (await request.post()).get(DEVICE_CODE_PARAM)
        if code and request.app[DEVICE_CODE_LIMITER].blocked((client.id, client_ip(request))):
            return message_page(request, "too_many")
        async with db.session(request.app) as s:
            try:
                if code:
                    token = await access.add_device_with_code(s, client, code)
                else:
                    token = await access.claim_invite(s, client)
            except access.CodeInvalid:
                request.app[DEVICE_CODE_LIMITER].failed((client.id, client_ip(request)))
                return message_page(request, "code")
            except access.InviteUsed:
                return message_page(request, "used")
    # Post/redirect/get, and away from any address with a code in it.
    redirect = web.HTTPSeeOther(url_for(request, "chat", invite_token=client.invite_token))
    if device is None:
        set_device_cookie(request, redirect, client, token)
    raise redirect


async def _trajectory_end(s, request: web.Request, client: Client) -> Optional[Dict[str, Any]]:
    """What the notice at the top of the chat says once the counsellor ended the trajectory:
    since when, until when the data is kept (None: no automatic erasure), and whom to ask."""
    if client.trajectory_ended_at is None:
        return None
    return {
        "at": client.trajectory_ended_at,
        "erase_at": purge_due_at(client, request.app[CONFIG].retention_days_default),
        "counsellor": await s.scalar(select(Counsellor.name).where(Counsellor.id == client.counsellor_id)),
    }


async def _render_chat(request: web.Request, client: Client) -> web.Response:
    settings = request.app[CHANNEL_SETTINGS]
    session = await get_session(request)
    origin, path, connect = _socket_target(settings.rasa_public_url)
    async with db.session(request.app) as s:
        telegram = await access.telegram_of(s, client.id)
        trajectory_end = await _trajectory_end(s, request, client)
    context: Dict[str, Any] = {
        "chat_id": client.chat_id,
        "base": url_for(request, "chat", invite_token=client.invite_token),
        "dossier_url": url_for(request, "own_dossier", invite_token=client.invite_token),
        "transcript_shared": client.transcript_shared,
        "socket_origin": origin,
        "socket_path": path,
        "csrf_token": csrf_token(session),
        "telegram_bot": settings.telegram_bot_username,
        "telegram_linked": telegram is not None,
        "trajectory_end": trajectory_end,
    }
    response = aiohttp_jinja2.render_template("chat.html", request, context)
    response.headers["Content-Security-Policy"] = _content_security_policy(connect)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def socket_io_client(request: web.Request) -> web.StreamResponse:
    """The socket.io browser client, from web/node_modules (installed from the lock file)."""
    path = request.app[CHANNEL_SETTINGS].socket_io_client
    if not path.is_file():
        logger.error("socket.io client missing at %s: run `npm ci --prefix web` (tools/setup.sh does)", path)
        raise web.HTTPServiceUnavailable()
    return web.FileResponse(path, headers={"Content-Type": "text/javascript; charset=utf-8"})
