"""The bodies the bot sends to the dossier API, as typed inputs (or InvalidInput); built from the
field checks in backend.dossier.validation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from backend.clock import local, local_today
from backend.dossier.validation import (
    UNSET,
    choice,
    optional_due_date,
    optional_text,
    require_object,
    text,
    timestamp,
)
from backend.errors import InvalidInput
from backend.tables import (
    ACTION_STATUSES,
    CATEGORIES,
    CIRCLES,
    CONSENT_VERSION_MAX,
    KEY_MAX,
    MOODS,
    NAME_MAX,
    SENTENCE_MAX,
    STATUSES,
    TEXT_MAX,
    TOPICS,
    VALUE_MAX,
)
from contract import BOT_FLAG_KINDS


@dataclass(frozen=True)
class ConsentInput:
    given: bool
    version: str
    # Whether the counsellor may read the whole conversation, when the consent flow asks it;
    # None: leave the client's choice (shared by default) as it is.
    share_transcript: Optional[bool] = None


@dataclass(frozen=True)
class InsightInput:
    key: str
    category: str
    value: str
    sentence: str
    status: str
    said_at: Optional[datetime]


def consent_input(body: Any) -> ConsentInput:
    data = require_object(body)
    given = data.get("given")
    if not isinstance(given, bool):
        raise InvalidInput("'given' must be true or false")
    share = data.get("share_transcript")
    if share is not None and not isinstance(share, bool):
        raise InvalidInput("'share_transcript' must be true, false or left out")
    return ConsentInput(given=given, version=text(data, "version", CONSENT_VERSION_MAX), share_transcript=share)


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
    """Fields left out of the PATCH body are UNSET and stay as they are."""

    status: Any = UNSET
    obstacle: Any = UNSET

    def changes(self) -> dict:
        return {k: v for k, v in (("status", self.status), ("obstacle", self.obstacle)) if v is not UNSET}


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
