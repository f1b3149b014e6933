"""Dashboard sign-ins kept on the server (table counsellor_sessions): the encrypted session
cookie holds only a random token, whose hash is stored. Logout, an idle timeout, disabling the
account and a new password end a sign-in at once, also for a copied cookie."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.tables import Counsellor, CounsellorSession, utcnow

# A sign-in ends after this long without a page; the cookie itself lasts 8 hours at most.
IDLE = timedelta(minutes=60)
# last_seen_at is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def start(s: AsyncSession, counsellor_id: int) -> str:
    """A new sign-in; the token goes into the session cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(CounsellorSession(counsellor_id=counsellor_id, token_hash=_hash(token), created_at=now, last_seen_at=now))
    await s.commit()
    return token


async def counsellor_of(s: AsyncSession, token: object, now: Optional[datetime] = None) -> Optional[Counsellor]:
    """The counsellor of a live sign-in, or None (unknown, ended, idle too long, account
    disabled). An idle sign-in is ended here."""
    if not isinstance(token, str) or not token:
        return None
    now = now or utcnow()
    row = (
        await s.execute(
            select(CounsellorSession, Counsellor)
            .join(Counsellor, Counsellor.id == CounsellorSession.counsellor_id)
            .where(CounsellorSession.token_hash == _hash(token), CounsellorSession.ended_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    sign_in, counsellor = row
    if counsellor.disabled_at is not None or now - sign_in.last_seen_at > IDLE:
        sign_in.ended_at = now
        await s.commit()
        return None
    if now - sign_in.last_seen_at > TOUCH_EVERY:
        sign_in.last_seen_at = now
        await s.commit()
    return counsellor


async def end(s: AsyncSession, token: object) -> None:
    if isinstance(token, str) and token:
        await _end_where(s, CounsellorSession.token_hash == _hash(token))


async def end_all(s: AsyncSession, counsellor_id: int) -> int:
    """Ends every sign-in of the counsellor (disable, new password); how many."""
    return await _end_where(s, CounsellorSession.counsellor_id == counsellor_id)


async def _end_where(s: AsyncSession, condition) -> int:
    result = await s.execute(
        update(CounsellorSession)
        .where(condition, CounsellorSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await s.commit()
    return result.rowcount or 0
