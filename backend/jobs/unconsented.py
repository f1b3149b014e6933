"""The conversation of a client without consent lasts no longer than the session.

A client who never answered the consent question, or said no (Client.consent_given is not True),
has nothing in the dossier but crisis signals; Rasa's tracker store would still keep every message
until the retention purge. This job deletes all of such a chat's events once its newest event is
older than UNCONSENTED_CHAT_KEEP_MINUTES (60 by default, Rasa's session length): a conversation
that is still going on is left alone, and a new message starts a new, empty conversation.

A client whose consent is withdrawn and not yet erased (Client.consent_withdrawn_at, the grace
period of backend.jobs.withdrawal) is left to that job: a "yes" before then gives everything
back. The client row, the chat link and crisis flags stay. Before deleting, the time of the
client's last own message goes to Client.last_activity_at, so that the retention purge still
counts it as activity once the events are gone.

The backend checks shortly after its start and then every few minutes; a run claims the job in
`job_runs` with a lease (backend.jobs.leases). A run in which a chat could not be deleted counts as
failed, and the next check tries again.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AsyncIterator, List, Optional

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.config import CONFIG
from backend.jobs import leases
from backend.rasa.eraser import ERASER, TrackerEraser
from backend.tables import Client, utcnow

logger = logging.getLogger(__name__)

JOB = "unconsented_chats"
RUN_EVERY = timedelta(minutes=5)
LEASE = timedelta(minutes=15)
FIRST_CHECK_SECONDS = 120
CHECK_EVERY_SECONDS = 300

# The clients whose conversation is not kept: no consent, and not in a withdrawal's grace period.
WITHOUT_CONSENT = (Client.consent_given.is_not(True), Client.consent_withdrawn_at.is_(None))


@dataclass
class UnconsentedReport:
    erased: List[int] = field(default_factory=list)  # client ids whose chat was deleted
    events: int = 0
    failed: List[int] = field(default_factory=list)


async def erase_quiet_chats(
    sessions: sessionmaker, eraser: TrackerEraser, keep_minutes: int, now: Optional[datetime] = None
) -> UnconsentedReport:
    """Deletes the tracker events of every chat without consent that has been quiet for
    `keep_minutes`."""
    now = now or utcnow()
    quiet_since = now - timedelta(minutes=keep_minutes)
    report = UnconsentedReport()
    async with sessions() as s:
        rows = (await s.execute(select(Client.id, Client.chat_id).where(*WITHOUT_CONSENT).order_by(Client.id))).all()
    if not rows:
        return report
    loop = asyncio.get_running_loop()
    try:
        quiet = await loop.run_in_executor(None, eraser.quiet_senders, [chat_id for _, chat_id in rows], quiet_since)
    except SQLAlchemyError as exc:
        logger.warning("chats without consent could not be read (%s); tried again at the next run", type(exc).__name__)
        report.failed.extend(client_id for client_id, _ in rows)
        return report
    for client_id, chat_id in rows:
        if chat_id not in quiet:
            continue
        try:
            async with sessions() as s:
                client = await s.scalar(select(Client).where(Client.id == client_id, Client.chat_id == chat_id, *WITHOUT_CONSENT))
                if client is None:
                    continue  # consent given, or a new chat id, in the meantime
                last_message = quiet[chat_id]
                if last_message is not None and (client.last_activity_at is None or client.last_activity_at < last_message):
                    client.last_activity_at = last_message
                    await s.commit()
            # Only what is older than the keep time: a message written since the check stays.
            erase = functools.partial(eraser.erase, chat_id, quiet_since, strict=True)
            report.events += await loop.run_in_executor(None, erase)
        except SQLAlchemyError as exc:
            logger.warning("a chat without consent could not be deleted (%s); tried again at the next run", type(exc).__name__)
            report.failed.append(client_id)
            continue
        report.erased.append(client_id)
    return report


async def run_if_due(app: web.Application, now: Optional[datetime] = None) -> Optional[UnconsentedReport]:
    """One run, when it is due and no other backend runs it; None when not run."""
    now = now or utcnow()
    sessions = app[db.SESSIONMAKER]
    report = await leases.run_claimed(
        sessions, JOB, now,
        lambda: erase_quiet_chats(sessions, app[ERASER], app[CONFIG].unconsented_chat_keep_minutes, now),
        every=RUN_EVERY, lease=LEASE, succeeded=lambda done: not done.failed,
    )
    if report is None:
        return None
    if report.erased or report.failed:
        logger.info(
            "chats without consent: %d deleted (%d events), %d to retry",
            len(report.erased), report.events, len(report.failed),
        )
    return report


async def unconsented_ctx(app: web.Application) -> AsyncIterator[None]:
    """Needs the engine and the tracker eraser: append after db.engine_ctx and erasure.eraser_ctx."""
    check = leases.repeat(
        functools.partial(run_if_due, app), every=CHECK_EVERY_SECONDS, first_after=FIRST_CHECK_SECONDS,
        what="deletion of chats without consent",
    )
    async with leases.in_background(check):
        yield
