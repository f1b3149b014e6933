"""What the actions ask of the dossier, with the outbox behind every write.

Actions call these functions only; they never see HTTP. A write that the backend cannot take
now goes into the durable outbox and is delivered later, so the conversation goes on.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from bot.actions.dossier_client import (
    ClientUnknown,
    ConsentMissing,
    DossierClient,
    DossierError,
    DossierRejected,
    DossierUnavailable,
)
from bot.actions.outbox import Outbox
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


def insight_key(chat_id: str, category: str, value: str, sentence: str) -> str:
    """The same point with the same words is the same insight, however often it is sent."""
    digest = hashlib.sha256("\x1f".join((chat_id, category, value, sentence)).encode()).hexdigest()
    return f"{category}-{digest[:40]}"


def insight_payload(chat_id: str, category: str, value: str, sentence: str, said_at: Optional[float] = None) -> Dict[str, Any]:
    when = datetime.fromtimestamp(said_at, tz=timezone.utc) if said_at else datetime.now(timezone.utc)
    return {
        "key": insight_key(chat_id, category, value, sentence),
        "category": category,
        "value": value[:200],
        "sentence": sentence[:5000],
        "said_at": when.isoformat(),
        "status": "confirmed",
    }


async def _send(chat_id: str, kind: str, payload: Dict[str, Any]) -> None:
    if kind == "insight":
        await client().store_insight(chat_id, payload)
    elif kind == "consent":
        await client().set_consent(chat_id, payload["given"], payload["version"])
    else:  # pragma: no cover - only written by this module
        raise ValueError(kind)


async def _write(chat_id: str, kind: str, payload: Dict[str, Any]) -> str:
    """Sends one write; returns 'stored', 'queued' or 'refused'."""
    try:
        await _send(chat_id, kind, payload)
        return "stored"
    except DossierUnavailable:
        logger.warning("Dossier unavailable; %s kept in the outbox for later delivery", kind, exc_info=True)
        outbox().put(chat_id, kind, payload)
        _ensure_retry_loop()
        return "queued"
    except (ClientUnknown, ConsentMissing):
        logger.info("Dossier refused a %s write: no linked client or no consent", kind)
        return "refused"
    except DossierRejected:
        logger.error("Dossier rejected a %s write as invalid", kind, exc_info=True)
        return "refused"


async def save_insights(chat_id: str, points: List[Dict[str, Any]]) -> SaveResult:
    await deliver_pending()
    counts = {"stored": 0, "queued": 0, "refused": 0}
    for point in points:
        payload = insight_payload(chat_id, point["category"], point["value"], point.get("sentence", ""), point.get("said_at"))
        counts[await _write(chat_id, "insight", payload)] += 1
    return SaveResult(**counts)


async def record_consent(chat_id: str, given: bool) -> str:
    return await _write(chat_id, "consent", {"given": given, "version": CONSENT_TEXT_VERSION})


async def flag_crisis(chat_id: str, message: str, said_at: Optional[float]) -> str:
    payload = insight_payload(chat_id, "crisis", "crisissignaal", message, said_at)
    return await _write(chat_id, "insight", payload)


async def deliver_pending() -> int:
    """Delivers what waits in the outbox, oldest first; stops at the first outage."""
    delivered = 0
    for entry in outbox().pending():
        try:
            await _send(entry.chat_id, entry.kind, entry.payload)
        except DossierUnavailable:
            break
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
