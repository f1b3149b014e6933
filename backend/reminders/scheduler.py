"""Homework reminders, scheduled by the backend (Rasa's own reminders live in memory and are
lost at every restart).

Every REMINDER_INTERVAL_SECONDS a background task looks for due reminders and, when the rules
allow (consent, a trajectory that has not ended, not stopped or snoozed, quiet hours, once a day, not in the middle of a chat),
asks Rasa to open the conversation: POST /conversations/{chat_id}/trigger_intent with the
intent EXTERNAL_homework_reminder and the client's output channel. Telegram clients get it at
once; web chat clients get it the next time they open the chat page (deliver_at_visit).

Exactly once: a reminder is claimed (pending -> sending, with a lease) before Rasa is called,
so two backends never send the same one. When Rasa cannot be reached it goes back to pending
and is tried again at the next tick. When the outcome is unknown (a timeout, a crash), it stays
claimed until the lease ends; then the tracker store tells whether Rasa got it, and it is only
sent again when Rasa did not.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Callable, Dict, List, Optional

import aiohttp
from aiohttp import web
from sqlalchemy import and_, or_, update
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.chat.settings import CHANNEL_SETTINGS, ChannelSettings
from backend.clock import local_zone
from backend.config import CONFIG
from backend.jobs import leases
from backend.rasa.tracker_events import TRACKER_EVENTS, TrackerEvents
from backend.rasa.tracker_store import TRACKER_STORE, TranscriptUnavailable
from backend.rasa.trigger import DELIVERED, REFUSED, UNREACHABLE, Homework, RasaTrigger
from backend.reminders.due import Candidate, TickReport, client_facts, due
from backend.reminders.rules import earliest_send, is_busy
from backend.tables import Reminder, utcnow

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RASA_TIMEOUT_SECONDS = 30
PUSH_CHANNELS = ("telegram",)
WEB_CHANNEL = "socketio"


class ReminderScheduler:
    def __init__(
        self,
        sessions: sessionmaker,
        tracker: TrackerEvents,
        trigger: Callable[[str, str, str], Any],
        settings: ChannelSettings,
        clock: Callable[[], datetime] = utcnow,
        lease: timedelta = LEASE,
    ) -> None:
        self.sessions = sessions
        self.tracker = tracker
        self.trigger = trigger
        self.settings = settings
        self.clock = clock
        self.lease = lease
        self.zone = local_zone()

    # The background loop

    async def run_forever(self) -> None:
        interval = self.settings.reminder_interval_seconds
        await leases.repeat(self._tick_and_report, every=interval, first_after=interval, what="reminder tick")

    async def _tick_and_report(self) -> None:
        report = await self.tick()
        if report.sent or report.retry:
            logger.info("reminders: %d sent, %d to retry", len(report.sent), len(report.retry))

    async def tick(self) -> TickReport:
        now = self.clock()
        async with self.sessions() as s:
            candidates = await due(s, now)
        return await self._process(candidates, now, visit=False)

    async def deliver_at_visit(self, client_id: int) -> int:
        """The client opened the web chat: what is due now shows up in it."""
        now = self.clock()
        async with self.sessions() as s:
            candidates = await due(s, now, client_id)
        report = await self._process(candidates, now, visit=True)
        return len(report.sent)

    # Deciding and sending

    async def _process(self, candidates: List[Candidate], now: datetime, *, visit: bool) -> TickReport:
        report = TickReport()
        by_client: Dict[int, List[Candidate]] = {}
        for candidate in candidates:
            if candidate.action_status != "open":
                report.cancelled.append(candidate.reminder_id)
            else:
                by_client.setdefault(candidate.client_id, []).append(candidate)
        await self._set_status(report.cancelled, "cancelled")

        async with self.sessions() as s:
            last_sent, in_flight = await client_facts(s, list(by_client), now)
        for client_id, waiting in by_client.items():
            if client_id in in_flight:
                continue
            await self._process_client(waiting, now, last_sent.get(client_id), visit, report)

        changed = {c.reminder_id: report.held[c.reminder_id] for c in candidates if report.held.get(c.reminder_id, c.held) != c.held}
        await self._set_held(changed)
        return report

    async def _process_client(
        self, waiting: List[Candidate], now: datetime, last_sent: Optional[datetime], visit: bool, report: TickReport
    ) -> None:
        first = waiting[0]

        def hold(reason: str, among: List[Candidate] = waiting) -> None:
            for candidate in among:
                report.held[candidate.reminder_id] = reason

        if first.consent is not True:
            return hold("no_consent")
        if first.trajectory_ended_at is not None:  # held, not cancelled: a reopened trajectory goes on
            return hold("trajectory_ended")
        if first.state == "stopped":
            return hold("stopped")
        ready = []
        for candidate in waiting:
            timing = earliest_send(
                candidate.due_at, zone=self.zone, quiet=self.settings.quiet_hours,
                last_sent_at=last_sent, snoozed_until=candidate.snoozed_until, now=now,
            )
            if timing.at > now:
                report.held[candidate.reminder_id] = timing.held or "not_yet"
            else:
                ready.append(candidate)
        if not ready:
            return None
        chosen, later = ready[0], ready[1:]
        hold("once_a_day", later)
        try:
            conversation = await asyncio.get_running_loop().run_in_executor(None, self.tracker.state, chosen.chat_id)
        except TranscriptUnavailable:
            return hold("tracker_unreadable", [chosen])
        window = timedelta(minutes=self.settings.reminder_busy_minutes)
        if is_busy(now, conversation.last_message_at, conversation.in_exercise, window):
            return hold("busy", [chosen])
        if visit:
            channel = WEB_CHANNEL
        elif conversation.channel in PUSH_CHANNELS and chosen.telegram_chat_id:
            channel = conversation.channel
        else:
            return hold("awaiting_visit", [chosen])
        await self._send(chosen, channel, now, report)

    async def _send(self, candidate: Candidate, channel: str, now: datetime, report: TickReport) -> None:
        attempt = candidate.attempts + 1
        if not await self._claim(candidate, attempt, channel, now):
            return  # another backend (or a visit) got it first
        if candidate.status == "sending" and candidate.claimed_at is not None:
            # An earlier attempt ended without an answer: did it reach Rasa after all?
            try:
                delivered = await asyncio.get_running_loop().run_in_executor(
                    None, self.tracker.reminder_delivered_since, candidate.chat_id, candidate.claimed_at
                )
            except TranscriptUnavailable:
                return  # stay claimed; decide after the lease, when the store can be read
            if delivered:
                await self._finish(candidate.reminder_id, attempt, sent=True)
                report.sent.append(candidate.reminder_id)
                return
        homework = Homework(candidate.action_id, candidate.text, candidate.due_date)
        outcome = await self.trigger(candidate.chat_id, channel, homework)
        if outcome == DELIVERED:
            await self._finish(candidate.reminder_id, attempt, sent=True)
            report.sent.append(candidate.reminder_id)
        elif outcome in (UNREACHABLE, REFUSED):
            reason = "rasa_unreachable" if outcome == UNREACHABLE else "bot_refused"
            await self._finish(candidate.reminder_id, attempt, sent=False, held=reason)
            report.retry.append(candidate.reminder_id)
            report.held[candidate.reminder_id] = reason
        else:
            report.retry.append(candidate.reminder_id)  # stays claimed until the lease ends

    async def _claim(self, candidate: Candidate, attempt: int, channel: str, now: datetime) -> bool:
        async with self.sessions() as s:
            result = await s.execute(
                update(Reminder)
                .where(
                    Reminder.id == candidate.reminder_id,
                    Reminder.attempts == candidate.attempts,
                    or_(Reminder.status == "pending", and_(Reminder.status == "sending", Reminder.lease_until < now)),
                )
                .values(
                    status="sending", attempts=attempt, claimed_at=now, lease_until=now + self.lease,
                    channel=channel, updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            await s.commit()
            return result.rowcount == 1

    async def _finish(self, reminder_id: int, attempt: int, *, sent: bool, held: Optional[str] = None) -> None:
        now = self.clock()
        values: Dict[str, Any] = {"lease_until": None, "updated_at": now}
        if sent:
            values.update(status="sent", sent_at=now, held=None)
        else:
            values.update(status="pending", held=held)
        async with self.sessions() as s:
            await s.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.attempts == attempt, Reminder.status == "sending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await s.commit()

    async def _set_status(self, ids: List[int], status: str) -> None:
        if not ids:
            return
        async with self.sessions() as s:
            await s.execute(
                update(Reminder)
                .where(Reminder.id.in_(ids), Reminder.status.in_(("pending", "sending")))
                .values(status=status, lease_until=None, held=None, updated_at=self.clock())
                .execution_options(synchronize_session=False)
            )
            await s.commit()

    async def _set_held(self, changed: Dict[int, str]) -> None:
        if not changed:
            return
        async with self.sessions() as s:
            for reminder_id, reason in changed.items():
                await s.execute(
                    update(Reminder)
                    .where(Reminder.id == reminder_id, Reminder.status == "pending")
                    .values(held=reason)
                    .execution_options(synchronize_session=False)
                )
            await s.commit()


# Wiring


SCHEDULER = web.AppKey("reminder_scheduler", ReminderScheduler)


async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    """The tracker store reader, the HTTP client for Rasa, and the background task."""
    reader = TrackerEvents(app[TRACKER_STORE])
    app[TRACKER_EVENTS] = reader
    settings = app[CHANNEL_SETTINGS]
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS))
    trigger = RasaTrigger(http, app[CONFIG].rasa_url, settings.rasa_token)
    scheduler = app[SCHEDULER] = ReminderScheduler(app[db.SESSIONMAKER], reader, trigger, settings)
    async with leases.in_background(scheduler.run_forever()):
        yield
    await http.close()
