"""Counsellors and their clients."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import relationship

from backend.tables.base import Base, UTCDateTime, utcnow
from contract import CONSENT_VERSION_MAX, EMAIL_MAX, NAME_MAX, TOKEN_MAX


class Counsellor(Base):
    __tablename__ = "counsellors"

    id = Column(Integer, primary_key=True)
    email = Column(String(EMAIL_MAX), nullable=False, unique=True)
    name = Column(String(NAME_MAX), nullable=False)
    password_hash = Column(String(255), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Set by the admin CLI (`counsellors disable`): no login, and every session ends.
    disabled_at = Column(UTCDateTime, nullable=True)

    clients = relationship("Client", back_populates="counsellor")


class CounsellorSession(Base):
    """A dashboard sign-in, kept on the server so that logout, an idle timeout and the admin can
    end it: the session cookie holds only the random id, whose hash is stored here."""

    __tablename__ = "counsellor_sessions"

    id = Column(Integer, primary_key=True)
    counsellor_id = Column(Integer, ForeignKey("counsellors.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
    ended_at = Column(UTCDateTime, nullable=True)


class Client(Base):
    __tablename__ = "clients"

    id = Column(Integer, primary_key=True)
    counsellor_id = Column(Integer, ForeignKey("counsellors.id"), nullable=False, index=True)
    name = Column(String(NAME_MAX), nullable=False)
    chat_id = Column(String(TOKEN_MAX), nullable=False, unique=True)
    invite_token = Column(String(TOKEN_MAX), nullable=False, unique=True)
    # None: not asked yet; False: refused or withdrawn.
    consent_given = Column(Boolean, nullable=True)
    consent_at = Column(UTCDateTime, nullable=True)
    consent_version = Column(String(CONSENT_VERSION_MAX), nullable=True)
    formal_address = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_activity_at = Column(UTCDateTime, nullable=True)
    # Where the client left off ("qualities", ...), so the bot can offer to go on there.
    last_topic = Column(String(32), nullable=True)
    # None: the organisation's default retention applies.
    retention_days = Column(Integer, nullable=True)
    # When the client withdrew a consent they had given (None: not withdrawn, or given again):
    # the dashboard hides the dossier from then on, and backend.jobs.withdrawal erases it after
    # CONSENT_WITHDRAWAL_GRACE_DAYS.
    consent_withdrawn_at = Column(UTCDateTime, nullable=True)
    # Whether the counsellor may read the whole conversation (True, the default) or only what
    # the client confirmed; the client switches it on their 'Mijn dossier' page. Crisis flags
    # and messages for the counsellor are shown either way. transcript_choice_at None: never chosen.
    transcript_shared = Column(Boolean, nullable=False, default=True, server_default=true())
    transcript_choice_at = Column(UTCDateTime, nullable=True)
    # When the counsellor ended the trajectory (the start of that day, local time; None: running).
    # Reminders are held, the retention period counts from it, the client list hides the client.
    trajectory_ended_at = Column(UTCDateTime, nullable=True)

    counsellor = relationship("Counsellor", back_populates="clients")
    insights = relationship("Insight", back_populates="client", passive_deletes=True)


class RetiredChatId(Base):
    """A chat id that belonged to a client and no longer does (erased, or replaced by a new
    invite link): the dossier API answers 410 Gone for it, so that an action server's outbox
    drops what it still holds for it. Only the SHA-256 of the id is kept, and no client: an
    erased client's old chat id must not lead back to them."""

    __tablename__ = "retired_chat_ids"

    chat_id_hash = Column(String(64), primary_key=True)
    retired_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # "erasure" or "new_invite": after a restart, the follow-up deletions of Rasa's write-back
    # (backend.dossier.erasure) look for erased chats only.
    reason = Column(String(16), nullable=False)
