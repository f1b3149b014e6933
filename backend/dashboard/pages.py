"""The counsellor's pages: the client list, one client's dossier, homework, notes, flags and
the POP draft. Every handler is login_required and reaches clients only through
backend.dashboard.queries and .listing, which limit them to the counsellor's own (others are a 404)."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional
from urllib.parse import quote, urlencode

from aiohttp import web
from aiohttp_session import get_session
from sqlalchemy.exc import SQLAlchemyError

from backend import db
from backend.clock import local_today
from backend.config import CONFIG, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from backend.dashboard import charts, forms, invite_link, listing, pop_document, queries
from backend.dashboard.auth import login_required, render
from backend.dashboard.labels import group_insights
from backend.jobs.retention import effective_days, purge_due_at
from backend.jobs.withdrawal import erase_due_at
from backend.rasa.eraser import ERASER
from backend.rasa.tracker_store import TranscriptUnavailable
from backend.rasa.transcripts import TRANSCRIPTS
from backend.tables import Client, utcnow
from backend.web.urls import url_for

logger = logging.getLogger(__name__)

# The newest events of a chat shown on the page; the export has them all.
TRANSCRIPT_EVENTS_MAX = 2000
_FLASH_KEY = "flash"

SAVED = {
    "homework": "Het huiswerk is opgeslagen. De chatbot brengt het ter sprake in het volgende gesprek.",
    "note": "Je notitie is opgeslagen.",
    "flag": "Het signaal staat nu bij de afgehandelde signalen.",
    "retention": "De bewaartermijn is opgeslagen.",
    "client": "Je cliënt is aangemaakt. Geef de link of de uitnodiging hieronder aan je cliënt.",
    "new_link": "De nieuwe link is klaar. De oude link werkt niet meer.",
    "trajectory_ended": "Het traject is afgesloten. De chatbot stuurt geen herinneringen meer.",
    "trajectory_reopened": "Het traject loopt weer. Herinneringen gaan opnieuw uit.",
    "hand_over": "Je cliënt is overgedragen. Je collega ziet de cliënt nu in de eigen lijst.",
}


def _client_id(request: web.Request) -> int:
    return int(request.match_info["client_id"])


def _counsellor_id(request: web.Request) -> int:
    return request["counsellor"].id


@login_required
async def client_list(request: web.Request) -> web.Response:
    search = forms.search_text(request.query.get("q"))
    page = forms.page_number(request.query.get("pagina"))
    show_ended = request.query.get("afgesloten") == "ja"
    async with db.session(request.app) as s:
        result = await listing.client_list(s, _counsellor_id(request), search, page, show_ended=show_ended)
    grace_days = request.app[CONFIG].consent_withdrawal_grace_days
    for row in result.rows:
        row.withdrawal_erase_at = erase_due_at(row.consent_withdrawn_at, grace_days)

    def page_url(number: int) -> str:
        params = {"q": search} if search else {}
        if show_ended:
            params["afgesloten"] = "ja"
        if number > 1:
            params["pagina"] = str(number)
        return "/?" + urlencode(params) if params else "/"

    return await render(
        request,
        "clients.html",
        {
            "result": result,
            "search": search,
            "show_ended": show_ended,
            "flash": SAVED.get((await get_session(request)).pop(_FLASH_KEY, None)),
            "previous_url": page_url(result.page - 1) if result.page > 1 else None,
            "next_url": page_url(result.page + 1) if result.page < result.pages else None,
        },
    )


async def _transcript(request: web.Request, dossier: queries.ClientDossier) -> Dict[str, Any]:
    """The conversations, only with the client's consent (the consent text says who reads it)
    and only when the client shares them (their choice on 'Mijn dossier')."""
    if dossier.client.consent_given is not True:
        return {"state": "no_consent", "conversations": []}
    if not dossier.client.transcript_shared:
        return {"state": "not_shared", "conversations": []}
    try:
        conversations = await request.app[TRANSCRIPTS].conversations(
            dossier.client.chat_id, limit=TRANSCRIPT_EVENTS_MAX
        )
    except TranscriptUnavailable:
        return {"state": "unavailable", "conversations": []}
    # Newest conversation first: that is what the counsellor prepares for.
    return {"state": "ok", "conversations": list(reversed(conversations))}


async def _retention(request: web.Request, client: Client) -> Dict[str, Any]:
    """What the retention part of the page says."""
    default = request.app[CONFIG].retention_days_default
    try:
        last_message_at = await asyncio.get_running_loop().run_in_executor(
            None, request.app[ERASER].last_client_message_at, client.chat_id
        )
    except SQLAlchemyError:
        last_message_at = None  # the dossier's own activity is still a fair estimate
    due_at = purge_due_at(client, default, last_message_at)
    return {
        "default": default,
        "own": client.retention_days,
        "days": effective_days(client.retention_days, default),
        "due_at": due_at,
        "overdue": due_at is not None and due_at <= utcnow(),
        "min": MIN_RETENTION_DAYS,
        "max": MAX_RETENTION_DAYS,
    }


def _withdrawal(request: web.Request, client: Client) -> Optional[Dict[str, Any]]:
    """A withdrawn consent: when, and when its data goes; None otherwise."""
    grace_days = request.app[CONFIG].consent_withdrawal_grace_days
    if client.consent_withdrawn_at is None:
        return None
    return {"at": client.consent_withdrawn_at, "erase_at": erase_due_at(client.consent_withdrawn_at, grace_days)}


def _retention_values(client: Client) -> Dict[str, str]:
    """The retention form, filled in with what applies now."""
    if client.retention_days is None:
        return {"choice": "default", "days": ""}
    if client.retention_days == 0:
        return {"choice": "keep", "days": ""}
    return {"choice": "own", "days": str(client.retention_days)}


async def _client_context(request: web.Request, dossier: queries.ClientDossier) -> Dict[str, Any]:
    groups = group_insights(dossier.insights)
    activity = [i.created_at for i in dossier.insights]
    activity += [a.created_at for a in dossier.actions if a.created_by == "client"]
    activity += [m.at for m in dossier.mood]
    session = await get_session(request)
    return {
        "client": dossier.client,
        "previous_view": dossier.previous_view,
        "groups": groups,
        "contacts": dossier.contacts,
        "network": charts.network_map(dossier.contacts),
        "centre_label": charts.centre_label(dossier.client.name),
        "actions": dossier.actions,
        "open_homework": [a for a in dossier.actions if a.is_homework and a.status != "done"],
        "timeline": charts.timeline(activity, dossier.mood),
        "mood": dossier.mood,
        "open_flags": [f for f in dossier.flags if f.resolved_at is None],
        "crisis_values": dossier.crisis_values,
        "resolved_flags": [f for f in dossier.flags if f.resolved_at is not None],
        "notes": dossier.notes,
        "client_removals": dossier.client_removals,
        "transcript": await _transcript(request, dossier),
        "withdrawal": _withdrawal(request, dossier.client),
        "flash": SAVED.get(session.pop(_FLASH_KEY, None)),
        "homework_form": {"values": {}, "errors": {}},
        "note_form": {"values": {}, "errors": {}},
        "retention": await _retention(request, dossier.client),
        "retention_form": {"values": _retention_values(dossier.client), "errors": {}},
        "today": local_today().isoformat(),
        "invite": await invite_link.invite_of(request, dossier.client),
    }


async def _client_page(request: web.Request, status: int = 200, **forms_state) -> web.Response:
    async with db.session(request.app) as s:
        # Also after a form error: the page is shown (and read) again, and audited as such.
        dossier = await queries.client_dossier(s, _counsellor_id(request), _client_id(request))
    context = await _client_context(request, dossier)
    context.update(forms_state)
    return await render(request, "client.html", context, status=status)


@login_required
async def client_detail(request: web.Request) -> web.Response:
    return await _client_page(request)


async def _saved(request: web.Request, what: str, anchor: str) -> web.Response:
    await show_saved(request, what, anchor, _client_id(request))


async def show_saved(request: web.Request, what: str, anchor: str, client_id: int) -> web.Response:
    """To the client page, which says once that `what` (a key of SAVED) was saved."""
    (await get_session(request))[_FLASH_KEY] = what
    # Post/redirect/get: a reload does not send the form twice.
    raise web.HTTPSeeOther(url_for(request, "client", anchor, client_id=client_id))


async def show_saved_on_list(request: web.Request, what: str) -> web.Response:
    """To the client list, which says once that `what` (a key of SAVED) was done."""
    (await get_session(request))[_FLASH_KEY] = what
    raise web.HTTPSeeOther(url_for(request, "client_list"))


@login_required
async def add_homework(request: web.Request) -> web.Response:
    homework, errors, values = forms.homework(await request.post())
    if homework is None:
        return await _client_page(
            request, status=400, homework_form={"values": values, "errors": errors}
        )
    async with db.session(request.app) as s:
        await queries.assign_homework(
            s, _counsellor_id(request), _client_id(request),
            homework.text, homework.due_date, homework.reminder_at,
        )
    return await _saved(request, "homework", "acties")


@login_required
async def add_note(request: web.Request) -> web.Response:
    text, errors, values = forms.note(await request.post())
    if text is None:
        return await _client_page(request, status=400, note_form={"values": values, "errors": errors})
    async with db.session(request.app) as s:
        await queries.add_note(s, _counsellor_id(request), _client_id(request), text)
    return await _saved(request, "note", "notities")


@login_required
async def set_retention(request: web.Request) -> web.Response:
    choice, errors, values = forms.retention(await request.post())
    if choice is None:
        return await _client_page(request, status=400, retention_form={"values": values, "errors": errors})
    async with db.session(request.app) as s:
        await queries.set_retention(s, _counsellor_id(request), _client_id(request), choice.days)
    return await _saved(request, "retention", "bewaartermijn")


@login_required
async def resolve_flag(request: web.Request) -> web.Response:
    flag_id = int(request.match_info["flag_id"])
    async with db.session(request.app) as s:
        await queries.resolve_flag(s, _counsellor_id(request), _client_id(request), flag_id)
    return await _saved(request, "flag", "signalen")


async def _pop(request: web.Request) -> pop_document.Pop:
    async with db.session(request.app) as s:
        dossier = await queries.pop_material(s, _counsellor_id(request), _client_id(request))
    return pop_document.build(dossier, utcnow())


def _attachment(name: str, extension: str) -> str:
    ascii_name = pop_document.filename(name, extension)
    utf8_name = quote(f"POP-ontwerp {name}.{extension}".replace("/", "-"), safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"


@login_required
async def pop_docx(request: web.Request) -> web.Response:
    draft = await _pop(request)
    body = await asyncio.get_running_loop().run_in_executor(None, pop_document.docx_bytes, draft)
    return web.Response(
        body=body,
        content_type=pop_document.DOCX_TYPE,
        headers={"Content-Disposition": _attachment(draft.client_name, "docx")},
    )


@login_required
async def pop_page(request: web.Request) -> web.Response:
    draft = await _pop(request)
    context = {"pop": draft, "intro": pop_document.INTRO, "client_id": _client_id(request)}
    return await render(request, "pop.html", context)
