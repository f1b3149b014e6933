"""Erasure of a client's data at their request (GDPR art. 17): the dossier and the conversation.

The dossier rows go at once, and the client gets a new chat id and invite link (the old chat id
is retired, as with `clients invite`): the old link opens nothing, and the API answers 410 for
the old chat id, so that no action server's outbox can deliver a write for it afterwards. The
counsellor keeps the client in their list as "(gegevens gewist)" and can start over with
`clients invite`. Rasa's tracker events for the (old) chat are deleted at once as well, and
again a few times afterwards: Rasa saves the turn in which the client asked for erasure after
our answer, under the old sender id, and would otherwise write that conversation back. The
erasure is in the audit log (ids only); a backend restart repeats the follow-up deletions.

The daily retention purge (backend.jobs.retention) erases with the same functions; after a
withdrawn consent, backend.jobs.withdrawal erases what was given under it
(erase_consented_content).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db
from backend.dossier.accounts import client_by_chat_id, digest, rotate_chat_id
from backend.rasa.eraser import ERASER, TrackerEraser
from backend.rasa.tracker_store import TRACKER_STORE
from backend.tables import (
    Action,
    AuditEntry,
    Base,
    Client,
    Contact,
    Flag,
    Insight,
    MoodEntry,
    Note,
    Reminder,
    RetiredChatId,
    utcnow,
)

logger = logging.getLogger(__name__)

ERASED_NAME = "(gegevens gewist)"
AUDIT_ACTION = "erase_client_data"
WITHDRAWAL_ACTION = "consent_withdrawal_erasure"
RETIRED_BY_ERASURE = "erasure"
# The erasure turn is saved by Rasa after our answer; these passes remove what it writes back.
FOLLOW_UP_SECONDS = (2.0, 10.0, 60.0)
# Events up to this long after the erasure belong to the erased conversation.
GRACE = timedelta(minutes=2)
KEEP_TABLES = {"clients", "audit_entries"}


async def erase_client(s: AsyncSession, chat_id: str, action: str = AUDIT_ACTION) -> Client:
    """Deletes every dossier row of the client (the browsers that opened the chat, the
    Telegram link and the link codes too), blanks what the client row says about them and gives
    them a new chat id and invite link, retiring the old ones; `action` names the reason in the
    audit log (the client's request, or the retention purge). The returned client carries the
    new ids: the old chat id is the caller's `chat_id`."""
    client = await client_by_chat_id(s, chat_id)
    now = utcnow()
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEEP_TABLES and "client_id" in table.c:
            await s.execute(delete(table).where(table.c.client_id == client.id))
    client.name = ERASED_NAME
    client.consent_given = None
    client.consent_at = None
    client.consent_version = None
    client.consent_withdrawn_at = None
    client.formal_address = False
    client.last_activity_at = None
    client.last_topic = None
    client.transcript_shared = True
    client.transcript_choice_at = None
    await rotate_chat_id(s, client, RETIRED_BY_ERASURE, now)
    s.add(AuditEntry(client_id=client.id, counsellor_id=None, action=action, at=now))
    await s.commit()
    return client


# What the client gave under their consent; flags and insights other than crisis ones too.
CONSENTED_MODELS = (Reminder, Action, Contact, MoodEntry, Note)


async def erase_consented_content(s: AsyncSession, client: Client, now: datetime) -> None:
    """After a withdrawn consent: the insights, contacts, actions (with their reminders), mood
    entries, notes and flags go, and where the client left off. Crisis signals stay (they are
    kept without consent too: safety first), and so do the client's ways into the chat and the
    name their counsellor gave them; the retention purge takes those in time. Committed, with
    an audit entry."""
    for model in CONSENTED_MODELS:
        await s.execute(delete(model).where(model.client_id == client.id))
    await s.execute(delete(Flag).where(Flag.client_id == client.id, Flag.kind != "crisis"))
    await s.execute(delete(Insight).where(Insight.client_id == client.id, Insight.category != "crisis"))
    client.last_topic = None
    client.consent_withdrawn_at = None
    s.add(AuditEntry(client_id=client.id, counsellor_id=None, action=WITHDRAWAL_ACTION, at=now))
    await s.commit()


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


async def erase_on_request(app: web.Application, chat_id: str) -> Client:
    """Everything at the client's request, in the chat (the bot) or on their 'Mijn dossier'
    page: the dossier, the conversation (now and in the follow-up passes), new chat ids."""
    async with db.session(app) as s:
        client = await erase_client(s, chat_id)
    erased_at = utcnow()
    # The conversation is under the old chat id, and Rasa writes the erasure turn back there.
    removed = await _erase_in_thread(app, chat_id, None)
    _schedule(app, chat_id, erased_at)
    logger.info("Client data erased on request (%d tracker events)", removed)
    return client


async def delete_chat_data(request: web.Request) -> web.Response:
    """DELETE /api/v1/chats/{chat_id}/data: the client asked the bot to erase everything."""
    await erase_on_request(request.app, request.match_info["chat_id"])
    return web.Response(status=204)


async def _recent_erasures(app: web.Application) -> List[Tuple[str, datetime]]:
    """(old chat id, erased at) of the last day's erasures. Only the hashes of the old chat ids
    are kept: they are recognised among the senders of Rasa's events around each erasure."""
    since = utcnow() - timedelta(days=1)
    async with db.session(app) as s:
        rows = await s.execute(
            select(RetiredChatId.chat_id_hash, RetiredChatId.retired_at).where(
                RetiredChatId.reason == RETIRED_BY_ERASURE, RetiredChatId.retired_at >= since
            )
        )
        erased = {chat_hash: at for chat_hash, at in rows}
    if not erased:
        return []
    start, end = min(erased.values()) - GRACE, max(erased.values()) + GRACE
    senders = await asyncio.get_running_loop().run_in_executor(None, app[ERASER].senders, start, end)
    return [(sender, erased[digest(sender)]) for sender in senders if digest(sender) in erased]


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
