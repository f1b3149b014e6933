"""Reading a dossier back: the short summary the bot refers to in later conversations, and
everything about one client for the export (GDPR portability)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.accounts import client_by_chat_id, client_by_id
from backend.dossier.store import actions_of, all_insights
from backend.tables import (
    Action,
    AuditEntry,
    ChatDevice,
    ClientView,
    Contact,
    Counsellor,
    Flag,
    Insight,
    LinkCode,
    MoodEntry,
    Note,
    Reminder,
    ReminderSettings,
    TelegramLink,
)

SUMMARY_CATEGORIES = ("quality", "motive", "labour_market", "network")
SUMMARY_VALUES_MAX = 10


async def summary(s: AsyncSession, chat_id: str) -> Dict[str, Any]:
    """What the bot needs to refer back to earlier conversations."""
    client = await client_by_chat_id(s, chat_id)
    rows = await s.execute(
        select(Insight.category, Insight.value)
        .where(
            Insight.client_id == client.id,
            Insight.status == "confirmed",
            Insight.category.in_(SUMMARY_CATEGORIES),
        )
        .order_by(Insight.created_at.desc(), Insight.id.desc())
    )
    values: Dict[str, List[str]] = {category: [] for category in SUMMARY_CATEGORIES}
    for category, value in rows:
        # Newest first, each value once, a handful per category: enough to refer back.
        found = values[category]
        if value not in found and len(found) < SUMMARY_VALUES_MAX:
            found.append(value)
    return {
        "client": client,
        "insights": values,
        "open_actions": await actions_of(s, client.id, unfinished=True),
    }


async def _all(s: AsyncSession, model: Type[Any], client_id: int, *order) -> List[Any]:
    return list(await s.scalars(select(model).where(model.client_id == client_id).order_by(*order)))


# Every table that holds rows about one client, and the key its rows have in the export
# (tests/backend/test_export.py fails when a table with a client_id is missing here).
EXPORTED_TABLES = {
    "clients": "client",
    "insights": "insights",
    "actions": "actions",
    "contacts": "contacts",
    "flags": "flags",
    "mood_entries": "mood",
    "notes": "notes",
    "reminders": "reminders",
    "reminder_settings": "reminder_settings",
    "telegram_links": "telegram",
    "chat_devices": "devices",
    "link_codes": "link_codes",
    "client_views": "dashboard_visits",
    "audit_entries": "audit",
}


async def dossier(s: AsyncSession, client_id: int) -> Dict[str, Any]:
    client = await client_by_id(s, client_id)
    return {
        "client": client,
        "insights": await all_insights(s, client.id),
        "actions": await _all(s, Action, client.id, Action.created_at, Action.id),
        "contacts": await _all(s, Contact, client.id, Contact.created_at, Contact.id),
        "flags": await _all(s, Flag, client.id, Flag.created_at, Flag.id),
        "mood": await _all(s, MoodEntry, client.id, MoodEntry.at, MoodEntry.id),
        "notes": await _all(s, Note, client.id, Note.created_at, Note.id),
        "reminders": await _all(s, Reminder, client.id, Reminder.due_at, Reminder.id),
        "reminder_settings": await s.get(ReminderSettings, client.id),
        "telegram": await s.get(TelegramLink, client.id),
        "devices": await _all(s, ChatDevice, client.id, ChatDevice.created_at, ChatDevice.id),
        "link_codes": await _all(s, LinkCode, client.id, LinkCode.created_at, LinkCode.id),
        "dashboard_visits": await _by_counsellor(s, ClientView, client.id, ClientView.viewed_at),
        "audit": await _by_counsellor(s, AuditEntry, client.id, AuditEntry.at, AuditEntry.id),
    }


async def _by_counsellor(
    s: AsyncSession, model: Type[Any], client_id: int, *order
) -> List[Tuple[Any, Optional[str]]]:
    """Rows with the name of the counsellor they are about (None: the client, the CLI or a job)."""
    rows = await s.execute(
        select(model, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.id == model.counsellor_id)
        .where(model.client_id == client_id)
        .order_by(*order)
    )
    return [(row, name) for row, name in rows]
