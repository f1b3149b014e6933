"""The dossier tables. Migrations in backend/migrations/ must stay in step with this file
(tests/backend/test_migrations.py compares them)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# The categories, topics and limits the bot and the backend share (re-exported for the backend).
from contract import (  # noqa: F401
    ACTION_STATUSES,
    CATEGORIES,
    CIRCLES,
    CONSENT_VERSION_MAX,
    EMAIL_MAX,
    FLAG_KINDS,
    INSIGHT_STATUSES,
    KEY_MAX,
    MOODS,
    NAME_MAX,
    NOTE_MAX,
    SENTENCE_MAX,
    TEXT_MAX,
    TOKEN_MAX,
    TOPICS,
    VALUE_MAX,
)

# Stable constraint names, so that later migrations can drop or alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = INSIGHT_STATUSES
CREATORS = ("client", "counsellor")
# export_dossier: the admin CLI's GDPR export (no counsellor). erase_client_data: erased at the
# client's request; retention_purge: erased by the daily purge (no counsellor for either).
AUDIT_ACTIONS = (
    "view_client", "export_pop", "assign_homework", "add_note", "resolve_flag", "export_dossier",
    "set_retention", "erase_client_data", "retention_purge",
)

# Largest id that fits an INTEGER column on every database (PostgreSQL errors beyond it).
MAX_ID = 2**31 - 1

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python on every database.

    SQLite has no time zones: values are stored as naive UTC and get their tzinfo back on load.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _in(column: str, allowed: tuple) -> str:
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


class Counsellor(Base):
    __tablename__ = "counsellors"

    id = Column(Integer, primary_key=True)
    email = Column(String(EMAIL_MAX), nullable=False, unique=True)
    name = Column(String(NAME_MAX), nullable=False)
    password_hash = Column(String(255), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    clients = relationship("Client", back_populates="counsellor")


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


class Insight(Base):
    __tablename__ = "insights"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("status", STATUSES), name="status"),
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

    client = relationship("Client", back_populates="insights")


def _client_fk() -> Column:
    return Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("circle", CIRCLES), name="circle"),
    )

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    name = Column(String(NAME_MAX), nullable=False)
    circle = Column(String(16), nullable=True)
    organisation = Column(String(NAME_MAX), nullable=True)
    help = Column(Text, nullable=True)
    sentence = Column(Text, nullable=False)
    contacted = Column(Boolean, nullable=False, default=False, server_default=false())
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=False)


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        # Several NULL keys (counsellor-made homework) do not collide on either database.
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        CheckConstraint(_in("created_by", CREATORS), name="created_by"),
        Index("ix_actions_client_id_status", "client_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
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


class MoodEntry(Base):
    __tablename__ = "mood_entries"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("mood", MOODS), name="mood"),
        Index("ix_mood_entries_client_id_at", "client_id", "at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    mood = Column(String(8), nullable=False)
    sentence = Column(Text, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    idempotency_key = Column(String(KEY_MAX), nullable=False)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("kind", FLAG_KINDS), name="kind"),
        Index("ix_flags_client_id_resolved_at", "client_id", "resolved_at"),
    )

    id = Column(Integer, primary_key=True)
    client_id = _client_fk()
    kind = Column(String(16), nullable=False)
    message = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at = Column(UTCDateTime, nullable=True)
    # When the crisis e-mail for this flag was sent (backend.alerts); NULL: not (yet) sent.
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
    client_id = _client_fk()
    counsellor_id = Column(Integer, ForeignKey("counsellors.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_notes_client_id_created_at", "client_id", "created_at"),)


class ClientView(Base):
    """When a counsellor last opened a client's page: the base of "new since your last visit"."""

    __tablename__ = "client_views"

    counsellor_id = Column(
        Integer, ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True
    )
    client_id = Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    viewed_at = Column(UTCDateTime, nullable=False)


class AuditEntry(Base):
    """Who read or changed which dossier. Ids only, never content; kept when a client is deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_client_id_at", "client_id", "at"),)

    id = Column(Integer, primary_key=True)
    counsellor_id = Column(
        Integer, ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True
    )
    client_id = Column(Integer, ForeignKey("clients.id", ondelete="SET NULL"), nullable=True)
    action = Column(String(32), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class JobRun(Base):
    """A job that one backend at a time runs, e.g. the daily retention purge: claimed with a lease
    by a conditional UPDATE (as reminders are), so that two backends never run it at once."""

    __tablename__ = "job_runs"

    name = Column(String(32), primary_key=True)
    # Set while a backend runs the job; a crashed run is taken over once it has passed.
    lease_until = Column(UTCDateTime, nullable=True)
    # When the last run that ended well started; the next is due a period after it.
    last_run_at = Column(UTCDateTime, nullable=True)


# The channel and reminder tables live in their own module; importing it here puts them in
# this metadata (Alembic, the migration test). At the end: that module needs Base.
from backend import channel_models  # noqa: E402,F401
