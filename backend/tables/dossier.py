"""What the client confirmed in the chat (insights, contacts, actions, mood) and what the
counsellor adds (flags are raised by both; notes)."""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import relationship

from backend.tables.base import Base, UTCDateTime, client_fk, in_list, utcnow
from contract import (
    ACTION_STATUSES,
    CATEGORIES,
    CIRCLES,
    FLAG_KINDS,
    INSIGHT_STATUSES,
    KEY_MAX,
    MOODS,
    NAME_MAX,
    VALUE_MAX,
)

STATUSES = INSIGHT_STATUSES
CREATORS = ("client", "counsellor")


class Insight(Base):
    __tablename__ = "insights"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(in_list("category", CATEGORIES), name="category"),
        CheckConstraint(in_list("status", STATUSES), name="status"),
        # "What is new since the last visit" counts a client's recent insights.
        Index("ix_insights_client_id_created_at", "client_id", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)
    category = Column(String(32), nullable=False)
    value = Column(String(VALUE_MAX), nullable=False)
    sentence = Column(Text, nullable=False)
    status = Column(String(16), nullable=False)
    said_at = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=False)
    # When the client last corrected this on their 'Mijn dossier' page (the dashboard says so).
    client_edited_at = Column(UTCDateTime, nullable=True)

    client = relationship("Client", back_populates="insights")


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(in_list("circle", CIRCLES), name="circle"),
    )

    id = Column(Integer, primary_key=True)
    client_id = client_fk()
    name = Column(String(NAME_MAX), nullable=False)
    circle = Column(String(16), nullable=True)
    organisation = Column(String(NAME_MAX), nullable=True)
    help = Column(Text, nullable=True)
    sentence = Column(Text, nullable=False)
    contacted = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=False)
    # When the client last corrected this on their 'Mijn dossier' page (the dashboard says so).
    client_edited_at = Column(UTCDateTime, nullable=True)


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        # Several NULL keys (counsellor-made homework) do not collide on either database.
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(in_list("status", ACTION_STATUSES), name="status"),
        CheckConstraint(in_list("created_by", CREATORS), name="created_by"),
        Index("ix_actions_client_id_status", "client_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    client_id = client_fk()
    text = Column(Text, nullable=False)
    due_date = Column(Date, nullable=True)
    measure = Column(Text, nullable=True)
    status = Column(String(16), nullable=False, default="open")
    obstacle = Column(Text, nullable=True)
    created_by = Column(String(16), nullable=False)
    is_homework = Column(Boolean, nullable=False, default=False, server_default=false())
    reminder_at = Column(UTCDateTime, nullable=True)
    source_insight = Column(String(VALUE_MAX), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=True)
    # When the client last corrected this on their 'Mijn dossier' page (the dashboard says so).
    client_edited_at = Column(UTCDateTime, nullable=True)


class MoodEntry(Base):
    __tablename__ = "mood_entries"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(in_list("mood", MOODS), name="mood"),
        Index("ix_mood_entries_client_id_at", "client_id", "at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = client_fk()
    mood = Column(String(8), nullable=False)
    sentence = Column(Text, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=False)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(in_list("kind", FLAG_KINDS), name="kind"),
        Index("ix_flags_client_id_resolved_at", "client_id", "resolved_at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = client_fk()
    kind = Column(String(16), nullable=False)
    message = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at = Column(UTCDateTime, nullable=True)
    # When the crisis e-mail for this flag was sent (backend.jobs.crisis_alerts); NULL: not (yet) sent.
    alerted_at = Column(UTCDateTime, nullable=True)
    # Set for flags the bot posts; NULL for flags made from a crisis insight (see insight_id).
    idempotency_key = Column(String(KEY_MAX), nullable=True)
    # One crisis flag per crisis insight, however often the insight is retried.
    insight_id = Column(
        Integer, ForeignKey("insights.id", ondelete="SET NULL"), nullable=True, unique=True
    )


class Note(Base):
    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    client_id = client_fk()
    counsellor_id = Column(Integer, ForeignKey("counsellors.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_notes_client_id_created_at", "client_id", "created_at"),)
