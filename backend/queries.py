"""Small async query functions on an AsyncSession. Writers commit; all raise domain errors."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional, Tuple

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import ClientNotFound, CounsellorNotFound, DuplicateEmail, NoConsent
from backend.models import MAX_ID, Client, Counsellor, Insight, utcnow
from backend.validation import ConsentInput, InsightInput, chat_id_ok


def new_token() -> str:
    # 16 random bytes -> 22 url-safe characters, unguessable and fine in a URL.
    return secrets.token_urlsafe(16)


# Counsellors


async def create_counsellor(s: AsyncSession, email: str, name: str, password_hash: str) -> Counsellor:
    """`email` must already be normalised (backend.validation.email)."""
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


async def add_insight(s: AsyncSession, chat_id: str, data: InsightInput) -> Tuple[int, bool]:
    """Stores an insight once per idempotency key: (insight id, created)."""
    client = await client_by_chat_id(s, chat_id)
    # A crisis signal is always kept for the counsellor, consent or not: safety comes first.
    if client.consent_given is not True and data.category != "crisis":
        raise NoConsent("the client has not given consent")
    client_id = client.id
    client.last_activity_at = utcnow()
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
