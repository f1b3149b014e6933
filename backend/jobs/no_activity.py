"""Work the backend does on its own: a "no activity" flag for clients who have gone quiet.

The check runs shortly after start and then every hour. A flag is raised once per quiet spell
and resolved by the client's next activity (backend.dossier.store._active_client)."""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import AsyncIterator, Coroutine, Optional

from aiohttp import web
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db
from backend.jobs import leases
from backend.tables import Client, Flag, utcnow

logger = logging.getLogger(__name__)

NO_ACTIVITY_DAYS = 14
FIRST_CHECK_SECONDS = 60
CHECK_EVERY_SECONDS = 3600


def no_activity_message(days: int = NO_ACTIVITY_DAYS) -> str:
    return f"Al {days} dagen geen activiteit in de chat."


async def flag_inactive_clients(
    s: AsyncSession, now: Optional[datetime] = None, days: int = NO_ACTIVITY_DAYS
) -> int:
    """Raises a no_activity flag for each consenting client quiet for `days` days who has no
    open one yet; returns how many were raised."""
    now = now or utcnow()
    open_flag = exists().where(
        Flag.client_id == Client.id, Flag.kind == "no_activity", Flag.resolved_at.is_(None)
    )
    quiet_since = func.coalesce(Client.last_activity_at, Client.created_at)
    client_ids = list(
        await s.scalars(
            select(Client.id).where(
                Client.consent_given.is_(True), quiet_since < now - timedelta(days=days), ~open_flag
            )
        )
    )
    if not client_ids:
        return 0
    # The day in the key: two backends checking at once raise one flag, not two.
    key = f"no_activity:{now.date().isoformat()}"
    s.add_all(
        Flag(client_id=client_id, kind="no_activity", message=no_activity_message(days),
             created_at=now, idempotency_key=key)
        for client_id in client_ids
    )
    try:
        await s.commit()
    except IntegrityError:
        await s.rollback()
        return 0
    return len(client_ids)


async def resolve_no_activity(s: AsyncSession, client_id: int) -> None:
    """The client is back: an open no_activity flag is no longer true. Not committed here."""
    await s.execute(
        update(Flag)
        .where(and_(Flag.client_id == client_id, Flag.kind == "no_activity", Flag.resolved_at.is_(None)))
        .values(resolved_at=utcnow())
    )


async def _check_once(app: web.Application) -> None:
    async with db.session(app) as s:
        raised = await flag_inactive_clients(s)
    if raised:
        logger.info("raised %d no-activity flag(s)", raised)


def hourly_checks(app: web.Application) -> Coroutine[object, object, None]:
    """The check a minute after the start, then every hour, for ever."""
    return leases.repeat(
        functools.partial(_check_once, app), every=CHECK_EVERY_SECONDS, first_after=FIRST_CHECK_SECONDS, what="no-activity check"
    )


async def housekeeping_ctx(app: web.Application) -> AsyncIterator[None]:
    async with leases.in_background(hourly_checks(app)):
        yield
