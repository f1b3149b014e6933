"""Counsellors and their clients: creating them, finding them (by id, chat id, name), and
giving a client a new chat id and invite link (the old chat id is retired)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.validation import chat_id_ok
from backend.errors import ChatRetired, ClientNotFound, CounsellorNotFound, DuplicateEmail
from backend.tables import MAX_ID, Client, Counsellor, RetiredChatId, utcnow


def new_token() -> str:
    # 16 random bytes -> 22 url-safe characters, unguessable and fine in a URL.
    return secrets.token_urlsafe(16)


def digest(secret: str) -> str:
    """SHA-256 in hex: what is stored of a secret (device token, link code, retired chat id)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


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


def invite_url(public_url: str, invite_token: str) -> str:
    """The client's chat page: what the invite link, the QR code and the invitation carry."""
    return f"{public_url}/chat/{invite_token}"


async def create_client(s: AsyncSession, counsellor_id: int, name: str, formal: bool = False) -> Client:
    """`formal`: the client is addressed with "u" instead of "je" from the first message."""
    await counsellor_by_id(s, counsellor_id)
    client = Client(
        counsellor_id=counsellor_id, name=name, chat_id=new_token(), invite_token=new_token(),
        formal_address=formal,
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
    """The client of a chat; ChatRetired (410) for a chat id that was erased or replaced,
    ClientNotFound (404) for one that never belonged to a client."""
    if not chat_id_ok(chat_id):
        raise ClientNotFound("no client with this chat id")
    client = await s.scalar(select(Client).where(Client.chat_id == chat_id))
    if client is None:
        if await s.get(RetiredChatId, digest(chat_id)) is not None:
            raise ChatRetired("this chat id was retired: its data was erased or its link replaced")
        raise ClientNotFound("no client with this chat id")
    return client


async def rotate_chat_id(s: AsyncSession, client: Client, reason: str, at: Optional[datetime] = None) -> str:
    """Gives the client a new chat id and a new invite link; the old chat id is retired (only its
    hash is kept), so the API answers 410 for it and the old link opens nothing. `reason`:
    "erasure" or "new_invite". Flushed, not committed; returns the old chat id."""
    old_chat_id = client.chat_id
    client.chat_id, client.invite_token = new_token(), new_token()
    s.add(RetiredChatId(chat_id_hash=digest(old_chat_id), retired_at=at or utcnow(), reason=reason))
    await s.flush()  # the new ids are taken (unique) before the caller goes on
    return old_chat_id


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
