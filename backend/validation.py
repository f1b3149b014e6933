"""Turns untrusted input (JSON bodies, CLI arguments) into typed values or InvalidInput."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Optional

from backend.errors import InvalidInput
from backend.models import (
    CATEGORIES,
    CONSENT_VERSION_MAX,
    EMAIL_MAX,
    KEY_MAX,
    NAME_MAX,
    SENTENCE_MAX,
    STATUSES,
    TOKEN_MAX,
    VALUE_MAX,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Control characters are never meant; PostgreSQL rejects NUL in text outright, and lone
# surrogates (valid in JSON escapes) cannot be encoded for any database.
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


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
