"""Tables of the client's channels and of homework reminders (migration 0003)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint

from backend.tables.base import Base, UTCDateTime, client_fk, in_list, utcnow
from contract import TOKEN_MAX

REMINDER_STATES = ("active", "stopped")
REMINDER_STATUSES = ("pending", "sending", "sent", "cancelled")
LINK_PURPOSES = ("telegram", "device")
HASH_MAX = 64  # a sha256 in hex
TELEGRAM_ID_MAX = 32
HELD_MAX = 32
CHANNEL_MAX = 32


class ChatDevice(Base):
    """A browser of the client. The cookie holds a random token; only its hash is stored.
    `invite_token` is set on the device that opened the invite link itself: unique, so a link
    opens the chat in one browser only. Devices added with a device code have it NULL."""

    __tablename__ = "chat_devices"
    __table_args__ = (UniqueConstraint("invite_token"),)

    id = Column(Integer, primary_key=True)
    client_id = client_fk(index=True)
    token_hash = Column(String(HASH_MAX), nullable=False, unique=True)
    invite_token = Column(String(TOKEN_MAX), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at = Column(UTCDateTime, nullable=True)


class TelegramLink(Base):
    """The one Telegram chat that speaks for a client (Rasa's telegram sender id)."""

    __tablename__ = "telegram_links"

    client_id = Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    telegram_chat_id = Column(String(TELEGRAM_ID_MAX), nullable=False, unique=True)
    linked_at = Column(UTCDateTime, nullable=False, default=utcnow)


class LinkCode(Base):
    """A one-time code from the chat page: `/start CODE` in Telegram (purpose "telegram"),
    or the link that adds another browser of the client (purpose "device")."""

    __tablename__ = "link_codes"
    __table_args__ = (CheckConstraint(in_list("purpose", LINK_PURPOSES), name="purpose"),)

    id = Column(Integer, primary_key=True)
    client_id = client_fk(index=True)
    purpose = Column(String(16), nullable=False)
    code_hash = Column(String(HASH_MAX), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime, nullable=True)


class ReminderSettings(Base):
    """What the client said about reminders: stopped, or snoozed until a moment."""

    __tablename__ = "reminder_settings"
    __table_args__ = (CheckConstraint(in_list("state", REMINDER_STATES), name="state"),)

    client_id = Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    state = Column(String(16), nullable=False, default="active")
    snoozed_until = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Reminder(Base):
    """The reminder of one homework action. `sending` is a claim with a lease: a backend that
    dies while sending leaves it to be checked (was it delivered?) after the lease, never
    sent blindly a second time."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("action_id"),
        CheckConstraint(in_list("status", REMINDER_STATUSES), name="status"),
        Index("ix_reminders_status_due_at", "status", "due_at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = client_fk(index=True)
    action_id = Column(Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False)
    due_at = Column(UTCDateTime, nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    claimed_at = Column(UTCDateTime, nullable=True)
    lease_until = Column(UTCDateTime, nullable=True)
    # Why a due reminder still waits (no_consent, stopped, snoozed, quiet_hours, once_a_day,
    # busy, awaiting_visit, rasa_unreachable, ...); shown to the counsellor, NULL once sent.
    held = Column(String(HELD_MAX), nullable=True)
    channel = Column(String(CHANNEL_MAX), nullable=True)
    sent_at = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
