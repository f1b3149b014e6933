"""Counsellors and their clients."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, false
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

    counsellor = relationship("Counsellor", back_populates="clients")
    insights = relationship("Insight", back_populates="client", passive_deletes=True)
