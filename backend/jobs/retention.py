"""Retention: the dossier and the chat of a client who has been quiet for longer than their
retention period are purged.

The period is the client's own (Client.retention_days, set by the counsellor on the client's
page; 0 means keep) or else the organisation's default (RETENTION_DAYS_DEFAULT: 365 days when
unset; 0 or empty means keep). A client's last activity is the later of their last write through
the bot (Client.last_activity_at, or the day the client was made when there is none) and their
last own message in Rasa's tracker store (a client who chats without consent writes nothing to
the dossier; backend.jobs.unconsented deletes such a conversation once it is quiet, and keeps the
time of its last message in Client.last_activity_at).

The purge reuses backend.dossier.erasure: first the chat's tracker events (when that fails, the client
waits for the next run and keeps everything), then every dossier row, in one transaction with an
audit entry "retention_purge" (ids only) and a new chat id and invite link. A client erased since
their last activity is skipped; one who was erased and then chatted on (a new invite link, with or
without consent) is purged again once their period has passed since that last message.

A client whose trajectory ended (Client.trajectory_ended_at, set on the dashboard) counts as
active until at least that day: the period runs from the end of the trajectory, or from a later
activity when the client chats on. Reopening the trajectory takes that floor away again.

The same run deletes Rasa's events of senders that belong to no client (a chat id retired by an
erasure or a new invite link, a sender someone made up) once they are older than
UNKNOWN_SENDER_RETENTION_DAYS (backend.config): no dossier leads to them, so nobody reads them.

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
from typing import AsyncIterator, List, Optional, Set

from aiohttp import web
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.config import CONFIG, MIN_RETENTION_DAYS, UNKNOWN_SENDER_RETENTION_DAYS
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
# Chat ids per query when looking up which senders belong to a client.
BATCH = 500


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
    if client.trajectory_ended_at is not None:
        last = max(last, client.trajectory_ended_at)
    return last + timedelta(days=days)


@dataclass(frozen=True)
class Expired:
    client_id: int
    chat_id: str
    cutoff: datetime  # activity before this is too old
    last_activity: datetime  # in the dossier (or the day the client was made), at least the trajectory's end
    erased_at: Optional[datetime] = None  # the client's last erasure


@dataclass
class PurgeReport:
    expired: List[int] = field(default_factory=list)
    purged: List[int] = field(default_factory=list)
    failed: List[int] = field(default_factory=list)
    # Rasa's events of senders that belong to no client, deleted (or, in a dry run, due).
    unknown_sender_events: int = 0
    unknown_senders_failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unknown_senders_failed


async def expired_clients(sessions: sessionmaker, default: Optional[int], now: datetime) -> List[Expired]:
    """Clients whose dossier activity is older than their period and whose last erasure, if
    any, is too (their chat activity is checked in the tracker store afterwards)."""
    active = func.coalesce(Client.last_activity_at, Client.created_at)
    # The later of the two (a NULL end compares as false); GREATEST is not in SQLite.
    since = case((Client.trajectory_ended_at > active, Client.trajectory_ended_at), else_=active)
    erased_at = (
        select(func.max(AuditEntry.at))
        .where(AuditEntry.client_id == Client.id, AuditEntry.action.in_((ERASE_ACTION, PURGE_ACTION)))
        .correlate(Client)
        .scalar_subquery()
    )
    own_period = Client.retention_days > 0
    with_period = own_period if default is None else or_(own_period, Client.retention_days.is_(None))
    # No period is shorter than MIN_RETENTION_DAYS: who did or had anything since is not due.
    quiet_since = now - timedelta(days=MIN_RETENTION_DAYS)
    async with sessions() as s:
        rows = (
            await s.execute(
                select(Client.id, Client.chat_id, Client.retention_days, since, erased_at)
                .where(and_(with_period, since < quiet_since, or_(erased_at.is_(None), erased_at < quiet_since)))
                .order_by(Client.id)
            )
        ).all()
    expired = []
    for client_id, chat_id, own, last, erased in rows:
        cutoff = now - timedelta(days=effective_days(own, default))
        if last < cutoff:
            expired.append(Expired(client_id, chat_id, cutoff, last, erased))
    return expired


def _nothing_since_erasure(client: Expired, last_message: Optional[datetime]) -> bool:
    """Erased, and neither a write to the dossier nor a message in the chat since."""
    last = max(filter(None, (client.last_activity, last_message)))
    return client.erased_at is not None and client.erased_at >= last


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
            if _nothing_since_erasure(client, last_message):
                continue
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
    try:
        report.unknown_sender_events = await purge_unknown_senders(sessions, eraser, now, dry_run=dry_run)
    except SQLAlchemyError as exc:
        logger.warning("retention purge of unknown senders' events failed (%s); tried again at the next run", type(exc).__name__)
        report.unknown_senders_failed = True
    return report


async def _client_chat_ids(sessions: sessionmaker, chat_ids: List[str]) -> Set[str]:
    """Which of these chat ids belong to a client now."""
    known: Set[str] = set()
    async with sessions() as s:
        for start in range(0, len(chat_ids), BATCH):
            known.update(await s.scalars(select(Client.chat_id).where(Client.chat_id.in_(chat_ids[start:start + BATCH]))))
    return known


async def purge_unknown_senders(sessions: sessionmaker, eraser: TrackerEraser, now: datetime, *, dry_run: bool = False) -> int:
    """Deletes Rasa's events older than UNKNOWN_SENDER_RETENTION_DAYS of every sender that
    belongs to no client (with dry_run: counts them); how many. Raises SQLAlchemyError."""
    loop = asyncio.get_running_loop()
    cutoff = now - timedelta(days=UNKNOWN_SENDER_RETENTION_DAYS)
    senders = await loop.run_in_executor(None, eraser.senders, None, cutoff)
    known = await _client_chat_ids(sessions, senders)
    unknown = [sender for sender in senders if sender not in known]
    if not unknown:
        return 0
    erase = functools.partial(eraser.erase_senders, unknown, cutoff, count_only=dry_run)
    return await loop.run_in_executor(None, erase)


async def run_if_due(app: web.Application, now: Optional[datetime] = None) -> Optional[PurgeReport]:
    """One daily run, when it is due and no other backend runs it; None when not run."""
    now = now or utcnow()
    sessions = app[db.SESSIONMAKER]
    report = await leases.run_claimed(
        sessions, JOB, now, lambda: purge_expired(sessions, app[ERASER], app[CONFIG].retention_days_default, now=now),
        every=RUN_EVERY, lease=LEASE, succeeded=lambda done: done.ok,
    )
    if report is None:
        return None
    if report.expired:
        logger.info("retention purge: %d client(s) purged, %d to retry", len(report.purged), len(report.failed))
    if report.unknown_sender_events:
        logger.info("retention purge: %d tracker event(s) of senders without a client deleted", report.unknown_sender_events)
    return report


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """Needs the engine and the tracker eraser: append after db.engine_ctx and erasure.eraser_ctx."""
    daily_purge = leases.repeat(
        functools.partial(run_if_due, app), every=CHECK_EVERY_SECONDS, first_after=FIRST_CHECK_SECONDS, what="retention purge"
    )
    async with leases.in_background(daily_purge):
        yield
