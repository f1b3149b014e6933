"""Small async query functions on an AsyncSession. Writers commit; all raise domain errors."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Type

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.validation import (
    ActionInput,
    ActionUpdate,
    ConsentInput,
    ContactInput,
    FlagInput,
    InsightInput,
    MoodInput,
    chat_id_ok,
)
from backend.errors import (
    ActionNotFound,
    ClientNotFound,
    ContactNotFound,
    CounsellorNotFound,
    DuplicateEmail,
    NoConsent,
)
from backend.jobs.no_activity import resolve_no_activity
from backend.tables import (
    MAX_ID,
    Action,
    Client,
    Contact,
    Counsellor,
    Flag,
    Insight,
    MoodEntry,
    Note,
    utcnow,
)


def new_token() -> str:
    # 16 random bytes -> 22 url-safe characters, unguessable and fine in a URL.
    return secrets.token_urlsafe(16)


# Counsellors


async def create_counsellor(s: AsyncSession, email: str, name: str, password_hash: str) -> Counsellor:
    """`email` must already be normalised (backend.dossier.validation.email)."""
    if await s.scalar(select(Counsellor.id).where(Counsellor.email == email)) is not None:
        raise DuplicateEmail("a counsellor with this e-mail address already exists")
    counsellor = Counsellor(email=email, name=name, password_hash=password_hash)
    s.add(counsellor)
    try:
        await s.commit()
    except IntegrityError:  # lost a race with another insert of the same address
        await s.rollback()
        raise DuplicateEmail("a counsellor with this e-mail address already exists") from None
    return counsellor


async def counsellor_by_email(s: AsyncSession, email: str) -> Counsellor:
    counsellor = await s.scalar(select(Counsellor).where(Counsellor.email == email))
    if counsellor is None:
        raise CounsellorNotFound("no counsellor with this e-mail address")
    return counsellor


async def counsellor_by_id(s: AsyncSession, counsellor_id: int) -> Counsellor:
    counsellor = await s.get(Counsellor, counsellor_id) if 0 < counsellor_id <= MAX_ID else None
    if counsellor is None:
        raise CounsellorNotFound(f"no counsellor with id {counsellor_id}")
    return counsellor


async def set_password_hash(s: AsyncSession, counsellor_id: int, password_hash: str) -> None:
    counsellor = await counsellor_by_id(s, counsellor_id)
    counsellor.password_hash = password_hash
    await s.commit()


# Clients


async def create_client(s: AsyncSession, counsellor_id: int, name: str) -> Client:
    await counsellor_by_id(s, counsellor_id)
    client = Client(
        counsellor_id=counsellor_id, name=name, chat_id=new_token(), invite_token=new_token()
    )
    s.add(client)
    await s.commit()
    return client


async def client_by_id(s: AsyncSession, client_id: int) -> Client:
    client = await s.get(Client, client_id) if 0 < client_id <= MAX_ID else None
    if client is None:
        raise ClientNotFound(f"no client with id {client_id}")
    return client


async def client_by_chat_id(s: AsyncSession, chat_id: str) -> Client:
    client = None
    if chat_id_ok(chat_id):
        client = await s.scalar(select(Client).where(Client.chat_id == chat_id))
    if client is None:
        raise ClientNotFound("no client with this chat id")
    return client


async def client_of_counsellor(s: AsyncSession, counsellor_id: int, client_id: int) -> Client:
    """Another counsellor's client is 'not found' too: ids must not reveal who exists."""
    client = None
    if 0 < client_id <= MAX_ID:
        client = await s.scalar(
            select(Client).where(Client.id == client_id, Client.counsellor_id == counsellor_id)
        )
    if client is None:
        raise ClientNotFound(f"no client with id {client_id} for this counsellor")
    return client


async def client_by_name(s: AsyncSession, counsellor_id: int, name: str) -> Optional[Client]:
    return await s.scalar(
        select(Client)
        .where(Client.counsellor_id == counsellor_id, Client.name == name)
        .order_by(Client.id)
        .limit(1)
    )


@dataclass(frozen=True)
class ClientRow:
    id: int
    name: str
    last_activity_at: Optional[datetime]
    confirmed_insights: int


async def clients_overview(s: AsyncSession, counsellor_id: int) -> List[ClientRow]:
    confirmed = func.count(Insight.id)
    rows = await s.execute(
        select(Client.id, Client.name, Client.last_activity_at, confirmed)
        .outerjoin(Insight, and_(Insight.client_id == Client.id, Insight.status == "confirmed"))
        .where(Client.counsellor_id == counsellor_id)
        .group_by(Client.id, Client.name, Client.last_activity_at)
        .order_by(func.lower(Client.name), Client.id)
    )
    return [ClientRow(*row) for row in rows]


async def set_consent(s: AsyncSession, chat_id: str, consent: ConsentInput) -> Client:
    client = await client_by_chat_id(s, chat_id)
    now = utcnow()
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


# Everything about one client, for the export (GDPR portability).


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
