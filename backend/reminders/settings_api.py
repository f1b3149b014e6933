"""The client's reminder wishes, for the bot: GET and PUT /api/v1/chats/{chat_id}/reminders
(active, stopped, or snoozed until tomorrow) and when the next reminder will come."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Optional

from aiohttp import web
from sqlalchemy import func, select, update

from backend import db
from backend.chat.settings import CHANNEL_SETTINGS, ChannelSettings
from backend.clock import local_zone
from backend.dossier import accounts
from backend.dossier.serializers import iso
from backend.errors import InvalidInput
from backend.reminders.rules import earliest_send, snooze_until
from backend.reminders.scheduler import SCHEDULER
from backend.tables import Action, Client, Reminder, ReminderSettings, utcnow
from backend.web.json_api import read_json

SETTING_STATES = ("active", "stopped", "snoozed_until_tomorrow")


async def _settings_row(s, client_id: int) -> ReminderSettings:
    row = await s.get(ReminderSettings, client_id)
    if row is None:
        row = ReminderSettings(client_id=client_id, state="active", updated_at=utcnow())
        s.add(row)
    return row


async def _next_reminder_at(s, client: Client, row: Optional[ReminderSettings], settings: ChannelSettings, now: datetime) -> Optional[datetime]:
    if (row is not None and row.state == "stopped") or client.trajectory_ended_at is not None:
        return None  # nothing goes out (an ended trajectory holds every reminder)
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
        client = await accounts.client_by_chat_id(s, request.match_info["chat_id"])
        row = await s.get(ReminderSettings, client.id)
        next_at = await _next_reminder_at(s, client, row, request.app[CHANNEL_SETTINGS], now)
        return web.json_response(_settings_json(row, next_at, now))


async def put_reminder_settings(request: web.Request) -> web.Response:
    body = await read_json(request)
    state = body.get("state") if isinstance(body, dict) else None
    if state not in SETTING_STATES:
        raise InvalidInput(f"'state' must be one of {', '.join(SETTING_STATES)}")
    settings = request.app[CHANNEL_SETTINGS]
    now = request.app[SCHEDULER].clock()
    async with db.session(request.app) as s:
        # No consent needed: fewer reminders is never more processing of the client's data.
        client = await accounts.client_by_chat_id(s, request.match_info["chat_id"])
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
