"""Time as the counsellors and clients live it: Belgian local time for dates and forms."""
from __future__ import annotations

import functools
from datetime import date, datetime, timezone, tzinfo

from backend.tables import utcnow


@functools.lru_cache(maxsize=1)
def local_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Brussels")
    except Exception:  # no tz database on this machine: UTC is still a correct time
        return timezone.utc


def local_today() -> date:
    """'Today' for a due date: a date typed at 00:30 in Brussels is not yesterday in UTC."""
    return utcnow().astimezone(local_zone()).date()


def local(value: datetime) -> datetime:
    return value.astimezone(local_zone())
