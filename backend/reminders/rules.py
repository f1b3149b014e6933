"""When a homework reminder may go out: pure functions of the time, no database.

All moments are aware UTC datetimes; the rules are in the client's local time (Europe/Brussels,
daylight saving time included), because "not after nine in the evening" is a wall-clock rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Optional, Tuple

from backend.chat.settings import QuietHours

# A client who wrote this recently is in a conversation: a reminder would cut into it.
BUSY_AFTER_MESSAGE = timedelta(minutes=15)  # REMINDER_BUSY_MINUTES
# Rasa's session expiry: an exercise left open longer than this starts over anyway.
SESSION_EXPIRY = timedelta(minutes=60)


def _at(day: date, wall: time, zone: tzinfo) -> datetime:
    """`wall` on `day` in `zone`, as UTC. A wall time that does not exist (the hour skipped in
    spring) comes out one hour later, which is the first moment that does exist."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(timezone.utc)


def after_quiet_hours(moment: datetime, zone: tzinfo, quiet: QuietHours) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    local = moment.astimezone(zone)
    if not quiet.contains(local.time()):
        return moment
    day = local.date()
    wraps = quiet.start > quiet.end
    if wraps and local.time() >= quiet.start:
        day += timedelta(days=1)
    return _at(day, quiet.end, zone)


def next_local_day(moment: datetime, zone: tzinfo) -> datetime:
    """Midnight at the start of the local day after the one `moment` is in."""
    return _at(moment.astimezone(zone).date() + timedelta(days=1), time(0, 0), zone)


@dataclass(frozen=True)
class Timing:
    at: datetime  # the earliest moment the reminder may go out
    held: Optional[str]  # what holds it until then (None: nothing beyond its own time)


def earliest_send(
    due_at: datetime,
    *,
    zone: tzinfo,
    quiet: QuietHours,
    last_sent_at: Optional[datetime] = None,
    snoozed_until: Optional[datetime] = None,
    now: Optional[datetime] = None,
) -> Timing:
    """The first moment at or after `due_at` (and `now`: an overdue reminder goes out now, so
    now must keep the rules too) that keeps every rule: not before the snooze ends, at most one
    reminder per local day, never in the quiet hours."""
    at, held = (due_at if now is None else max(due_at, now)), None
    if snoozed_until is not None and snoozed_until > at:
        at, held = snoozed_until, "snoozed"
    if last_sent_at is not None and at < next_local_day(last_sent_at, zone):
        at, held = next_local_day(last_sent_at, zone), "once_a_day"
    moved = after_quiet_hours(at, zone, quiet)
    if moved != at:
        # Held for another reason, the quiet hours only say at what hour it ends.
        at, held = moved, held or "quiet_hours"
    return Timing(at=at, held=held)


def snooze_until(now: datetime, zone: tzinfo, quiet: QuietHours) -> datetime:
    """'Morgen': tomorrow at this time of day, or when tomorrow's quiet hours end."""
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    wall = local.time().replace(tzinfo=None, microsecond=0)
    if quiet.contains(wall):
        return _at(tomorrow, quiet.end, zone)
    return _at(tomorrow, wall, zone)


def is_busy(
    now: datetime, last_message_at: Optional[datetime], in_exercise: bool, window: timedelta = BUSY_AFTER_MESSAGE
) -> bool:
    """The client is in the middle of something: chatting right now, or an exercise that is
    still open in the current Rasa session."""
    if last_message_at is None:
        return False
    quiet_for = now - last_message_at
    return quiet_for < window or (in_exercise and quiet_for < SESSION_EXPIRY)


def local_day_bounds(moment: datetime, zone: tzinfo) -> Tuple[datetime, datetime]:
    """The local day of `moment` as a [start, end) pair of UTC instants."""
    day = moment.astimezone(zone).date()
    return _at(day, time(0, 0), zone), _at(day + timedelta(days=1), time(0, 0), zone)
