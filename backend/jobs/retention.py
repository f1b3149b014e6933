"""Retention: the dossier and the chat of a client who has been quiet for longer than their
retention period are purged.

The period is the client's own (Client.retention_days, set by the counsellor on the client's
page; 0 means keep) or else the organisation's default (RETENTION_DAYS_DEFAULT: 365 days when
unset; 0 or empty means keep). A client's last activity is the later of their last write through
the bot (Client.last_activity_at, or the day the client was made when there is none) and their
last own message in Rasa's tracker store (a client who chats without consent writes nothing to
the dossier, but the conversation is kept all the same).

The purge reuses backend.dossier.erasure: first the chat's tracker events (when that fails, the client
waits for the next run and keeps everything), then every dossier row, in one transaction with an
audit entry "retention_purge" (ids only). A client erased since their last activity is skipped.

The backend tries shortly after its start and then every hour; a run claims the job
(backend.jobs.leases) and only when the last good run started a day or more ago, so that the purge
runs once a day whatever the number of backends. By hand: `python -m backend purge-expired`.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AsyncIterator, List, Optional

from aiohttp import web
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.config import CONFIG, MIN_RETENTION_DAYS
from backend.dossier.erasure import AUDIT_ACTION as ERASE_ACTION
from backend.dossier.erasure import erase_client
from backend.jobs import leases
from backend.rasa.eraser import ERASER, TrackerEraser
from backend.tables import AuditEntry, Client, utcnow

logger = logging.getLogger(__name__)

JOB = "retention_purge"
PURGE_ACTION = "retention_purge"
RUN_EVERY = timedelta(days=1)
LEASE = timedelta(hours=1)
FIRST_CHECK_SECONDS = 60
CHECK_EVERY_SECONDS = 3600


def effective_days(own: Optional[int], default: Optional[int]) -> Optional[int]:
    """The period that applies: the client's own, else the default; None means keep."""
    days = default if own is None else own
    return days or None


def purge_due_at(
    client: Client, default: Optional[int], last_message_at: Optional[datetime] = None
) -> Optional[datetime]:
    """When the client's data goes if nothing happens any more (None: kept); `last_message_at`
    is the client's last message in the chat (TrackerEraser.last_client_message_at)."""
    days = effective_days(client.retention_days, default)
    if not days:
        return None
    last = max(filter(None, (client.last_activity_at, last_message_at)), default=client.created_at)
    return last + timedelta(days=days)


@dataclass(frozen=True)
class Expired:
    client_id: int
    chat_id: str
    cutoff: datetime  # activity before this is too old


@dataclass
class PurgeReport:
    expired: List[int] = field(default_factory=list)
    purged: List[int] = field(default_factory=list)
    failed: List[int] = field(default_factory=list)


async def expired_clients(sessions: sessionmaker, default: Optional[int], now: datetime) -> List[Expired]:
    """Clients whose dossier activity is older than their period and who were not erased since
    (their chat activity is checked in the tracker store afterwards)."""
    since = func.coalesce(Client.last_activity_at, Client.created_at)
    erased_since = exists().where(
        AuditEntry.client_id == Client.id,
        AuditEntry.action.in_((ERASE_ACTION, PURGE_ACTION)),
        AuditEntry.at >= since,
    )
    own_period = Client.retention_days > 0
    with_period = own_period if default is None else or_(own_period, Client.retention_days.is_(None))
    async with sessions() as s:
        rows = (
            await s.execute(
                select(Client.id, Client.chat_id, Client.retention_days, since)
                .where(and_(with_period, since < now - timedelta(days=MIN_RETENTION_DAYS), ~erased_since))
                .order_by(Client.id)
            )
        ).all()
    expired = []
    for client_id, chat_id, own, last in rows:
        cutoff = now - timedelta(days=effective_days(own, default))
        if last < cutoff:
            expired.append(Expired(client_id, chat_id, cutoff))
    return expired


async def purge_expired(
    sessions: sessionmaker,
    eraser: TrackerEraser,
    default: Optional[int],
    *,
    now: Optional[datetime] = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Purges every expired client; with dry_run only reports who is expired."""
    now = now or utcnow()
    loop = asyncio.get_running_loop()
    report = PurgeReport()
    for client in await expired_clients(sessions, default, now):
        try:
            last_message = await loop.run_in_executor(None, eraser.last_client_message_at, client.chat_id)
            if last_message is not None and last_message >= client.cutoff:
                continue  # still chatting, though nothing reached the dossier
            report.expired.append(client.client_id)
            if dry_run:
                continue
            # The chat first: when it cannot be deleted, the dossier stays too, for the next run.
            erase_chat = functools.partial(eraser.erase, client.chat_id, strict=True)
            await loop.run_in_executor(None, erase_chat)
            async with sessions() as s:
                await erase_client(s, client.chat_id, action=PURGE_ACTION)
        except SQLAlchemyError as exc:
            logger.warning("retention purge of a client failed (%s); tried again at the next run", type(exc).__name__)
            report.failed.append(client.client_id)
            continue
        report.purged.append(client.client_id)
    return report


async def run_if_due(app: web.Application, now: Optional[datetime] = None) -> Optional[PurgeReport]:
    """One daily run, when it is due and no other backend runs it; None when not run."""
    now = now or utcnow()
    sessions = app[db.SESSIONMAKER]
    lease_until = await leases.claim(sessions, JOB, now, every=RUN_EVERY, lease=LEASE)
    if lease_until is None:
        return None
    ok = False
    try:
        report = await purge_expired(sessions, app[ERASER], app[CONFIG].retention_days_default, now=now)
        ok = not report.failed
    finally:
        await leases.finish(sessions, JOB, lease_until, now, ok=ok)
    if report.expired:
        logger.info("retention purge: %d client(s) purged, %d to retry", len(report.purged), len(report.failed))
    return report


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """Needs the engine and the tracker eraser: append after db.engine_ctx and erasure.eraser_ctx."""
    daily_purge = leases.repeat(
        functools.partial(run_if_due, app), every=CHECK_EVERY_SECONDS, first_after=FIRST_CHECK_SECONDS, what="retention purge"
    )
    async with leases.in_background(daily_purge):
        yield
