"""Checks of single untrusted fields (JSON bodies, forms, CLI arguments): typed values or
InvalidInput. The API's whole bodies are in backend.dossier.inputs."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any, Mapping, Optional

from backend.clock import local_today
from backend.errors import InvalidInput
from backend.tables import EMAIL_MAX, NAME_MAX, TOKEN_MAX

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Control characters are never meant; PostgreSQL rejects NUL in text outright, and lone
# surrogates (valid in JSON escapes) cannot be encoded for any database.
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNSET = object()  # a field left out (not the same as null)


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
