"""What every table shares: the declarative Base and its metadata (with stable constraint
names), the UTC timestamp type, and small column helpers. Migrations in backend/migrations/
must stay in step with all tables (tests/backend/test_migrations.py compares them)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that later migrations can drop or alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

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

def in_list(column: str, allowed: tuple) -> str:
    """The SQL of a CHECK constraint: `column` holds one of `allowed`."""
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


def client_fk(**kwargs) -> Column:
    """The owning client; its rows go when the client is erased."""
    return Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, **kwargs)
