"""The client's own page next to the chat, 'Mijn dossier' (/chat/{invite_token}/mijn-dossier):
everything stored about them, grouped as their counsellor sees it, what is stored and who reads
it; per item a correction or removal (GDPR art. 16 and 17), actions marked done, the choice
whether the counsellor reads the whole conversation, and the erasure of everything.

Access is the chat page's: only the browser the link was bound to (backend.chat.device); any
other request gets the "Deze link werkt niet" page and nothing of the dossier. The changes are
in backend.dossier.client_edits (audited), the erasure is the bot's (backend.dossier.erasure).
"""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from backend import db
from backend.clock import local_today
from backend.chat import own_dossier_forms
from backend.chat.device import DEVICE_COOKIE, client_and_device
from backend.chat.page import message_page
from backend.config import CONFIG
from backend.dashboard import queries
from backend.dashboard.labels import CATEGORY_LABELS, group_insights
from backend.dossier import client_edits
from backend.dossier.erasure import erase_on_request
from backend.errors import ItemNotFound
from backend.jobs.retention import effective_days
from backend.jobs.withdrawal import erase_due_at
from backend.tables import Client
from backend.web.csrf import csrf_token
from backend.web.urls import url_for

# The item kinds as the page's addresses name them (Dutch: the client sees them).
KINDS = {"punt": "insight", "contact": "contact", "actie": "action", "stemming": "mood"}
KIND_PATTERN = "|".join(KINDS)
# The headings of the insights, as the counsellor's page has them; crisis signals are listed
# with the other notices to the counsellor instead.
CLIENT_LABELS = {
    **{category: label for category, label in CATEGORY_LABELS.items() if category != "crisis"},
    "action": "Acties en huiswerk",
    "question_for_counsellor": "Vragen en berichten voor je begeleider",
}
FLAG_TEXTS = {
    "crisis": "Een melding over je veiligheid",
    "stuck": "Je zat vast",
    "no_activity": "Een tijd niets in de chat",
}
FLASH_KEY = "own_dossier_flash"
FLASHES = {
    "corrected": "Je aanpassing is bewaard.",
    "removed": "Het is verwijderd uit je dossier.",
    "done": "Goed gedaan! Deze actie staat nu op gedaan.",
    "shared": "Bewaard. Je begeleider kan ons hele gesprek lezen.",
    "hidden": "Bewaard. Je begeleider leest ons gesprek niet meer, alleen wat je bevestigt.",
}
# Where a removal's message shows: the part of the page the item was in.
REMOVED_FROM = {"contact": "groep-network", "action": "groep-action", "mood": "groep-mood"}

Handler = Callable[[web.Request, Client], Awaitable[web.StreamResponse]]


def own_page(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Only for the browser bound to this link, as the chat; never a referrer (the address
    holds the invite token)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        client, device = await client_and_device(request)
        if client is None or device is None:
            response = message_page(request, "invalid")
        else:
            try:
                response = await handler(request, client)
            except ItemNotFound:
                response = message_page(request, "item")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _item(request: web.Request) -> Tuple[str, int, str]:
    """(kind, id, the item's anchor on the page, e.g. "punt-12")."""
    segment, item_id = request.match_info["kind"], int(request.match_info["item_id"])
    return KINDS[segment], item_id, f"{segment}-{item_id}"


async def _render(
    request: web.Request, client: Client, status: int = 200, error: Optional[Dict[str, Any]] = None
) -> web.Response:
    """The page; after a refused form, with `error` ({"kind", "anchor", "errors", "values"})."""
    session = await get_session(request)
    async with db.session(request.app) as s:
        content = await queries.dossier_content(s, client.id)
        flags, _ = await queries.client_flags(s, client.id)
    config = request.app[CONFIG]
    groups = {group["category"]: group for group in group_insights(content.insights, CLIENT_LABELS)}
    context = {
        "client": client,
        "token": client.invite_token,
        "groups": groups,
        "labels": CLIENT_LABELS,
        "contacts": content.contacts,
        "actions": content.actions,
        "mood": content.mood,
        "flags": flags,
        "flag_texts": FLAG_TEXTS,
        "retention_days": effective_days(client.retention_days, config.retention_days_default),
        "withdrawal_erase_at": erase_due_at(client.consent_withdrawn_at, config.consent_withdrawal_grace_days),
        "chat_url": url_for(request, "chat", invite_token=client.invite_token),
        "today": local_today(),
        "csrf_token": csrf_token(session),
        "flash": _flash(session.pop(FLASH_KEY, None)),
        "error": error,
        "correctable": client_edits.correctable,
        "removable": client_edits.removable,
    }
    return aiohttp_jinja2.render_template("chat_dossier.html", request, context, status=status)


def _flash(stored: Any) -> Optional[Dict[str, str]]:
    if not isinstance(stored, dict) or stored.get("what") not in FLASHES:
        return None
    return {"text": FLASHES[stored["what"]], "place": str(stored.get("place", ""))}


async def _saved(request: web.Request, client: Client, what: str, place: str) -> web.Response:
    """Post/redirect/get, back to the part of the page that changed, with a message there."""
    session = await get_session(request)
    session[FLASH_KEY] = {"what": what, "place": place}
    location = url_for(request, "own_dossier", place, invite_token=client.invite_token)
    return web.Response(status=303, headers={"Location": location})


@own_page
async def dossier_page(request: web.Request, client: Client) -> web.Response:
    return await _render(request, client)


@own_page
async def correct(request: web.Request, client: Client) -> web.Response:
    kind, item_id, anchor = _item(request)
    form = await request.post()
    async with db.session(request.app) as s:
        await client_edits.item_of(s, client.id, kind, item_id, client_edits.correctable)  # or not found
    values, errors, typed = own_dossier_forms.correction(kind, form)
    if values is None:
        return await _render(request, client, 400, {"kind": kind, "anchor": anchor, "errors": errors, "values": typed})
    async with db.session(request.app) as s:
        await client_edits.correct_item(s, client.id, kind, item_id, values)
    return await _saved(request, client, "corrected", anchor)


@own_page
async def remove(request: web.Request, client: Client) -> web.Response:
    kind, item_id, _ = _item(request)
    async with db.session(request.app) as s:
        row = await client_edits.item_of(s, client.id, kind, item_id, client_edits.removable)
        place = REMOVED_FROM.get(kind) or f"groep-{row.category}"
        await client_edits.remove_item(s, client.id, kind, item_id)
    return await _saved(request, client, "removed", place)


@own_page
async def action_done(request: web.Request, client: Client) -> web.Response:
    action_id = int(request.match_info["item_id"])
    async with db.session(request.app) as s:
        await client_edits.mark_action_done(s, client.id, action_id)
    return await _saved(request, client, "done", f"actie-{action_id}")


@own_page
async def transcript_sharing(request: web.Request, client: Client) -> web.Response:
    shared = own_dossier_forms.sharing(await request.post())
    if shared is None:
        return await _render(request, client, 400, {"kind": "sharing", "anchor": "delen", "errors": {"delen": "Kies ja of nee."}})
    async with db.session(request.app) as s:
        await client_edits.set_transcript_sharing(s, client.id, shared)
    return await _saved(request, client, "shared" if shared else "hidden", "delen")


@own_page
async def erase_confirmation(request: web.Request, client: Client) -> web.Response:
    """The step before erasing everything: what goes, and that it cannot be undone."""
    context = {
        "csrf_token": csrf_token(await get_session(request)),
        "action": url_for(request, "own_dossier_erase", invite_token=client.invite_token),
        "back": url_for(request, "own_dossier", invite_token=client.invite_token),
    }
    return aiohttp_jinja2.render_template("chat_dossier_erase.html", request, context)


@own_page
async def erase(request: web.Request, client: Client) -> web.Response:
    """The bot's erasure (dossier, conversation, new chat id and link); this browser's cookie
    for the old link goes too."""
    old_chat = url_for(request, "chat", invite_token=client.invite_token)
    await erase_on_request(request.app, client.chat_id)
    response = message_page(request, "erased")
    response.del_cookie(DEVICE_COOKIE, path=old_chat)
    return response
