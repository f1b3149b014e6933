"""Turns untrusted input (JSON bodies, CLI arguments) into typed values or InvalidInput."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Mapping, Optional

from backend.clock import local, local_today
from backend.errors import InvalidInput
from backend.tables import (
    ACTION_STATUSES,
    CATEGORIES,
    CIRCLES,
    CONSENT_VERSION_MAX,
    EMAIL_MAX,
    KEY_MAX,
    MOODS,
    NAME_MAX,
    SENTENCE_MAX,
    STATUSES,
    TEXT_MAX,
    TOKEN_MAX,
    TOPICS,
    VALUE_MAX,
)
from contract import BOT_FLAG_KINDS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Control characters are never meant; PostgreSQL rejects NUL in text outright, and lone
# surrogates (valid in JSON escapes) cannot be encoded for any database.
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNSET = object()


@dataclass(frozen=True)
class ConsentInput:
    given: bool
    version: str


@dataclass(frozen=True)
class InsightInput:
    key: str
    category: str
    value: str
    sentence: str
    status: str
    said_at: Optional[datetime]


def text(
    data: Mapping[str, Any],
    field: str,
    max_len: int,
    *,
    allow_empty: bool = False,
    free_text: bool = False,
) -> str:
    """A string field. Identifiers and labels with control characters are refused; free text
    (the client's own words) is cleaned instead, because refusing it could lose a crisis signal."""
    if field not in data:
        raise InvalidInput(f"'{field}' is required")
    value = data[field]
    if not isinstance(value, str):
        raise InvalidInput(f"'{field}' must be a string")
    if free_text:
        value = _SURROGATE.sub("\ufffd", _CONTROL.sub("", value))
    value = value.strip()
    if not value and not allow_empty:
        raise InvalidInput(f"'{field}' must not be empty")
    if len(value) > max_len:
        raise InvalidInput(f"'{field}' is longer than {max_len} characters")
    if not free_text and _CONTROL_OR_NEWLINE.search(value):
        raise InvalidInput(f"'{field}' contains control characters")
    return value


def optional_text(
    data: Mapping[str, Any], field: str, max_len: int, *, free_text: bool = False
) -> Optional[str]:
    """Missing, null or blank is None."""
    if data.get(field) is None:
        return None
    value = text(data, field, max_len, allow_empty=True, free_text=free_text)
    return value or None


def choice(data: Mapping[str, Any], field: str, allowed: tuple) -> str:
    value = data.get(field)
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput(f"'{field}' must be one of: {', '.join(allowed)}")
    return value


def timestamp(data: Mapping[str, Any], field: str) -> Optional[datetime]:
    """An ISO 8601 timestamp or null; without an offset it is taken as UTC."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{field}' must be an ISO 8601 string or null")
    raw = value.strip()
    if raw.endswith(("Z", "z")):  # fromisoformat() on Python 3.10 does not accept "Z"
        raw = raw[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"'{field}' is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidInput(f"'{field}' is out of range") from None


def parse_due_date(raw: Any, field: str = "due_date", today: Optional[date] = None) -> date:
    """A YYYY-MM-DD date, `today` (default: today in Belgian time) or later."""
    if not isinstance(raw, str) or not _ISO_DATE.match(raw.strip()):
        raise InvalidInput(f"'{field}' must be a date as YYYY-MM-DD")
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"'{field}' is not a real date") from None
    if value < (today or local_today()):
        raise InvalidInput(f"'{field}' is in the past")
    return value


def optional_due_date(
    data: Mapping[str, Any], field: str = "due_date", today: Optional[date] = None
) -> Optional[date]:
    raw = data.get(field)
    return None if raw is None else parse_due_date(raw, field, today)


def require_object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def consent_input(body: Any) -> ConsentInput:
    data = require_object(body)
    given = data.get("given")
    if not isinstance(given, bool):
        raise InvalidInput("'given' must be true or false")
    return ConsentInput(given=given, version=text(data, "version", CONSENT_VERSION_MAX))


def insight_input(body: Any) -> InsightInput:
    data = require_object(body)
    return InsightInput(
        key=text(data, "key", KEY_MAX),
        category=choice(data, "category", CATEGORIES),
        value=text(data, "value", VALUE_MAX),
        sentence=text(data, "sentence", SENTENCE_MAX, allow_empty=True, free_text=True),
        status=choice(data, "status", STATUSES),
        said_at=timestamp(data, "said_at"),
    )


@dataclass(frozen=True)
class ContactInput:
    key: str
    name: str
    circle: Optional[str]
    organisation: Optional[str]
    help: Optional[str]
    sentence: str


@dataclass(frozen=True)
class ActionInput:
    key: Optional[str]
    text: str
    due_date: Optional[date]
    measure: Optional[str]
    source_insight: Optional[str]


@dataclass(frozen=True)
class ActionUpdate:
    """Fields left out of the PATCH body are _UNSET and stay as they are."""

    status: Any = _UNSET
    obstacle: Any = _UNSET

    def changes(self) -> dict:
        return {k: v for k, v in (("status", self.status), ("obstacle", self.obstacle)) if v is not _UNSET}


@dataclass(frozen=True)
class MoodInput:
    key: str
    mood: str
    sentence: str


@dataclass(frozen=True)
class FlagInput:
    key: str
    kind: str
    message: str


def topic_input(body: Any) -> str:
    return choice(require_object(body), "topic", TOPICS)


def address_input(body: Any) -> bool:
    formal = require_object(body).get("formal")
    if not isinstance(formal, bool):
        raise InvalidInput("'formal' must be true or false")
    return formal


def contact_input(body: Any) -> ContactInput:
    data = require_object(body)
    circle = data.get("circle")
    return ContactInput(
        key=text(data, "key", KEY_MAX),
        name=text(data, "name", NAME_MAX),
        circle=None if circle is None else choice(data, "circle", CIRCLES),
        organisation=optional_text(data, "organisation", NAME_MAX),
        help=optional_text(data, "help", TEXT_MAX, free_text=True),
        sentence=text(data, "sentence", SENTENCE_MAX, allow_empty=True, free_text=True),
    )


def action_input(body: Any) -> ActionInput:
    data = require_object(body)
    # "In the past" means: before the day the client set the action. A write that waited in
    # the action server's outbox while the backend was down must not be refused for its age.
    said_at = timestamp(data, "said_at")
    today = local_today()
    said_day = min(local(said_at).date(), today) if said_at is not None else today
    return ActionInput(
        key=text(data, "key", KEY_MAX),
        text=text(data, "text", TEXT_MAX, free_text=True),
        due_date=optional_due_date(data, today=said_day),
        measure=optional_text(data, "measure", TEXT_MAX, free_text=True),
        source_insight=optional_text(data, "source_insight", VALUE_MAX),
    )


def action_update(body: Any) -> ActionUpdate:
    data = require_object(body)
    fields = {}
    if "status" in data:
        fields["status"] = choice(data, "status", ACTION_STATUSES)
    if "obstacle" in data:
        fields["obstacle"] = optional_text(data, "obstacle", SENTENCE_MAX, free_text=True)
    if not fields:
        raise InvalidInput("give 'status', 'obstacle' or both")
    return ActionUpdate(**fields)


def contact_update(body: Any) -> bool:
    """The only change the bot makes to a contact: the client has approached them."""
    contacted = require_object(body).get("contacted")
    if not isinstance(contacted, bool):
        raise InvalidInput("'contacted' must be true or false")
    return contacted


def mood_input(body: Any) -> MoodInput:
    data = require_object(body)
    return MoodInput(
        key=text(data, "key", KEY_MAX),
        mood=choice(data, "mood", MOODS),
        sentence=text(data, "sentence", SENTENCE_MAX, allow_empty=True, free_text=True),
    )


def flag_input(body: Any) -> FlagInput:
    data = require_object(body)
    return FlagInput(
        key=text(data, "key", KEY_MAX),
        kind=choice(data, "kind", BOT_FLAG_KINDS),
        message=text(data, "message", SENTENCE_MAX, allow_empty=True, free_text=True),
    )


def action_status_filter(raw: Optional[str]) -> Optional[str]:
    if raw is None or raw == "":
        return None
    if raw not in ACTION_STATUSES:
        raise InvalidInput(f"'status' must be one of: {', '.join(ACTION_STATUSES)}")
    return raw


def category_filter(raw: Optional[str]) -> Optional[str]:
    if raw is None or raw == "":
        return None
    if raw not in CATEGORIES:
        raise InvalidInput(f"'category' must be one of: {', '.join(CATEGORIES)}")
    return raw


def email(raw: Any) -> str:
    """Normalised (lower case) e-mail address; only the obvious mistakes are rejected."""
    value = text({"email": raw}, "email", EMAIL_MAX).lower()
    if not _EMAIL.match(value):
        raise InvalidInput("'email' is not a valid e-mail address")
    return value


def name(raw: Any) -> str:
    return text({"name": raw}, "name", NAME_MAX)


def password(raw: Any) -> str:
    if not isinstance(raw, str) or not raw:
        raise InvalidInput("the password must not be empty")
    if _CONTROL_OR_NEWLINE.search(raw) or len(raw) > 1024:
        raise InvalidInput("the password contains control characters or is longer than 1024 characters")
    return raw


def chat_id_ok(chat_id: str) -> bool:
    """A chat id we could have stored; anything else cannot exist, so it is simply not found."""
    return 0 < len(chat_id) <= TOKEN_MAX and not _CONTROL_OR_NEWLINE.search(chat_id)
