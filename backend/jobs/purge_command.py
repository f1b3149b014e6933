"""`python -m backend purge-expired [--dry-run]`: the daily retention purge by hand, under the
same lease as the backends' daily run, so the two never purge at once."""
from __future__ import annotations

from typing import Any, Dict

from backend import db
from backend.config import Config
from backend.errors import DossierError
from backend.jobs import leases, retention
from backend.rasa.eraser import TrackerEraser
from backend.rasa.tracker_store import TrackerStore
from backend.tables import utcnow


class PurgeBusy(DossierError):
    pass


async def purge_by_hand(config: Config, args) -> Dict[str, Any]:
    """The daily retention purge, by hand (backend.jobs.retention); --dry-run only lists who is due."""
    engine = db.create_engine(config.database_url)
    sessions = db.make_sessionmaker(engine)
    now = utcnow()
    default = config.retention_days_default
    try:
        with TrackerStore(config.tracker_store_url) as store:
            report = await _purge(sessions, TrackerEraser(store), default, now, dry_run=bool(args.dry_run))
    finally:
        await engine.dispose()
    return {
        "dry_run": bool(args.dry_run),
        "retention_days_default": default,
        "expired": report.expired,
        "purged": report.purged,
        "failed": report.failed,
        # Rasa's events of senders without a client, deleted (a dry run: that would be deleted).
        "unknown_sender_events": report.unknown_sender_events,
    }


async def _purge(sessions, eraser: TrackerEraser, default, now, *, dry_run: bool) -> retention.PurgeReport:
    if dry_run:
        return await retention.purge_expired(sessions, eraser, default, now=now, dry_run=True)
    # The same claim as the backends' daily run, so the two never purge at once.
    report = await leases.run_claimed(
        sessions, retention.JOB, now, lambda: retention.purge_expired(sessions, eraser, default, now=now),
        every=None, lease=retention.LEASE, succeeded=lambda done: done.ok,
    )
    if report is None:
        raise PurgeBusy("a backend is purging right now; try again in a few minutes")
    return report
