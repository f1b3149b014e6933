"""What the bot writes into the dossier through the API (consent, insights, topic, address,
contacts, actions, mood, flags) and the lists it reads back. Writers commit; all raise domain
errors."""
from __future__ import annotations

from typing import Any, List, Optional, Tuple, Type

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.accounts import client_by_chat_id
from backend.dossier.inputs import (
    ActionInput,
    ActionUpdate,
    ConsentInput,
    ContactInput,
    FlagInput,
    InsightInput,
    MoodInput,
)
from backend.errors import ActionNotFound, ContactNotFound, NoConsent
from backend.jobs.no_activity import resolve_no_activity
from backend.tables import MAX_ID, Action, Client, Contact, Flag, Insight, MoodEntry, utcnow


async def set_consent(s: AsyncSession, chat_id: str, consent: ConsentInput) -> Client:
    """A "no" after a "yes" withdraws the consent: the dashboard hides the dossier from then on,
    and backend.jobs.withdrawal erases it after the grace period unless a "yes" comes first. A
    "no" that repeats a withdrawal keeps its first moment, so the grace period is not extended."""
    client = await client_by_chat_id(s, chat_id)
    now = utcnow()
    if consent.given:
        client.consent_withdrawn_at = None
    elif client.consent_given is True:
        client.consent_withdrawn_at = now
    client.consent_given = consent.given
    client.consent_at = now
    client.consent_version = consent.version
    client.last_activity_at = now
    await s.commit()
    return client


# Insights


async def _insight_id_by_key(s: AsyncSession, client_id: int, key: str) -> Optional[int]:
    return await s.scalar(
        select(Insight.id).where(Insight.client_id == client_id, Insight.idempotency_key == key)
    )


async def _active_client(s: AsyncSession, chat_id: str, *, needs_consent: bool = True) -> Client:
    """The client writing through the bot; the write counts as activity."""
    client = await client_by_chat_id(s, chat_id)
    if needs_consent and client.consent_given is not True:
        raise NoConsent("the client has not given consent")
    client.last_activity_at = utcnow()
    await resolve_no_activity(s, client.id)  # committed with the write itself
    return client


async def add_insight(s: AsyncSession, chat_id: str, data: InsightInput) -> Tuple[int, bool]:
    """Stores an insight once per idempotency key: (insight id, created).

    A crisis insight also raises a crisis flag, in the same transaction."""
    # A crisis signal is always kept for the counsellor, consent or not: safety comes first.
    client = await _active_client(s, chat_id, needs_consent=data.category != "crisis")
    client_id = client.id
    existing = await _insight_id_by_key(s, client_id, data.key)
    if existing is not None:
        await s.commit()
        return existing, False
    insight = Insight(
        client_id=client_id,
        category=data.category,
        value=data.value,
        sentence=data.sentence,
        status=data.status,
        said_at=data.said_at,
        idempotency_key=data.key,
    )
    s.add(insight)
    try:
        if data.category == "crisis":
            await s.flush()  # the flag points at the insight's id
            s.add(
                Flag(
                    client_id=client_id,
                    kind="crisis",
                    message=data.sentence or data.value,
                    insight_id=insight.id,
                )
            )
        await s.commit()
    except IntegrityError:
        # A retry of the same write arrived at the same time and won the insert.
        await s.rollback()
        existing = await _insight_id_by_key(s, client_id, data.key)
        if existing is None:
            raise
        return existing, False
    return insight.id, True


async def confirmed_insights(
    s: AsyncSession, client_id: int, category: Optional[str] = None
) -> List[Insight]:
    query = select(Insight).where(Insight.client_id == client_id, Insight.status == "confirmed")
    if category is not None:
        query = query.where(Insight.category == category)
    result = await s.scalars(query.order_by(Insight.created_at.desc(), Insight.id.desc()))
    return list(result)


async def all_insights(s: AsyncSession, client_id: int) -> List[Insight]:
    result = await s.scalars(
        select(Insight).where(Insight.client_id == client_id).order_by(Insight.created_at, Insight.id)
    )
    return list(result)


# Idempotent writes from the bot: one row per (client, key), however often it is retried.


async def _id_by_key(s: AsyncSession, model: Type[Any], client_id: int, key: str) -> Optional[int]:
    return await s.scalar(
        select(model.id).where(model.client_id == client_id, model.idempotency_key == key)
    )


async def _insert_once(s: AsyncSession, row: Any) -> Tuple[int, bool]:
    """Commits `row` unless a row with its key exists: (id, created). Also commits the
    activity time set by _active_client."""
    model, client_id, key = type(row), row.client_id, row.idempotency_key
    existing = await _id_by_key(s, model, client_id, key)
    if existing is not None:
        await s.commit()
        return existing, False
    s.add(row)
    try:
        await s.commit()
    except IntegrityError:
        # A retry of the same write arrived at the same time and won the insert.
        await s.rollback()
        existing = await _id_by_key(s, model, client_id, key)
        if existing is None:
            raise
        return existing, False
    return row.id, True


async def set_topic(s: AsyncSession, chat_id: str, topic: str) -> None:
    client = await _active_client(s, chat_id)
    client.last_topic = topic
    await s.commit()


async def set_address(s: AsyncSession, chat_id: str, formal: bool) -> Client:
    # Allowed before consent: how the bot speaks to the client is not dossier content.
    client = await client_by_chat_id(s, chat_id)
    client.formal_address = formal
    await s.commit()
    return client


async def add_contact(s: AsyncSession, chat_id: str, data: ContactInput) -> Tuple[int, bool]:
    client = await _active_client(s, chat_id)
    return await _insert_once(
        s,
        Contact(
            client_id=client.id,
            name=data.name,
            circle=data.circle,
            organisation=data.organisation,
            help=data.help,
            sentence=data.sentence,
            idempotency_key=data.key,
        ),
    )


async def set_contacted(s: AsyncSession, chat_id: str, contact_id: int, contacted: bool) -> Contact:
    client = await _active_client(s, chat_id)
    contact = None
    if 0 < contact_id <= MAX_ID:
        contact = await s.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.client_id == client.id)
        )
    if contact is None:
        raise ContactNotFound(f"no contact with id {contact_id} for this client")
    contact.contacted = contacted
    await s.commit()
    return contact


async def add_client_action(s: AsyncSession, chat_id: str, data: ActionInput) -> Tuple[int, bool]:
    client = await _active_client(s, chat_id)
    now = utcnow()
    return await _insert_once(
        s,
        Action(
            client_id=client.id,
            text=data.text,
            due_date=data.due_date,
            measure=data.measure,
            source_insight=data.source_insight,
            status="open",
            created_by="client",
            is_homework=False,
            created_at=now,
            updated_at=now,
            idempotency_key=data.key,
        ),
    )


def _action_order():
    # Homework first, then by due date (undated last), then oldest first.
    return (Action.is_homework.desc(), Action.due_date.is_(None), Action.due_date, Action.id)


async def actions_of(
    s: AsyncSession, client_id: int, status: Optional[str] = None, *, unfinished: bool = False
) -> List[Action]:
    query = select(Action).where(Action.client_id == client_id)
    if status is not None:
        query = query.where(Action.status == status)
    if unfinished:
        query = query.where(Action.status != "done")
    return list(await s.scalars(query.order_by(*_action_order())))


async def update_action(
    s: AsyncSession, chat_id: str, action_id: int, update: ActionUpdate
) -> Action:
    client = await _active_client(s, chat_id)
    action = None
    if 0 < action_id <= MAX_ID:
        # Scoped to the client: another client's action id is simply not found.
        action = await s.scalar(
            select(Action).where(Action.id == action_id, Action.client_id == client.id)
        )
    if action is None:
        raise ActionNotFound(f"no action with id {action_id} for this client")
    for field, value in update.changes().items():
        setattr(action, field, value)
    action.updated_at = utcnow()
    await s.commit()
    return action


async def add_mood(s: AsyncSession, chat_id: str, data: MoodInput) -> Tuple[int, bool]:
    client = await _active_client(s, chat_id)
    return await _insert_once(
        s,
        MoodEntry(
            client_id=client.id, mood=data.mood, sentence=data.sentence, idempotency_key=data.key
        ),
    )


async def add_flag(s: AsyncSession, chat_id: str, data: FlagInput) -> Tuple[int, bool]:
    # A crisis flag is always kept, consent or not: safety comes first.
    client = await _active_client(s, chat_id, needs_consent=data.kind != "crisis")
    return await _insert_once(
        s,
        Flag(client_id=client.id, kind=data.kind, message=data.message, idempotency_key=data.key),
    )


