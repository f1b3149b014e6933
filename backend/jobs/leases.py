"""Jobs that one backend at a time runs, however many backends there are (table job_runs).

A run claims the job's row with a conditional UPDATE and a lease, as reminders are claimed
(backend.reminders.scheduler): only one backend gets the row, and a backend that dies mid-run leaves it
to another once the lease has passed. A job is due again `every` after the start of the last
run that ended well; a failed run is tried again at the next check.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import AsyncIterator, Awaitable, Callable, Coroutine, Optional, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from backend.tables import JobRun

logger = logging.getLogger(__name__)
Report = TypeVar("Report")


async def claim(
    sessions: sessionmaker, name: str, now: datetime, *, every: Optional[timedelta], lease: timedelta
) -> Optional[datetime]:
    """Claims the job when it is due and nobody runs it; returns the claim's lease end (pass it
    to finish) or None. `every=None`: due whenever nobody runs it (a run by hand)."""
    async with sessions() as s:
        if await s.scalar(select(JobRun.name).where(JobRun.name == name)) is None:
            s.add(JobRun(name=name))
            try:
                await s.commit()
            except IntegrityError:  # another backend made the row first
                await s.rollback()
    lease_until = now + lease
    conditions = [JobRun.name == name, or_(JobRun.lease_until.is_(None), JobRun.lease_until < now)]
    if every is not None:
        conditions.append(or_(JobRun.last_run_at.is_(None), JobRun.last_run_at <= now - every))
    async with sessions() as s:
        result = await s.execute(
            update(JobRun)
            .where(*conditions)
            .values(lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        await s.commit()
    return lease_until if result.rowcount == 1 else None


async def finish(
    sessions: sessionmaker, name: str, lease_until: datetime, started_at: datetime, *, ok: bool
) -> None:
    """Ends our claim (and only ours: another backend may hold the row after our lease)."""
    values = {"lease_until": None}
    if ok:
        values["last_run_at"] = started_at
    async with sessions() as s:
        await s.execute(
            update(JobRun)
            .where(JobRun.name == name, JobRun.lease_until == lease_until)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await s.commit()


async def run_claimed(
    sessions: sessionmaker, name: str, now: datetime, work: Callable[[], Awaitable[Report]], *,
    every: Optional[timedelta], lease: timedelta, succeeded: Callable[[Report], bool],
) -> Optional[Report]:
    """Claims the job (see claim), runs `work` and ends the claim; the run counts as done when
    `work` returned a report that `succeeded` accepts. None when the job was not claimed."""
    lease_until = await claim(sessions, name, now, every=every, lease=lease)
    if lease_until is None:
        return None
    report: Optional[Report] = None
    try:
        report = await work()
        return report
    finally:
        await finish(sessions, name, lease_until, now, ok=report is not None and succeeded(report))


# --- background loops -----------------------------------------------------------------------------


async def repeat(step: Callable[[], Awaitable[object]], *, every: float, first_after: float, what: str) -> None:
    """Runs `step` after `first_after` seconds, then every `every` seconds, for ever. A step
    that fails is logged and does not end the loop: the next round tries again."""
    await asyncio.sleep(first_after)
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("%s failed", what)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def in_background(coroutine: Coroutine[object, object, None]) -> AsyncIterator[None]:
    """Runs `coroutine` as a task while the block runs (an aiohttp cleanup context's life);
    cancels it and waits for it to end afterwards."""
    task = asyncio.create_task(coroutine)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
