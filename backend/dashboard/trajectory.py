"""The end of a client's trajectory and handing a client to a colleague (issue #17).

Ending sets Client.trajectory_ended_at (the start of the chosen day, local time): the reminder
scheduler holds the client's reminders ("trajectory_ended"), the retention period counts from
that day at the earliest (backend.jobs.retention), the client list hides the client unless asked,
and the chat page tells the client. Reopening clears it. Handing over changes the client's
counsellor: the old one gets a 404 from their next request on, the dossier and the conversation
stay as they are. One installation is one organisation: every active counsellor is a colleague.

Every handler is login_required and looks the client up for the signed-in counsellor only, so
another counsellor's client is a 404 and nothing changes."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timezone
from typing import List

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db
from backend.clock import local_today, local_zone
from backend.dashboard import forms, queries
from backend.dashboard.auth import login_required, render
from backend.dashboard.pages import show_saved, show_saved_on_list
from backend.dossier import accounts
from backend.errors import ClientNotFound, CounsellorNotFound
from backend.tables import AuditEntry, Client, Counsellor

logger = logging.getLogger(__name__)

def start_of_day(day: date) -> datetime:
    """The chosen day at 00:00 in Brussels, in UTC (what trajectory_ended_at holds)."""
    return datetime.combine(day, time(0, 0), tzinfo=local_zone()).astimezone(timezone.utc)


async def active_colleagues(s: AsyncSession, counsellor_id: int) -> List[Counsellor]:
    """Every other counsellor who can still sign in, by name."""
    return list(
        await s.scalars(
            select(Counsellor)
            .where(Counsellor.id != counsellor_id, Counsellor.disabled_at.is_(None))
            .order_by(Counsellor.name, Counsellor.id)
        )
    )


async def end_trajectory(s: AsyncSession, counsellor_id: int, client_id: int, ended_on: date) -> None:
    client = await accounts.client_of_counsellor(s, counsellor_id, client_id)
    client.trajectory_ended_at = start_of_day(ended_on)
    await queries.audit(s, counsellor_id, client.id, "end_trajectory")


async def reopen_trajectory(s: AsyncSession, counsellor_id: int, client_id: int) -> None:
    client = await accounts.client_of_counsellor(s, counsellor_id, client_id)
    client.trajectory_ended_at = None
    await queries.audit(s, counsellor_id, client.id, "reopen_trajectory")


async def hand_over(s: AsyncSession, counsellor_id: int, client_id: int, to_counsellor_id: int) -> None:
    """CounsellorNotFound when the colleague is unknown, disabled or oneself; nothing changes then."""
    client = await accounts.client_of_counsellor(s, counsellor_id, client_id)
    colleague = await s.scalar(
        select(Counsellor.id).where(
            Counsellor.id == to_counsellor_id, Counsellor.id != counsellor_id, Counsellor.disabled_at.is_(None)
        )
    )
    if colleague is None:
        raise CounsellorNotFound("no active colleague with this id")
    # Conditional: a second hand-over of the same client at the same moment changes nothing.
    moved = await s.execute(
        update(Client)
        .where(Client.id == client.id, Client.counsellor_id == counsellor_id)
        .values(counsellor_id=colleague)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        await s.rollback()
        raise ClientNotFound(f"no client with id {client_id} for this counsellor")
    s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="hand_over", to_counsellor_id=colleague))
    await s.commit()


def _counsellor_id(request: web.Request) -> int:
    return request["counsellor"].id


def _client_id(request: web.Request) -> int:
    return int(request.match_info["client_id"])


async def _end_page(request: web.Request, values, errors, status: int = 200) -> web.Response:
    async with db.session(request.app) as s:
        client = await accounts.client_of_counsellor(s, _counsellor_id(request), _client_id(request))
    context = {"client": client, "today": local_today().isoformat(), "form": {"values": values, "errors": errors}}
    return await render(request, "trajectory_end.html", context, status=status)


@login_required
async def end_form(request: web.Request) -> web.Response:
    return await _end_page(request, {"ended_on": local_today().isoformat()}, {})


@login_required
async def end(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        client = await accounts.client_of_counsellor(s, _counsellor_id(request), _client_id(request))
    started = client.created_at.astimezone(local_zone()).date()
    ended_on, errors, values = forms.trajectory_end(await request.post(), started)
    if ended_on is None:
        return await _end_page(request, values, errors, status=400)
    async with db.session(request.app) as s:
        await end_trajectory(s, _counsellor_id(request), client.id, ended_on)
    logger.info("counsellor %s ended the trajectory of client %s", _counsellor_id(request), client.id)
    return await show_saved(request, "trajectory_ended", "traject", client.id)


@login_required
async def reopen(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        await reopen_trajectory(s, _counsellor_id(request), _client_id(request))
    logger.info("counsellor %s reopened the trajectory of client %s", _counsellor_id(request), _client_id(request))
    return await show_saved(request, "trajectory_reopened", "traject", _client_id(request))


async def _hand_over_page(request: web.Request, values, errors, status: int = 200) -> web.Response:
    async with db.session(request.app) as s:
        client = await accounts.client_of_counsellor(s, _counsellor_id(request), _client_id(request))
        colleagues = await active_colleagues(s, _counsellor_id(request))
    context = {"client": client, "colleagues": colleagues, "form": {"values": values, "errors": errors}}
    return await render(request, "hand_over.html", context, status=status)


@login_required
async def hand_over_form(request: web.Request) -> web.Response:
    return await _hand_over_page(request, {"colleague": ""}, {})


@login_required
async def hand_over_client(request: web.Request) -> web.Response:
    me, client_id = _counsellor_id(request), _client_id(request)
    async with db.session(request.app) as s:
        await accounts.client_of_counsellor(s, me, client_id)  # another counsellor's client: 404
        colleague_ids = {c.id for c in await active_colleagues(s, me)}
    to_id, errors, values = forms.colleague_choice(await request.post(), me, colleague_ids)
    if to_id is not None:
        try:
            async with db.session(request.app) as s:
                await hand_over(s, me, client_id, to_id)
        except CounsellorNotFound:  # disabled in the meantime
            to_id = None
            errors = {"colleague": forms.NO_SUCH_COLLEAGUE}
    if to_id is None:
        return await _hand_over_page(request, values, errors, status=400)
    logger.info("counsellor %s handed client %s to counsellor %s", me, client_id, to_id)
    return await show_saved_on_list(request, "hand_over")
