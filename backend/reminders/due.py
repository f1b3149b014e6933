"""Which reminders are due, with what the scheduler needs to decide about each, and the reminder
that a homework with a reminder time gets when it is assigned."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Dict, List, Optional, Tuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.tables import Action, Client, Reminder, ReminderSettings, TelegramLink

BATCH = 200


def reminder_for(action: Action, now: datetime) -> Reminder:
    """The pending reminder of a homework with a reminder time (the action flushed, so it has
    its id). Add it in the homework's own transaction: no homework waits for its reminder."""
    return Reminder(
        client_id=action.client_id, action_id=action.id, due_at=action.reminder_at, status="pending",
        attempts=0, created_at=now, updated_at=now,
    )


@dataclass
class Candidate:
    reminder_id: int
    action_id: int
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
    due_date: Optional[date]
    state: str
    snoozed_until: Optional[datetime]
    telegram_chat_id: Optional[str]
    trajectory_ended_at: Optional[datetime] = None


@dataclass
class TickReport:
    sent: List[int] = field(default_factory=list)
    held: Dict[int, str] = field(default_factory=dict)
    cancelled: List[int] = field(default_factory=list)
    retry: List[int] = field(default_factory=list)


async def due(s: AsyncSession, now: datetime, client_id: Optional[int] = None) -> List[Candidate]:
    """Reminders to send now (pending, or claimed by a sender whose lease ended), oldest first."""
    query = (
        select(
            Reminder.id, Reminder.action_id, Reminder.attempts, Reminder.status, Reminder.claimed_at,
            Reminder.due_at, Reminder.held, Client.id, Client.chat_id, Client.consent_given, Action.status,
            Action.text, Action.due_date, ReminderSettings.state, ReminderSettings.snoozed_until, TelegramLink.telegram_chat_id,
            Client.trajectory_ended_at,
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
    rows = (await s.execute(query)).all()
    return [
        Candidate(
            *row[:13], state=row[13] or "active", snoozed_until=row[14], telegram_chat_id=row[15],
            trajectory_ended_at=row[16],
        )
        for row in rows
    ]


async def client_facts(s: AsyncSession, client_ids: List[int], now: datetime) -> Tuple[Dict[int, datetime], set]:
    """Per client: when the last reminder went out, and whether one is being sent now."""
    if not client_ids:
        return {}, set()
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
