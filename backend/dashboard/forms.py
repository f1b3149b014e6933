"""The dashboard's forms: typed values or Dutch messages per field, never half a value."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, Dict, Mapping, Optional, Tuple

from backend.clock import local_today, local_zone
from backend.config import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from backend.tables import NAME_MAX, NOTE_MAX, TEXT_MAX, utcnow

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$")
_DAYS = re.compile(r"^\d{1,6}$", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

Errors = Dict[str, str]


@dataclass(frozen=True)
class Homework:
    text: str
    due_date: date
    reminder_at: Optional[datetime]


def field_value(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else ""


def required_text(form, name: str, max_len: int, errors: Errors, what: str) -> str:
    """A text field without control characters; a Dutch message in `errors` when it is empty or too long."""
    value = field_value(form, name)
    if not value:
        errors[name] = f"Vul {what} in."
    elif len(value) > max_len:
        errors[name] = f"Dat is te lang: hoogstens {max_len} tekens (nu {len(value)})."
    return value


def _date(raw: str) -> Optional[date]:
    if not _DATE.match(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def homework(form: Mapping[str, Any]) -> Tuple[Optional[Homework], Errors, Dict[str, str]]:
    """(homework or None, errors per field, the typed values to show again)."""
    errors: Errors = {}
    values = {name: field_value(form, name) for name in ("text", "due_date", "reminder_at")}
    text = required_text(form, "text", TEXT_MAX, errors, "wat de cliënt moet doen")

    due = _date(values["due_date"])
    if not values["due_date"]:
        errors["due_date"] = "Kies een deadline."
    elif due is None:
        errors["due_date"] = "Die datum bestaat niet. Schrijf hem zo: 2025-03-14."
    elif due < local_today():
        errors["due_date"] = "Die datum is al voorbij. Kies vandaag of later."

    reminder_at = None
    if values["reminder_at"]:
        match = _DATETIME.match(values["reminder_at"])
        day = _date(match.group(1)) if match else None
        hour, minute = (int(match.group(2)), int(match.group(3))) if match else (99, 99)
        if day is None or hour > 23 or minute > 59:
            errors["reminder_at"] = "Dat tijdstip klopt niet. Schrijf het zo: 2025-03-14 09:30."
        else:
            local = datetime.combine(day, time(hour, minute), tzinfo=local_zone())
            reminder_at = local.astimezone(timezone.utc)
            if reminder_at <= utcnow():
                errors["reminder_at"] = "Dat tijdstip is al voorbij. Kies een moment in de toekomst."
            elif due is not None and day > due:
                errors["reminder_at"] = "De herinnering valt na de deadline. Kies een moment ervoor."

    if errors:
        return None, errors, values
    return Homework(text=text, due_date=due, reminder_at=reminder_at), errors, values


def note(form: Mapping[str, Any]) -> Tuple[Optional[str], Errors, Dict[str, str]]:
    errors: Errors = {}
    value = required_text(form, "text", NOTE_MAX, errors, "je notitie")
    return (None if errors else value), errors, {"text": field_value(form, "text")}


@dataclass(frozen=True)
class Retention:
    """The retention form's choice. days None: the organisation's default; 0: keep."""

    days: Optional[int]


def retention(form: Mapping[str, Any]) -> Tuple[Optional[Retention], Errors, Dict[str, str]]:
    """Choice "default", "own" (with "days") or "keep": (the choice or None, errors, values)."""
    errors: Errors = {}
    values = {name: field_value(form, name) for name in ("choice", "days")}
    choice = values["choice"]
    if choice == "default":
        return Retention(None), errors, values
    if choice == "keep":
        return Retention(0), errors, values
    if choice != "own":
        errors["choice"] = "Kies hoe lang de gegevens bewaard blijven."
        return None, errors, values
    raw = values["days"]
    if not raw:
        errors["days"] = "Vul een aantal dagen in."
    elif not _DAYS.match(raw):
        errors["days"] = "Vul een getal in, bijvoorbeeld 730."
    elif not MIN_RETENTION_DAYS <= int(raw) <= MAX_RETENTION_DAYS:
        errors["days"] = f"Kies een termijn van {MIN_RETENTION_DAYS} tot {MAX_RETENTION_DAYS} dagen."
    if errors:
        return None, errors, values
    return Retention(int(raw)), errors, values


@dataclass(frozen=True)
class NewClient:
    name: str
    formal: bool


# Characters that belong in no name and would only ever be markup.
_MARKUP = re.compile(r"[<>{}`]")


def new_client(form: Mapping[str, Any]) -> Tuple[Optional[NewClient], Errors, Dict[str, str]]:
    """The "Nieuwe cliënt" form: a name and "je" or "u"."""
    errors: Errors = {}
    values = {name: field_value(form, name) for name in ("name", "address")}
    name = required_text(form, "name", NAME_MAX, errors, "de naam van je cliënt")
    if "name" not in errors and _MARKUP.search(name):
        errors["name"] = "Een naam kan geen tekens als < > { } hebben. Typ alleen de naam."
    if values["address"] not in ("je", "u"):
        errors["address"] = "Kies hoe de chatbot je cliënt aanspreekt: met je of met u."
    if errors:
        return None, errors, values
    return NewClient(name=name, formal=values["address"] == "u"), errors, values


def trajectory_end(form: Mapping[str, Any], started: date) -> Tuple[Optional[date], Errors, Dict[str, str]]:
    """The "Traject afsluiten" form: the last day, from the day the client was added to today."""
    errors: Errors = {}
    values = {"ended_on": field_value(form, "ended_on")}
    ended_on = _date(values["ended_on"])
    if not values["ended_on"]:
        errors["ended_on"] = "Kies de datum waarop het traject afloopt."
    elif ended_on is None:
        errors["ended_on"] = "Die datum bestaat niet. Schrijf hem zo: 2025-03-14."
    elif ended_on > local_today():
        errors["ended_on"] = "Die datum ligt in de toekomst. Kies vandaag of een dag die al voorbij is."
    elif ended_on < started:
        errors["ended_on"] = "Die datum ligt voor de start van het traject. Kies een latere dag."
    return (None if errors else ended_on), errors, values


NO_SUCH_COLLEAGUE = "Die collega kan je cliënt niet overnemen. Kies een collega uit de lijst."


def colleague_choice(
    form: Mapping[str, Any], own_id: int, colleague_ids
) -> Tuple[Optional[int], Errors, Dict[str, str]]:
    """The "Overdragen aan een collega" form: one of `colleague_ids` (active, not oneself)."""
    errors: Errors = {}
    values = {"colleague": field_value(form, "colleague")}
    raw = values["colleague"]
    chosen = int(raw) if _DAYS.match(raw) else None
    if not raw:
        errors["colleague"] = "Kies de collega die je cliënt verder begeleidt."
    elif chosen == own_id:
        errors["colleague"] = "Je begeleidt deze cliënt al zelf. Kies een collega."
    elif chosen not in colleague_ids:
        errors["colleague"] = NO_SUCH_COLLEAGUE
    return (None if errors else chosen), errors, values


def page_number(raw: Optional[str]) -> int:
    try:
        return max(1, min(int(raw or "1"), 10**6))
    except ValueError:
        return 1


def search_text(raw: Optional[str]) -> str:
    return _CONTROL.sub("", raw or "").strip()[:200]
