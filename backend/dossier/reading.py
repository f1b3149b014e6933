"""Reading a dossier back: the short summary the bot refers to in later conversations, and
everything about one client for the export (GDPR portability)."""
from __future__ import annotations

from typing import Any, Dict, List, Type

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.accounts import client_by_chat_id, client_by_id
from backend.dossier.store import actions_of, all_insights
from backend.tables import Action, Contact, Flag, Insight, MoodEntry, Note

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
    }
