"""The client's own say over their dossier, from their 'Mijn dossier' page (backend.chat.own_dossier):
correct or remove one item (GDPR art. 16 and 17), mark an action done, and whether the
counsellor may read the whole conversation.

Every function is scoped to one client: another client's item id is ItemNotFound, as is an item
the client cannot change here (a crisis signal stays for their safety; homework is the
counsellor's, the client can only mark it done). Each change is in the audit log (ids only, no
counsellor), and a corrected item carries the moment, which the counsellor's page shows.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.accounts import client_by_id
from backend.errors import ItemNotFound
from backend.tables import (
    MAX_ID,
    NAME_MAX,
    TEXT_MAX,
    VALUE_MAX,
    Action,
    AuditEntry,
    Client,
    Contact,
    Insight,
    MoodEntry,
    utcnow,
)

CORRECTED = "client_corrected_item"
REMOVED = "client_removed_item"
MARKED_DONE = "client_marked_action_done"
SHARES_TRANSCRIPT = "client_shares_transcript"
HIDES_TRANSCRIPT = "client_hides_transcript"
AUDIT_ACTIONS = (CORRECTED, REMOVED, MARKED_DONE, SHARES_TRANSCRIPT, HIDES_TRANSCRIPT)

MODELS: Dict[str, Type[Any]] = {"insight": Insight, "contact": Contact, "action": Action, "mood": MoodEntry}
# What the client may correct, per kind: field -> (longest value, required). Mood entries can
# only be removed.
FIELDS: Dict[str, Dict[str, Tuple[int, bool]]] = {
    "insight": {"value": (VALUE_MAX, True)},
    "contact": {"name": (NAME_MAX, True), "organisation": (NAME_MAX, False), "help": (TEXT_MAX, False)},
    "action": {"text": (TEXT_MAX, True)},
}


def shown(kind: str, row: Any) -> bool:
    """Whether the page lists the item (and so whether the client can reach it by its id)."""
    if kind == "insight":
        return row.status == "confirmed" and row.category != "crisis"
    return True


def removable(kind: str, row: Any) -> bool:
    return shown(kind, row) and not (kind == "action" and row.created_by != "client")


def correctable(kind: str, row: Any) -> bool:
    return kind in FIELDS and removable(kind, row)


async def item_of(
    s: AsyncSession, client_id: int, kind: str, item_id: int, allowed: Callable[[str, Any], bool] = shown
) -> Any:
    """The client's item, when `allowed` (shown, removable or correctable) holds for it."""
    model = MODELS.get(kind)
    row = None
    if model is not None and 0 < item_id <= MAX_ID:
        row = await s.scalar(select(model).where(model.id == item_id, model.client_id == client_id))
    if row is None or not allowed(kind, row):
        raise ItemNotFound(f"no such {kind} with id {item_id} in this client's dossier")
    return row


def _audit(s: AsyncSession, client_id: int, action: str, at: datetime) -> None:
    s.add(AuditEntry(client_id=client_id, counsellor_id=None, action=action, at=at))


async def correct_item(
    s: AsyncSession, client_id: int, kind: str, item_id: int, values: Mapping[str, Optional[str]]
) -> Any:
    """`values`: checked values of FIELDS[kind] (backend.chat.own_dossier_forms)."""
    row = await item_of(s, client_id, kind, item_id, correctable)
    now = utcnow()
    for field in FIELDS[kind]:
        if field in values:
            setattr(row, field, values[field])
    row.client_edited_at = now
    if kind == "action":
        row.updated_at = now
    _audit(s, client_id, CORRECTED, now)
    await s.commit()
    return row


async def remove_item(s: AsyncSession, client_id: int, kind: str, item_id: int) -> None:
    """Deletes the item (an action's reminder goes with it: ON DELETE CASCADE)."""
    row = await item_of(s, client_id, kind, item_id, removable)
    model = MODELS[kind]
    await s.execute(delete(model).where(model.id == row.id, model.client_id == client_id))
    _audit(s, client_id, REMOVED, utcnow())
    await s.commit()


async def mark_action_done(s: AsyncSession, client_id: int, action_id: int) -> Action:
    """Done, as when the client tells the bot: the bot's follow-up and the reminders read the
    status from here."""
    action = await item_of(s, client_id, "action", action_id)
    if action.status != "done":
        now = utcnow()
        action.status = "done"
        action.obstacle = None
        action.updated_at = action.client_edited_at = now
        _audit(s, client_id, MARKED_DONE, now)
        await s.commit()
    return action


async def set_transcript_sharing(s: AsyncSession, client_id: int, shared: bool) -> Client:
    """Whether the counsellor may read the whole conversation; the choice is kept with its time."""
    client = await client_by_id(s, client_id)
    if client.transcript_shared != shared or client.transcript_choice_at is None:
        now = utcnow()
        client.transcript_shared = shared
        client.transcript_choice_at = now
        _audit(s, client_id, SHARES_TRANSCRIPT if shared else HIDES_TRANSCRIPT, now)
        await s.commit()
    return client


async def removals(s: AsyncSession, client_id: int) -> Tuple[int, Optional[datetime]]:
    """How many items the client removed themselves, and when the last one went."""
    count, last = (
        await s.execute(
            select(func.count(AuditEntry.id), func.max(AuditEntry.at)).where(
                AuditEntry.client_id == client_id, AuditEntry.action == REMOVED
            )
        )
    ).one()
    return count, last
