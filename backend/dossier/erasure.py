"""Erasure of a client's data at their request (GDPR art. 17): the dossier and the conversation.

The dossier rows go at once. Rasa's tracker events for the chat are deleted at once as well,
and again a few times afterwards: Rasa saves the turn in which the client asked for erasure
after our answer, and would otherwise write that conversation back. The erasure is recorded in
the audit log (ids only), so that a backend restart repeats the follow-up deletions.

The daily retention purge (backend.jobs.retention) erases with the same functions.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import List, Optional

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db
from backend.dossier.accounts import client_by_chat_id
from backend.rasa.eraser import ERASER, TrackerEraser
from backend.rasa.tracker_store import TRACKER_STORE
from backend.tables import AuditEntry, Base, Client, utcnow

logger = logging.getLogger(__name__)

ERASED_NAME = "(gegevens gewist)"
AUDIT_ACTION = "erase_client_data"
# The erasure turn is saved by Rasa after our answer; these passes remove what it writes back.
FOLLOW_UP_SECONDS = (2.0, 10.0, 60.0)
# Events up to this long after the erasure belong to the erased conversation.
GRACE = timedelta(minutes=2)
KEEP_TABLES = {"clients", "audit_entries"}



async def erase_client(s: AsyncSession, chat_id: str, action: str = AUDIT_ACTION) -> Client:
    """Deletes every dossier row of the client and blanks what the client row says about them;
    `action` names the reason in the audit log (the client's request, or the retention purge)."""
    client = await client_by_chat_id(s, chat_id)
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEEP_TABLES and "client_id" in table.c:
            await s.execute(delete(table).where(table.c.client_id == client.id))
    client.name = ERASED_NAME
    client.consent_given = None
    client.consent_at = None
    client.consent_version = None
    client.formal_address = False
    client.last_activity_at = None
    if hasattr(client, "last_topic"):
        client.last_topic = None
    s.add(AuditEntry(client_id=client.id, counsellor_id=None, action=action, at=utcnow()))
    await s.commit()
    return client


PENDING = web.AppKey("erasure_tasks", set)


async def _erase_in_thread(app: web.Application, chat_id: str, until: Optional[datetime]) -> int:
    return await asyncio.get_running_loop().run_in_executor(None, app[ERASER].erase, chat_id, until)


async def _follow_up(app: web.Application, chat_id: str, erased_at: datetime) -> None:
    waited = 0.0
    for delay in FOLLOW_UP_SECONDS:
        await asyncio.sleep(delay - waited)
        waited = delay
        await _erase_in_thread(app, chat_id, erased_at + GRACE)


def _schedule(app: web.Application, chat_id: str, erased_at: datetime) -> None:
    task = asyncio.get_running_loop().create_task(_follow_up(app, chat_id, erased_at))
    app[PENDING].add(task)
    task.add_done_callback(app[PENDING].discard)


async def delete_chat_data(request: web.Request) -> web.Response:
    """DELETE /api/v1/chats/{chat_id}/data: the client asked the bot to erase everything."""
    chat_id = request.match_info["chat_id"]
    async with db.session(request.app) as s:
        await erase_client(s, chat_id)
    erased_at = utcnow()
    removed = await _erase_in_thread(request.app, chat_id, None)
    _schedule(request.app, chat_id, erased_at)
    logger.info("Client data erased on request (%d tracker events)", removed)
    return web.Response(status=204)


async def _recent_erasures(app: web.Application) -> List[tuple]:
    since = utcnow() - timedelta(days=1)
    async with db.session(app) as s:
        rows = await s.execute(
            select(Client.chat_id, AuditEntry.at)
            .join(Client, Client.id == AuditEntry.client_id)
            .where(AuditEntry.action == AUDIT_ACTION, AuditEntry.at >= since)
        )
        return list(rows.all())


async def eraser_ctx(app: web.Application):
    """Needs the tracker store: append after tracker_store_ctx."""
    app[ERASER] = TrackerEraser(app[TRACKER_STORE])
    app[PENDING] = set()
    # After a restart: repeat the follow-up deletions of the last day's erasures.
    try:
        for chat_id, erased_at in await _recent_erasures(app):
            await _erase_in_thread(app, chat_id, erased_at + GRACE)
    except SQLAlchemyError:
        logger.exception("Could not repeat recent erasures")
    yield
    for task in list(app[PENDING]):
        task.cancel()
    await asyncio.gather(*app[PENDING], return_exceptions=True)
