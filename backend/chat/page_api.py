"""What the open chat page asks of the backend: earlier messages, the client's own data, a chat
token for Rasa, due reminders at a visit, Telegram and device links."""
from __future__ import annotations

import asyncio
import json

from aiohttp import web
from aiohttp_session import get_session

from backend import db
from backend.chat import access
from backend.chat.device import DEVICE_CODE_PARAM, client_of_device, json_endpoint
from backend.chat.settings import CHANNEL_SETTINGS
from backend.config import CONFIG
from backend.dossier.export import ExportIncomplete, dossier_export
from backend.dossier.serializers import iso
from backend.rasa.tracker_events import TRACKER_EVENTS
from backend.rasa.tracker_store import TranscriptUnavailable
from backend.rasa.transcripts import TRANSCRIPTS
from backend.reminders.scheduler import SCHEDULER
from backend.web.csrf import csrf_token
from backend.web.json_api import json_error
from backend.web.urls import url_for
from contract import chat_token


@json_endpoint
async def history(request: web.Request) -> web.Response:
    client = await client_of_device(request)
    reader = request.app[TRACKER_EVENTS]
    try:
        messages = await asyncio.get_running_loop().run_in_executor(None, reader.history, client.chat_id)
    except TranscriptUnavailable:
        return json_error(503, "history_unavailable", "De eerdere berichten kunnen nu niet geladen worden.")
    return web.json_response({"messages": messages})


@json_endpoint
async def download_dossier(request: web.Request) -> web.Response:
    """'Meer' > 'Mijn gegevens downloaden': the same JSON as `clients export` (GDPR art. 15, 20)."""
    client = await client_of_device(request)
    try:
        async with db.session(request.app) as s:
            export = await dossier_export(s, request.app[TRANSCRIPTS], client.id, audit_as="client_export_dossier")
    except ExportIncomplete:
        return json_error(503, "export_unavailable", "Je gegevens kunnen nu niet volledig opgehaald worden. Probeer het later nog eens.")
    response = web.json_response(export, dumps=lambda data: json.dumps(data, ensure_ascii=False, indent=2))
    response.headers["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@json_endpoint
async def session_token(request: web.Request) -> web.Response:
    """For this device's client: a fresh CSRF token (a page that stayed open longer than the
    session lives) and a signed chat token, which Rasa's socket.io channel requires at every
    (re)connection (contract/chat_token.py)."""
    client = await client_of_device(request)
    token = chat_token.issue(client.chat_id, request.app[CONFIG].chat_token_secret or "")
    response = web.json_response({"csrf_token": csrf_token(await get_session(request)), "chat_token": token})
    response.headers["Cache-Control"] = "no-store"
    return response


@json_endpoint
async def visit(request: web.Request) -> web.Response:
    """The page is open and connected: homework that is due shows up in the chat now."""
    client = await client_of_device(request)
    delivered = await request.app[SCHEDULER].deliver_at_visit(client.id)
    return web.json_response({"reminders": delivered})


@json_endpoint
async def telegram_code(request: web.Request) -> web.Response:
    client = await client_of_device(request)
    bot = request.app[CHANNEL_SETTINGS].telegram_bot_username
    if bot is None:
        return json_error(404, "telegram_not_configured", "Chatten via Telegram is hier niet ingesteld.")
    async with db.session(request.app) as s:
        code, expires_at = await access.new_link_code(s, client.id, "telegram")
    return web.json_response(
        {
            "code": code,
            "expires_at": iso(expires_at),
            "command": f"/start {code}",
            "link": f"https://t.me/{bot}?start={code}",
            "bot": bot,
        }
    )


@json_endpoint
async def telegram_unlink(request: web.Request) -> web.Response:
    client = await client_of_device(request)
    async with db.session(request.app) as s:
        await access.unlink_telegram(s, client.id)
    return web.json_response({"linked": False})


@json_endpoint
async def device_code(request: web.Request) -> web.Response:
    client = await client_of_device(request)
    async with db.session(request.app) as s:
        code, expires_at = await access.new_link_code(s, client.id, "device")
    path = url_for(request, "chat", invite_token=client.invite_token)
    url = f"{request.app[CONFIG].public_url}{path}?{DEVICE_CODE_PARAM}={code}"
    return web.json_response({"url": url, "expires_at": iso(expires_at)})
