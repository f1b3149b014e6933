"""Query functions for the counsellor's side (the client list is in client_list): one client's
page, homework, notes, flags, last visits and the audit trail. Every function takes the counsellor's id and
only ever touches that counsellor's clients (others are ClientNotFound)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Dict, List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dashboard.listing import crisis_urgency
from backend.dossier import client_edits
from backend.dossier.accounts import client_of_counsellor
from backend.dossier.store import actions_of
from backend.errors import FlagNotFound
from backend.reminders.due import reminder_for
from backend.tables import (
    MAX_ID,
    Action,
    AuditEntry,
    Client,
    ClientView,
    Contact,
    Counsellor,
    Flag,
    Insight,
    MoodEntry,
    Note,
    utcnow,
)

# One client's page.


@dataclass(frozen=True)
class ClientDossier:
    client: Client
    previous_view: Optional[datetime]
    insights: List[Insight]
    contacts: List[Contact]
    actions: List[Action]
    mood: List[MoodEntry]
    flags: List[Flag]
    notes: List[Tuple[Note, str]]  # (note, author's name)
    crisis_values: Dict[int, str] = field(default_factory=dict)  # flag id: the bot's words for it
    # (how many items the client removed on their 'Mijn dossier' page, when the last one went)
    client_removals: Tuple[int, Optional[datetime]] = (0, None)


async def client_dossier(
    s: AsyncSession, counsellor_id: int, client_id: int, *, record_view: bool = True
) -> ClientDossier:
    """Everything the client page shows; reading it is audited and counts as a visit. After a
    withdrawn consent only the crisis flags (safety first): the rest waits for its erasure
    unseen (backend.jobs.withdrawal)."""
    client = await client_of_counsellor(s, counsellor_id, client_id)
    previous = await s.scalar(
        select(ClientView.viewed_at).where(
            ClientView.counsellor_id == counsellor_id, ClientView.client_id == client.id
        )
    )
    if client.consent_withdrawn_at is not None:
        content = DossierContent()
        flags, crisis_values = await client_flags(s, client.id, Flag.kind == "crisis")
    else:
        content = await dossier_content(s, client.id)
        flags, crisis_values = await client_flags(s, client.id)
    removed = await client_edits.removals(s, client.id)
    if record_view:
        await _record_view(s, counsellor_id, client.id)
        s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="view_client"))
        await s.commit()
    return ClientDossier(
        client, previous, content.insights, content.contacts, content.actions, content.mood, flags, content.notes,
        crisis_values, removed,
    )


@dataclass
class DossierContent:
    """What the client gave under their consent, and the counsellor's notes about it."""

    insights: List[Insight] = field(default_factory=list)
    contacts: List[Contact] = field(default_factory=list)
    actions: List[Action] = field(default_factory=list)
    mood: List[MoodEntry] = field(default_factory=list)
    notes: List[Tuple[Note, str]] = field(default_factory=list)


async def dossier_content(s: AsyncSession, client_id: int) -> DossierContent:
    """The client's confirmed insights (newest first), contacts, actions, mood and the notes;
    the client's own 'Mijn dossier' page reads the same."""
    def of_client(model):
        return select(model).where(model.client_id == client_id)

    notes = (
        await s.execute(
            select(Note, Counsellor.name)
            .join(Counsellor, Counsellor.id == Note.counsellor_id)
            .where(Note.client_id == client_id)
            .order_by(Note.created_at.desc(), Note.id.desc())
        )
    ).all()
    return DossierContent(
        insights=list(
            await s.scalars(
                of_client(Insight)
                .where(Insight.status == "confirmed")
                .order_by(Insight.created_at.desc(), Insight.id.desc())
            )
        ),
        contacts=list(await s.scalars(of_client(Contact).order_by(Contact.created_at, Contact.id))),
        actions=await actions_of(s, client_id),
        mood=list(await s.scalars(of_client(MoodEntry).order_by(MoodEntry.at, MoodEntry.id))),
        notes=[(note, name) for note, name in notes],
    )


async def client_flags(s: AsyncSession, client_id: int, *where) -> Tuple[List[Flag], Dict[int, str]]:
    """The client's flags, open and most urgent first, and the bot's words of each crisis flag."""
    flagged = (
        await s.execute(
            select(Flag)
            .where(Flag.client_id == client_id, *where)
            .add_columns(Insight.value)
            .outerjoin(Insight, Insight.id == Flag.insight_id)
            .order_by(Flag.resolved_at.is_not(None), crisis_urgency().desc(), Flag.created_at.desc(), Flag.id.desc())
        )
    ).all()
    crisis_values = {flag.id: value for flag, value in flagged if flag.kind == "crisis" and value}
    return [flag for flag, _ in flagged], crisis_values


async def _record_view(s: AsyncSession, counsellor_id: int, client_id: int) -> None:
    now = utcnow()
    result = await s.execute(
        update(ClientView)
        .where(ClientView.counsellor_id == counsellor_id, ClientView.client_id == client_id)
        .values(viewed_at=now)
    )
    if result.rowcount == 0:
        try:
            async with s.begin_nested():
                s.add(ClientView(counsellor_id=counsellor_id, client_id=client_id, viewed_at=now))
        except IntegrityError:
            pass  # the same page opened twice at once: the other request recorded the visit


async def audit(s: AsyncSession, counsellor_id: Optional[int], client_id: int, action: str) -> None:
    s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client_id, action=action))
    await s.commit()


# Changes made by the counsellor.


async def assign_homework(
    s: AsyncSession,
    counsellor_id: int,
    client_id: int,
    text: str,
    due_date: date,
    reminder_at: Optional[datetime],
) -> Action:
    client = await client_of_counsellor(s, counsellor_id, client_id)
    now = utcnow()
    action = Action(
        client_id=client.id,
        text=text,
        due_date=due_date,
        reminder_at=reminder_at,
        status="open",
        created_by="counsellor",
        is_homework=True,
        created_at=now,
        updated_at=now,
    )
    s.add(action)
    if reminder_at is not None:
        await s.flush()  # the action's id, for its reminder
        s.add(reminder_for(action, now))
    s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="assign_homework"))
    await s.commit()  # one transaction: homework, its reminder and its audit entry, or none
    return action


async def add_note(s: AsyncSession, counsellor_id: int, client_id: int, text: str) -> Note:
    client = await client_of_counsellor(s, counsellor_id, client_id)
    note = Note(client_id=client.id, counsellor_id=counsellor_id, text=text)
    s.add(note)
    s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="add_note"))
    await s.commit()
    return note


async def set_retention(s: AsyncSession, counsellor_id: int, client_id: int, days: Optional[int]) -> Client:
    """The client's own retention period (None: the organisation's default; 0: keep)."""
    client = await client_of_counsellor(s, counsellor_id, client_id)
    client.retention_days = days
    s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="set_retention"))
    await s.commit()
    return client


async def resolve_flag(s: AsyncSession, counsellor_id: int, client_id: int, flag_id: int) -> Flag:
    client = await client_of_counsellor(s, counsellor_id, client_id)
    flag = None
    if 0 < flag_id <= MAX_ID:
        flag = await s.scalar(select(Flag).where(Flag.id == flag_id, Flag.client_id == client.id))
    if flag is None:
        raise FlagNotFound(f"no flag with id {flag_id} for this client")
    if flag.resolved_at is None:
        flag.resolved_at = utcnow()
        s.add(AuditEntry(counsellor_id=counsellor_id, client_id=client.id, action="resolve_flag"))
        await s.commit()
    return flag


async def audit_entries(s: AsyncSession, client_id: int) -> List[AuditEntry]:
    return list(
        await s.scalars(
            select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id)
        )
    )


async def pop_material(s: AsyncSession, counsellor_id: int, client_id: int) -> ClientDossier:
    """What goes into the POP draft; the export is audited (it is not a visit)."""
    dossier = await client_dossier(s, counsellor_id, client_id, record_view=False)
    await audit(s, counsellor_id, dossier.client.id, "export_pop")
    return dossier
