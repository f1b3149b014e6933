"""What the actions ask of the dossier, with the outbox behind every write. Shared
infrastructure of all topics.

Actions call these functions only; they never see HTTP. A write that the backend cannot take
now goes into the durable outbox and is delivered later, so the conversation goes on. Every
write carries an idempotency key, so a retry never stores a point twice.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from bot.actions.dossier_client import (
    ChatRetired,
    ClientUnknown,
    ConsentMissing,
    DossierClient,
    DossierError,
    DossierRejected,
    DossierUnavailable,
    Profile,
)
from bot.actions.outbox import Outbox
from contract import CRISIS_CLEAR, SENTENCE_MAX, TEXT_MAX, VALUE_MAX
from bot.actions.settings import settings

logger = logging.getLogger(__name__)

CONSENT_TEXT_VERSION = "toestemming-v1-2026-11"

_client: Optional[DossierClient] = None
_outbox: Optional[Outbox] = None
_retry_task: Optional[asyncio.Task] = None


def client() -> DossierClient:
    global _client
    if _client is None:
        config = settings()
        _client = DossierClient(config.backend_url, config.service_token, config.timeout_seconds)
    return _client


def outbox() -> Outbox:
    global _outbox
    if _outbox is None:
        _outbox = Outbox(settings().outbox_path)
    return _outbox


def use(dossier_client: Optional[DossierClient], dossier_outbox: Optional[Outbox]) -> None:
    """Replaces the client and outbox (tests, benchmarks); None goes back to the defaults."""
    global _client, _outbox, _retry_task
    if _retry_task is not None:
        _retry_task.cancel()
        _retry_task = None
    _client, _outbox = dossier_client, dossier_outbox


@dataclass(frozen=True)
class SaveResult:
    stored: int = 0
    queued: int = 0
    refused: int = 0  # no consent or no linked client: nothing may or can be stored


def idempotency_key(chat_id: str, kind: str, *parts: object) -> str:
    """The same point with the same words is the same write, however often it is sent."""
    digest = hashlib.sha256("\x1f".join(map(str, (chat_id, kind, *parts))).encode()).hexdigest()
    return f"{kind}-{digest[:40]}"


def _iso(timestamp: Optional[float]) -> str:
    when = datetime.fromtimestamp(timestamp, tz=timezone.utc) if timestamp else datetime.now(timezone.utc)
    return when.isoformat()


def insight_payload(chat_id: str, category: str, value: str, sentence: str, said_at: Optional[float] = None) -> Dict[str, Any]:
    return {
        "key": idempotency_key(chat_id, category, value, sentence),
        "category": category,
        "value": value[:VALUE_MAX],
        "sentence": sentence[:SENTENCE_MAX],
        "said_at": _iso(said_at),
        "status": "confirmed",
    }


def point_write(chat_id: str, point: Dict[str, Any]) -> tuple[str, Dict[str, Any]]:
    """The write that stores one confirmed review point: a contact, an action or an insight."""
    kind = point.get("kind", "insight")
    if kind == "contact":
        contact = point["contact"]
        payload = {**contact, "sentence": point.get("sentence", "")[:SENTENCE_MAX]}
        return "contact", {**payload, "key": idempotency_key(chat_id, "contact", contact["name"], point["value"])}
    if kind == "action":
        action = point["action"]
        payload = {
            "text": point["value"][:TEXT_MAX],
            "due_date": action.get("due_date"),
            "measure": action.get("measure"),
            "source_insight": action.get("source"),
            # "past due" is judged against the day it was said: an outbox retry stays valid.
            "said_at": _iso(point.get("said_at")),
        }
        return "action", {**payload, "key": idempotency_key(chat_id, "action", point["value"], action.get("due_date"))}
    return "insight", insight_payload(chat_id, point["category"], point["value"], point.get("sentence", ""), point.get("said_at"))


# What a write came to. NO_CLIENT: no dossier belongs to this chat (an unknown chat id, or a
# link that was replaced); the client must hear so, retrying will not help. FAILED: not done and
# not kept for later (a write that bypasses the outbox); the client must hear so.
STORED, QUEUED, REFUSED, NO_CLIENT, FAILED = "stored", "queued", "refused", "no_client", "failed"


async def _send(chat_id: str, kind: str, payload: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """Sends one write: (STORED, QUEUED, REFUSED or NO_CLIENT; the backend's answer when stored)."""
    try:
        return STORED, await client().send(chat_id, kind, payload)
    except DossierUnavailable:
        logger.warning("Dossier unavailable; %s kept in the outbox for later delivery", kind, exc_info=True)
        outbox().put(chat_id, kind, payload)
        _ensure_retry_loop()
        return QUEUED, {}
    except ClientUnknown:
        logger.info("Dossier refused a %s write: no client belongs to this chat", kind)
        return NO_CLIENT, {}
    except ConsentMissing:
        logger.info("Dossier refused a %s write: no consent", kind)
        return REFUSED, {}
    except DossierRejected:
        logger.error("Dossier rejected a %s write as invalid", kind, exc_info=True)
        return REFUSED, {}


async def _write(chat_id: str, kind: str, payload: Dict[str, Any]) -> str:
    """Sends one write; returns STORED, QUEUED, REFUSED or NO_CLIENT."""
    return (await _send(chat_id, kind, payload))[0]


async def save_points(chat_id: str, points: List[Dict[str, Any]]) -> SaveResult:
    await deliver_pending()
    counts = {STORED: 0, QUEUED: 0, REFUSED: 0}
    for point in points:
        kind, payload = point_write(chat_id, point)
        outcome = await _write(chat_id, kind, payload)
        counts[REFUSED if outcome == NO_CLIENT else outcome] += 1
    return SaveResult(**counts)


@dataclass(frozen=True)
class ConsentRecorded:
    outcome: str  # STORED, QUEUED, REFUSED or NO_CLIENT
    # A "no" that withdrew an earlier "yes": in how many days the dossier will be erased (the
    # backend's CONSENT_WITHDRAWAL_GRACE_DAYS, from its answer). None otherwise.
    erase_after_days: Optional[int] = None


async def record_consent(chat_id: str, given: bool) -> ConsentRecorded:
    outcome, answer = await _send(chat_id, "consent", {"given": given, "version": CONSENT_TEXT_VERSION})
    withdrawal = answer.get("withdrawal") if not given else None
    days = withdrawal.get("erase_after_days") if isinstance(withdrawal, dict) else None
    return ConsentRecorded(outcome, days if isinstance(days, int) and days > 0 else None)


async def share_transcript(chat_id: str, shared: bool) -> str:
    """Whether the counsellor may read the whole conversation: STORED; REFUSED when there is no
    consent (nothing is stored then anyway); NO_CLIENT; FAILED when the dossier cannot be reached.

    Not through the outbox: the choice travels with a "yes" to the consent, and such a "yes"
    delivered late could undo a withdrawal that the client made on the page in the meantime. So
    the consent is read first, and the client hears at once when the choice could not be made.
    """
    try:
        if (await client().profile(chat_id)).consent_given is not True:
            return REFUSED
        await client().share_transcript(chat_id, shared, CONSENT_TEXT_VERSION)
    except ClientUnknown:
        return NO_CLIENT
    except ConsentMissing:
        return REFUSED
    except DossierError:
        logger.warning("The choice to share the conversation could not be made now", exc_info=True)
        return FAILED
    return STORED


async def flag_crisis(chat_id: str, message: str, said_at: Optional[float], value: str = CRISIS_CLEAR) -> str:
    return await _write(chat_id, "insight", insight_payload(chat_id, "crisis", value, message, said_at))


async def log_mood(chat_id: str, mood: str, sentence: str, said_at: Optional[float]) -> str:
    payload = {"key": idempotency_key(chat_id, "mood", mood, sentence, said_at), "mood": mood, "sentence": sentence[:SENTENCE_MAX]}
    return await _write(chat_id, "mood", payload)


async def remember_topic(chat_id: str, topic: str) -> str:
    return await _write(chat_id, "topic", {"topic": topic})


async def set_reminders(chat_id: str, state: str) -> str:
    """state: "snoozed_until_tomorrow", "stopped" or "active"."""
    return await _write(chat_id, "reminders", {"state": state})


async def reminder_planned(chat_id: str) -> Optional[bool]:
    """Whether a homework reminder will still be sent; None when the dossier cannot say now."""
    try:
        return (await client().reminder_settings(chat_id)).get("next_reminder_at") is not None
    except DossierError:
        logger.info("No reminder settings for this chat", exc_info=True)
        return None


async def set_address(chat_id: str, formal: bool) -> str:
    return await _write(chat_id, "address", {"formal": formal})


async def update_action(chat_id: str, action_id: int, status: str, obstacle: Optional[str] = None) -> str:
    return await _write(chat_id, "action_update", {"action_id": action_id, "status": status, "obstacle": obstacle})


async def profile(chat_id: str) -> Optional[Profile]:
    """Consent and je/u as the dossier has them; None for an unlinked chat or when the
    dossier cannot be reached now."""
    try:
        return await client().profile(chat_id)
    except DossierError:
        logger.info("No dossier profile for this chat", exc_info=True)
        return None


async def summary(chat_id: str) -> Optional[Dict[str, Any]]:
    """What the dossier knows, for referring back; None when it cannot be had now."""
    try:
        return await client().summary(chat_id)
    except DossierError:
        logger.info("No dossier summary for this chat", exc_info=True)
        return None


async def open_actions(chat_id: str) -> Optional[List[Dict[str, Any]]]:
    try:
        return await client().open_actions(chat_id)
    except DossierError:
        logger.info("No open actions for this chat", exc_info=True)
        return None


async def erase(chat_id: str) -> bool:
    """Erases the client's dossier and conversation; False when that cannot be done now.

    Not through the outbox: the client must hear the truth, and waiting writes for this chat
    are dropped so that nothing comes back after the erasure.
    """
    try:
        await client().erase(chat_id)
    except ClientUnknown:
        pass  # nothing stored for this chat; the conversation is still erased below
    except DossierError:
        logger.warning("Erasure failed", exc_info=True)
        return False
    outbox().remove_chat(chat_id)
    return True


async def deliver_pending() -> int:
    """Delivers what waits in the outbox, oldest first; stops at the first outage. Everything
    waiting for a chat that the backend retired (410: erased, perhaps through another action
    server, or given a new link) is deleted, never delivered or retried."""
    delivered = 0
    retired = set()
    for entry in outbox().pending():
        if entry.chat_id in retired:
            continue
        try:
            await client().send(entry.chat_id, entry.kind, entry.payload)
        except DossierUnavailable:
            _ensure_retry_loop()
            break
        except ChatRetired:
            outbox().remove_chat(entry.chat_id)
            retired.add(entry.chat_id)
            logger.info("Outbox entries of an erased or replaced chat dropped")
            continue
        except DossierError:
            logger.warning("Outbox entry %s refused by the dossier; dropped", entry.entry_id, exc_info=True)
        outbox().remove(entry.entry_id)
        delivered += 1
    return delivered


def _ensure_retry_loop() -> None:
    global _retry_task
    if _retry_task is None or _retry_task.done():
        _retry_task = asyncio.get_running_loop().create_task(_retry_forever())


async def _retry_forever() -> None:
    while outbox().count():
        await asyncio.sleep(settings().outbox_retry_seconds)
        try:
            await deliver_pending()
        except Exception:  # the loop must outlive any single failure
            logger.exception("Outbox delivery failed")
