"""The counsellor's own practice, without the admin CLI: a new client (name and je/u), the
printable invitation with the link and its QR code, and a new link after a lost phone (the
same code as `clients invite`). Every handler is login_required; a client id is looked up
for the signed-in counsellor only, so another counsellor's client is a 404."""
from __future__ import annotations

import logging

from aiohttp import web

from backend import db
from backend.chat.access import reissue_invite
from backend.dashboard import forms, invite_link, queries
from backend.dashboard.auth import login_required, render
from backend.dashboard.pages import show_saved
from backend.dossier import accounts
from backend.rasa.rekey import mover
from backend.rasa.tracker_store import TRACKER_STORE
from backend.tables import Client

logger = logging.getLogger(__name__)


def _counsellor_id(request: web.Request) -> int:
    return request["counsellor"].id


async def _own_client(request: web.Request) -> Client:
    async with db.session(request.app) as s:
        return await accounts.client_of_counsellor(
            s, _counsellor_id(request), int(request.match_info["client_id"])
        )


def _new_client_page(request: web.Request, values, errors, status: int = 200) -> web.Response:
    return render(request, "client_new.html", {"form": {"values": values, "errors": errors}}, status=status)


@login_required
async def new_client_form(request: web.Request) -> web.Response:
    return await _new_client_page(request, {"name": "", "address": "je"}, {})


@login_required
async def create_client(request: web.Request) -> web.Response:
    new, errors, values = forms.new_client(await request.post())
    if new is None:
        return await _new_client_page(request, values, errors, status=400)
    async with db.session(request.app) as s:
        client = await accounts.create_client(s, _counsellor_id(request), new.name, formal=new.formal)
        await queries.audit(s, _counsellor_id(request), client.id, "create_client")
    logger.info("counsellor %s created client %s", _counsellor_id(request), client.id)
    return await show_saved(request, "client", "uitnodiging", client.id)


@login_required
async def invitation(request: web.Request) -> web.Response:
    """The one-page invitation to print and hand over: what the chatbot is, what is kept, how
    to start, and where to go in a crisis."""
    client = await _own_client(request)
    async with db.session(request.app) as s:
        await queries.audit(s, _counsellor_id(request), client.id, "print_invitation")
    invite = await invite_link.invite_of(request, client)
    return await render(request, "invitation.html", {"client": client, "invite": invite})


@login_required
async def new_link_confirmation(request: web.Request) -> web.Response:
    client = await _own_client(request)
    return await render(request, "client_new_link.html", {"client": client})


@login_required
async def new_link(request: web.Request) -> web.Response:
    client = await _own_client(request)  # another counsellor's client: 404, nothing changes
    async with db.session(request.app) as s:
        await reissue_invite(s, client.id, mover(request.app[TRACKER_STORE]))
        await queries.audit(s, _counsellor_id(request), client.id, "new_invite")
    logger.info("counsellor %s made a new invite link for client %s", _counsellor_id(request), client.id)
    return await show_saved(request, "new_link", "uitnodiging", client.id)
