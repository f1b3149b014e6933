"""Who may open a client's chat: the invite link, the browsers ("devices") that opened it, and
one-time codes (another browser of the client, or the client's Telegram account).

What "reused" means (see README): an invite link opens the chat in one browser, which keeps a
long-lived cookie; from then on the link works in that browser only. More browsers of the same
client are added with a one-time device link made in the chat itself. A new link from the
counsellor (`clients invite`) replaces the old one and signs out every browser.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Optional, Tuple

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.dossier.accounts import client_by_id, digest, rotate_chat_id
from backend.errors import DossierError
from backend.tables import TOKEN_MAX, ChatDevice, Client, LinkCode, TelegramLink, utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed on a phone
CODE_LENGTH = 10
CODE_TTL = {"telegram": timedelta(minutes=30), "device": timedelta(minutes=15)}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,%d}$" % TOKEN_MAX)
_CODE_SEPARATORS = re.compile(r"[\s-]+")


class InviteInvalid(DossierError):
    """No client has this invite link (never had, or it was replaced)."""


class InviteUsed(DossierError):
    """The link already opened the chat in another browser."""


class CodeInvalid(DossierError):
    def __init__(self, reason: str) -> None:  # "unknown", "expired" or "used"
        super().__init__(f"link code {reason}")
        self.reason = reason


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: object) -> Optional[str]:
    """What the client typed, without spaces or dashes, in capitals; None when it cannot be a code."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    code = _CODE_SEPARATORS.sub("", raw).upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


async def client_by_invite(s: AsyncSession, invite_token: str) -> Client:
    client = None
    if _TOKEN.match(invite_token or ""):
        client = await s.scalar(select(Client).where(Client.invite_token == invite_token))
    if client is None:
        raise InviteInvalid("no client with this invite link")
    return client


async def device_of(s: AsyncSession, client: Client, device_token: Optional[str]) -> Optional[ChatDevice]:
    """The browser's device, when its cookie belongs to this client and was not revoked."""
    if not device_token or len(device_token) > 100:
        return None
    device = await s.scalar(
        select(ChatDevice).where(
            ChatDevice.token_hash == digest(device_token),
            ChatDevice.client_id == client.id,
            ChatDevice.revoked_at.is_(None),
        )
    )
    if device is not None and utcnow() - device.last_seen_at > timedelta(hours=1):
        device.last_seen_at = utcnow()
        await s.commit()
    return device


async def _new_device(s: AsyncSession, client: Client, invite_token: Optional[str]) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(ChatDevice(client_id=client.id, token_hash=digest(token), invite_token=invite_token, created_at=now, last_seen_at=now))
    await s.commit()
    return token


async def claim_invite(s: AsyncSession, client: Client) -> str:
    """The first browser to open the link gets a device token; any later one InviteUsed."""
    if await invite_claimed(s, client):
        raise InviteUsed("this invite link was opened in another browser")
    try:
        return await _new_device(s, client, client.invite_token)
    except IntegrityError:  # two browsers at the same moment: one of them wins
        await s.rollback()
        raise InviteUsed("this invite link was opened in another browser") from None


async def new_link_code(s: AsyncSession, client_id: int, purpose: str) -> Tuple[str, datetime]:
    """A fresh one-time code; earlier unused codes for the same purpose stop working."""
    now = utcnow()
    await s.execute(
        update(LinkCode)
        .where(LinkCode.client_id == client_id, LinkCode.purpose == purpose, LinkCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = new_code()
    expires_at = now + CODE_TTL[purpose]
    s.add(LinkCode(client_id=client_id, purpose=purpose, code_hash=digest(code), created_at=now, expires_at=expires_at))
    await s.commit()
    return code, expires_at


async def check_link_code(s: AsyncSession, raw_code: object, purpose: str, client_id: int) -> None:
    """Raises CodeInvalid when the code could not be used for this client; spends nothing."""
    code = normalise_code(raw_code)
    row = None
    if code is not None:
        row = await s.scalar(select(LinkCode).where(LinkCode.code_hash == digest(code), LinkCode.purpose == purpose))
    if row is None or row.client_id != client_id:
        raise CodeInvalid("unknown")
    if row.used_at is not None:
        raise CodeInvalid("used")
    if row.expires_at <= utcnow():
        raise CodeInvalid("expired")


async def invite_claimed(s: AsyncSession, client: Client) -> bool:
    return await s.scalar(select(ChatDevice.id).where(ChatDevice.invite_token == client.invite_token)) is not None


async def use_link_code(s: AsyncSession, raw_code: object, purpose: str) -> int:
    """Spends a code (once, even when two requests race); returns the client's id."""
    code = normalise_code(raw_code)
    row = None
    if code is not None:
        row = await s.scalar(select(LinkCode).where(LinkCode.code_hash == digest(code), LinkCode.purpose == purpose))
    if row is None:
        raise CodeInvalid("unknown")
    now = utcnow()
    if row.used_at is not None:
        raise CodeInvalid("used")
    if row.expires_at <= now:
        raise CodeInvalid("expired")
    result = await s.execute(
        update(LinkCode)
        .where(LinkCode.id == row.id, LinkCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await s.rollback()
        raise CodeInvalid("used")
    await s.commit()
    return row.client_id


async def add_device_with_code(s: AsyncSession, client: Client, raw_code: object) -> str:
    client_id = await use_link_code(s, raw_code, "device")
    if client_id != client.id:  # a code of another client in this client's link: not valid here
        raise CodeInvalid("unknown")
    return await _new_device(s, client, None)


async def reissue_invite(
    s: AsyncSession, client_id: int, move_conversation: Callable[[str, str], Awaitable[int]]
) -> Tuple[Client, int, bool]:
    """A new invite link and a new chat id, after a lost or shared device: the old link, every
    browser that used it, the Telegram link and the old chat id stop working (the API answers
    410 for it: accounts.rotate_chat_id, shared with erasure). The dossier stays,
    and `move_conversation(old, new)` moves the chat (Rasa's tracker store) to the new id before
    the new ids are committed. (client, browsers signed out, whether Telegram was unlinked)."""
    client = await client_by_id(s, client_id)
    old_chat_id = await rotate_chat_id(s, client, "new_invite")
    new_chat_id = client.chat_id
    revoked = await s.execute(
        update(ChatDevice)
        .where(ChatDevice.client_id == client.id, ChatDevice.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    unlinked = await s.execute(
        delete(TelegramLink).where(TelegramLink.client_id == client.id).execution_options(synchronize_session=False)
    )
    await move_conversation(old_chat_id, new_chat_id)
    try:
        await s.commit()
    except Exception:
        await move_conversation(new_chat_id, old_chat_id)
        raise
    return client, revoked.rowcount, bool(unlinked.rowcount)


# Telegram


async def link_telegram(s: AsyncSession, raw_code: object, telegram_chat_id: str) -> Client:
    client = await client_by_id(s, await use_link_code(s, raw_code, "telegram"))
    # One Telegram chat per client and one client per Telegram chat: the newest link wins.
    await s.execute(
        delete(TelegramLink)
        .where((TelegramLink.client_id == client.id) | (TelegramLink.telegram_chat_id == telegram_chat_id))
        .execution_options(synchronize_session=False)
    )
    s.add(TelegramLink(client_id=client.id, telegram_chat_id=telegram_chat_id, linked_at=utcnow()))
    await s.commit()
    return client


async def client_for_telegram(s: AsyncSession, telegram_chat_id: str) -> Optional[Client]:
    return await s.scalar(
        select(Client).join(TelegramLink, TelegramLink.client_id == Client.id).where(TelegramLink.telegram_chat_id == telegram_chat_id)
    )


async def telegram_of(s: AsyncSession, client_id: int) -> Optional[TelegramLink]:
    return await s.get(TelegramLink, client_id)


async def unlink_telegram(s: AsyncSession, client_id: int) -> bool:
    result = await s.execute(
        delete(TelegramLink).where(TelegramLink.client_id == client_id).execution_options(synchronize_session=False)
    )
    await s.commit()
    return result.rowcount > 0
