"""A withdrawn consent: the dossier is hidden at once and erased after a grace period.

When a client who had given consent withdraws it (PUT .../consent with given=false; the moment
is Client.consent_withdrawn_at), the dashboard shows nothing of what they gave under it any more
(crisis flags excepted), and says when it goes. Once CONSENT_WITHDRAWAL_GRACE_DAYS have passed
and the client has not given consent again, this job erases it: the conversation in Rasa's
tracker store up to the withdrawal, then the dossier's content
(backend.dossier.erasure.erase_consented_content), with an audit entry
"consent_withdrawal_erasure". The client keeps their chat link; crisis flags stay.

The backend checks shortly after its start and then every few minutes; a run claims the job in
`job_runs` with a lease (backend.jobs.leases, as the retention purge does), at most once an hour.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AsyncIterator, List, Optional

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.config import CONFIG
from backend.dossier.erasure import erase_consented_content
from backend.jobs import leases
from backend.rasa.eraser import ERASER, TrackerEraser
from backend.tables import Client, utcnow

logger = logging.getLogger(__name__)

JOB = "consent_withdrawal"
RUN_EVERY = timedelta(hours=1)
LEASE = timedelta(minutes=30)
FIRST_CHECK_SECONDS = 90
CHECK_EVERY_SECONDS = 600


def erase_due_at(withdrawn_at: Optional[datetime], grace_days: int) -> Optional[datetime]:
    """When what the client gave under their consent goes (Client.consent_withdrawn_at in);
    None when consent is not withdrawn."""
    return None if withdrawn_at is None else withdrawn_at + timedelta(days=grace_days)


def days_left(withdrawn_at: Optional[datetime], grace_days: int, now: Optional[datetime] = None) -> Optional[int]:
    """Whole days until the erasure, at least 1 (what the bot tells the client); None when
    consent is not withdrawn."""
    due = erase_due_at(withdrawn_at, grace_days)
    if due is None:
        return None
    return max(1, math.ceil((due - (now or utcnow())) / timedelta(days=1)))


@dataclass
class WithdrawalReport:
    erased: List[int] = field(default_factory=list)
    failed: List[int] = field(default_factory=list)


async def erase_withdrawn(
    sessions: sessionmaker, eraser: TrackerEraser, grace_days: int, now: Optional[datetime] = None
) -> WithdrawalReport:
    """Erases what every client whose consent has been withdrawn for `grace_days` gave under it."""
    now = now or utcnow()
    cutoff = now - timedelta(days=grace_days)
    due = (Client.consent_withdrawn_at <= cutoff, Client.consent_given.is_not(True))
    async with sessions() as s:
        rows = (await s.execute(select(Client.id, Client.chat_id, Client.consent_withdrawn_at).where(*due).order_by(Client.id))).all()
    loop = asyncio.get_running_loop()
    report = WithdrawalReport()
    for client_id, chat_id, withdrawn_at in rows:
        try:
            # The chat first: when it cannot be deleted, the dossier waits for the next run too.
            await loop.run_in_executor(None, functools.partial(eraser.erase, chat_id, withdrawn_at, strict=True))
            async with sessions() as s:
                client = await s.scalar(select(Client).where(Client.id == client_id, *due))
                if client is None:
                    continue  # consent given again in the meantime
                await erase_consented_content(s, client, now)
        except SQLAlchemyError as exc:
            logger.warning("erasure after a withdrawn consent failed (%s); tried again at the next run", type(exc).__name__)
            report.failed.append(client_id)
            continue
        report.erased.append(client_id)
    return report


async def run_if_due(app: web.Application, now: Optional[datetime] = None) -> Optional[WithdrawalReport]:
    """One run, when it is due and no other backend runs it; None when not run."""
    now = now or utcnow()
    sessions = app[db.SESSIONMAKER]
    report = await leases.run_claimed(
        sessions, JOB, now, lambda: erase_withdrawn(sessions, app[ERASER], app[CONFIG].consent_withdrawal_grace_days, now),
        every=RUN_EVERY, lease=LEASE, succeeded=lambda done: not done.failed,
    )
    if report is None:
        return None
    if report.erased or report.failed:
        logger.info("withdrawn consents: %d dossier(s) erased, %d to retry", len(report.erased), len(report.failed))
    return report


async def withdrawal_ctx(app: web.Application) -> AsyncIterator[None]:
    """Needs the engine and the tracker eraser: append after db.engine_ctx and erasure.eraser_ctx."""
    check = leases.repeat(
        functools.partial(run_if_due, app), every=CHECK_EVERY_SECONDS, first_after=FIRST_CHECK_SECONDS,
        what="erasure after withdrawn consent",
    )
    async with leases.in_background(check):
        yield
