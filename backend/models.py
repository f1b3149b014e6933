"""The dossier tables. Migrations in backend/migrations/ must stay in step with this file
(tests/backend/test_migrations.py compares them)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that later migrations can drop or alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CATEGORIES = (
    "quality",
    "motive",
    "network",
    "labour_market",
    "action",
    "question_for_counsellor",
    "mood",
    "crisis",
)
STATUSES = ("proposed", "confirmed", "dropped")

NAME_MAX = 200
EMAIL_MAX = 254
VALUE_MAX = 200
SENTENCE_MAX = 5000
KEY_MAX = 120
CONSENT_VERSION_MAX = 50
TOKEN_MAX = 64
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

    counsellor = relationship("Counsellor", back_populates="clients")
    insights = relationship("Insight", back_populates="client", passive_deletes=True)


class Insight(Base):
    __tablename__ = "insights"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("status", STATUSES), name="status"),
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
