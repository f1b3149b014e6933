"""Homework reminders, scheduled by the backend (Rasa's own reminders live in memory and are
lost at every restart).

Every REMINDER_INTERVAL_SECONDS a background task looks for due reminders and, when the rules
allow (consent, not stopped or snoozed, quiet hours, once a day, not in the middle of a chat),
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

import aiohttp
from aiohttp import web
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from backend import db
from backend.chat.settings import CHANNEL_SETTINGS, ChannelSettings
from backend.clock import local_zone
from backend.config import CONFIG
from backend.dossier import store as queries
from backend.dossier.api import _json_body
from backend.dossier.serializers import iso
from backend.errors import InvalidInput
from backend.jobs import leases
from backend.rasa.tracker_events import (
    REMINDER_INTENT,
    TRACKER_EVENTS,
    TrackerEvents,
    TranscriptUnavailable,
)
from backend.reminders.rules import earliest_send, is_busy, snooze_until
from backend.tables import Action, Client, Reminder, ReminderSettings, TelegramLink, utcnow

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RASA_TIMEOUT_SECONDS = 30
BATCH = 200
PUSH_CHANNELS = ("telegram",)
WEB_CHANNEL = "socketio"
SETTING_STATES = ("active", "stopped", "snoozed_until_tomorrow")

DELIVERED, UNREACHABLE, REFUSED, UNCERTAIN = "delivered", "unreachable", "refused", "uncertain"


class RasaTrigger:
    """Asks Rasa to run the reminder intent in a client's conversation."""

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: Optional[str] = None) -> None:
        self.http = http
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token

    async def __call__(self, chat_id: str, channel: str, homework: str) -> str:
        url = f"{self.rasa_url}/conversations/{quote(chat_id, safe='')}/trigger_intent"
        params = {"output_channel": channel, "include_events": "NONE"}
        if self.token:
            params["token"] = self.token
        body = {"name": REMINDER_INTENT, "entities": {"homework": homework}}
        try:
            async with self.http.post(url, params=params, json=body) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientConnectorError:
            return UNREACHABLE  # nothing reached Rasa: safe to try again
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("reminder trigger for a chat ended without an answer: %s", type(exc).__name__)
            return UNCERTAIN
        if status == 200:
            return DELIVERED
        if status in (404, 400, 401, 403, 409):
            # No model loaded yet, or a model without the reminder intent: Rasa ran nothing.
            logger.warning("Rasa refused the reminder trigger with HTTP %s", status)
            return REFUSED
        logger.warning("Rasa answered the reminder trigger with HTTP %s", status)
        return UNCERTAIN


@dataclass
class Candidate:
    reminder_id: int
    attempts: int
    status: str
    claimed_at: Optional[datetime]
    due_at: datetime
    held: Optional[str]
    client_id: int
    chat_id: str
    consent: Optional[bool]
    action_status: str
    text: str
    state: str
    snoozed_until: Optional[datetime]
    telegram_chat_id: Optional[str]


@dataclass
class TickReport:
    sent: List[int] = field(default_factory=list)
    held: Dict[int, str] = field(default_factory=dict)
    cancelled: List[int] = field(default_factory=list)
    retry: List[int] = field(default_factory=list)


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
        await self.create_missing()
        return await self._process(await self._candidates(now), now, visit=False)

    async def deliver_at_visit(self, client_id: int) -> int:
        """The client opened the web chat: what is due now shows up in it."""
        now = self.clock()
        await self.create_missing()
        report = await self._process(await self._candidates(now, client_id), now, visit=True)
        return len(report.sent)

    # Reading

    async def create_missing(self) -> None:
        """One reminder row for every open homework action with a reminder time."""
        async with self.sessions() as s:
            rows = (
                await s.execute(
                    select(Action.id, Action.client_id, Action.reminder_at)
                    .outerjoin(Reminder, Reminder.action_id == Action.id)
                    .where(
                        Action.is_homework.is_(True),
                        Action.reminder_at.isnot(None),
                        Action.status == "open",
                        Reminder.id.is_(None),
                    )
                    .limit(BATCH)
                )
            ).all()
            for action_id, client_id, reminder_at in rows:
                now = self.clock()
                s.add(Reminder(client_id=client_id, action_id=action_id, due_at=reminder_at, status="pending", attempts=0, created_at=now, updated_at=now))
                try:
                    await s.commit()
                except IntegrityError:  # another backend made it first
                    await s.rollback()

    async def _candidates(self, now: datetime, client_id: Optional[int] = None) -> List[Candidate]:
        query = (
            select(
                Reminder.id, Reminder.attempts, Reminder.status, Reminder.claimed_at, Reminder.due_at,
                Reminder.held, Client.id, Client.chat_id, Client.consent_given, Action.status, Action.text,
                ReminderSettings.state, ReminderSettings.snoozed_until, TelegramLink.telegram_chat_id,
            )
            .join(Action, Action.id == Reminder.action_id)
            .join(Client, Client.id == Reminder.client_id)
            .outerjoin(ReminderSettings, ReminderSettings.client_id == Client.id)
            .outerjoin(TelegramLink, TelegramLink.client_id == Client.id)
            .where(
                Reminder.due_at <= now,
                or_(Reminder.status == "pending", and_(Reminder.status == "sending", Reminder.lease_until < now)),
            )
            .order_by(Reminder.due_at, Reminder.id)
            .limit(BATCH)
        )
        if client_id is not None:
            query = query.where(Reminder.client_id == client_id)
        async with self.sessions() as s:
            rows = (await s.execute(query)).all()
        return [
            Candidate(*row[:11], state=row[11] or "active", snoozed_until=row[12], telegram_chat_id=row[13])
            for row in rows
        ]

    async def _client_facts(self, client_ids: List[int], now: datetime) -> Tuple[Dict[int, datetime], set]:
        """Per client: when the last reminder went out, and whether one is being sent now."""
        if not client_ids:
            return {}, set()
        async with self.sessions() as s:
            last = dict(
                (
                    await s.execute(
                        select(Reminder.client_id, func.max(Reminder.sent_at))
                        .where(Reminder.client_id.in_(client_ids), Reminder.sent_at.isnot(None))
                        .group_by(Reminder.client_id)
                    )
                ).all()
            )
            in_flight = set(
                await s.scalars(
                    select(Reminder.client_id).where(
                        Reminder.client_id.in_(client_ids), Reminder.status == "sending", Reminder.lease_until >= now
                    )
                )
            )
        return last, in_flight

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

        last_sent, in_flight = await self._client_facts(list(by_client), now)
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
        outcome = await self.trigger(candidate.chat_id, channel, candidate.text)
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


# The client's wishes: snooze, stop, resume (the bot calls these)


async def _settings_row(s, client_id: int) -> ReminderSettings:
    row = await s.get(ReminderSettings, client_id)
    if row is None:
        row = ReminderSettings(client_id=client_id, state="active", updated_at=utcnow())
        s.add(row)
    return row


async def _next_reminder_at(s, client: Client, row: Optional[ReminderSettings], settings: ChannelSettings, now: datetime) -> Optional[datetime]:
    if row is not None and row.state == "stopped":
        return None
    due = await s.scalar(
        select(func.min(Reminder.due_at))
        .join(Action, Action.id == Reminder.action_id)
        .where(Reminder.client_id == client.id, Reminder.status.in_(("pending", "sending")), Action.status == "open")
    )
    if due is None:
        return None
    last_sent = await s.scalar(select(func.max(Reminder.sent_at)).where(Reminder.client_id == client.id))
    timing = earliest_send(
        due, zone=local_zone(), quiet=settings.quiet_hours, last_sent_at=last_sent,
        snoozed_until=row.snoozed_until if row is not None else None, now=now,
    )
    return timing.at


def _settings_json(row: Optional[ReminderSettings], next_at: Optional[datetime], now: datetime) -> Dict[str, Any]:
    state = row.state if row is not None else "active"
    snoozed = row.snoozed_until if row is not None and row.snoozed_until and row.snoozed_until > now else None
    if state == "active" and snoozed is not None:
        state = "snoozed_until_tomorrow"
    return {"state": state, "snoozed_until": iso(snoozed), "next_reminder_at": iso(next_at)}


async def get_reminder_settings(request: web.Request) -> web.Response:
    now = request.app[SCHEDULER].clock()
    async with db.session(request.app) as s:
        client = await queries.client_by_chat_id(s, request.match_info["chat_id"])
        row = await s.get(ReminderSettings, client.id)
        next_at = await _next_reminder_at(s, client, row, request.app[CHANNEL_SETTINGS], now)
        return web.json_response(_settings_json(row, next_at, now))


async def put_reminder_settings(request: web.Request) -> web.Response:
    body = await _json_body(request)
    state = body.get("state") if isinstance(body, dict) else None
    if state not in SETTING_STATES:
        raise InvalidInput(f"'state' must be one of {', '.join(SETTING_STATES)}")
    settings = request.app[CHANNEL_SETTINGS]
    now = request.app[SCHEDULER].clock()
    async with db.session(request.app) as s:
        # No consent needed: fewer reminders is never more processing of the client's data.
        client = await queries.client_by_chat_id(s, request.match_info["chat_id"])
        row = await _settings_row(s, client.id)
        row.updated_at = now
        if state == "snoozed_until_tomorrow":
            until = snooze_until(now, local_zone(), settings.quiet_hours)
            row.state, row.snoozed_until = "active", until
            # The reminder the client just got comes back tomorrow (if the homework is still open).
            open_actions = select(Action.id).where(Action.client_id == client.id, Action.status == "open")
            await s.execute(
                update(Reminder)
                .where(
                    Reminder.client_id == client.id,
                    Reminder.status == "sent",
                    Reminder.sent_at >= now - timedelta(days=1),
                    Reminder.action_id.in_(open_actions),
                )
                .values(status="pending", due_at=until, held="snoozed", updated_at=now)
                .execution_options(synchronize_session=False)
            )
        else:
            row.state, row.snoozed_until = state, None
        await s.commit()
        next_at = await _next_reminder_at(s, client, row, settings, now)
        return web.json_response(_settings_json(row, next_at, now))


# Wiring


SCHEDULER = web.AppKey("reminder_scheduler", ReminderScheduler)


async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    """The tracker store reader, the HTTP client for Rasa, and the background task."""
    reader = TrackerEvents(app[CONFIG].tracker_store_url)
    app[TRACKER_EVENTS] = reader
    settings = app[CHANNEL_SETTINGS]
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS))
    trigger = RasaTrigger(http, app[CONFIG].rasa_url, settings.rasa_token)
    scheduler = app[SCHEDULER] = ReminderScheduler(app[db.SESSIONMAKER], reader, trigger, settings)
    async with leases.in_background(scheduler.run_forever()):
        yield
    await http.close()
    await asyncio.get_running_loop().run_in_executor(None, reader.close)
