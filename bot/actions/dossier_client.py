"""Typed client for the dossier backend's JSON API (see docs/architecture.md). Shared
infrastructure of all topics, used through bot/actions/dossier.py."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)


class DossierError(Exception):
    """Base class of what the dossier client raises."""


class DossierUnavailable(DossierError):
    """The backend could not be reached or failed: worth retrying later."""


class ClientUnknown(DossierError):
    """No client is linked to this chat id: retrying will not help."""


class ChatRetired(ClientUnknown):
    """The chat id belonged to a client once: their data was erased (perhaps through another
    action server) or they got a new link. Nothing for it may reach a dossier any more."""


class ConsentMissing(DossierError):
    """The client has not given consent, so nothing may be stored."""


class DossierRejected(DossierError):
    """The backend refused the request as invalid: retrying will not help."""


@dataclass(frozen=True)
class Profile:
    client_id: int
    name: str
    consent_given: Optional[bool]
    formal: bool


class DossierClient:
    """One HTTP session per process, reused by every action call."""

    def __init__(self, base_url: str, token: str, timeout_seconds: float = 3.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: Optional[aiohttp.ClientSession] = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                headers={"Authorization": f"Bearer {self._token}"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _request(self, method: str, chat_id: str, tail: str = "", body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """`tail` follows /chats/<chat_id>. The chat id is one encoded path segment (a "/" or a
        ".." in it cannot reach another path), and it is never part of an error message: those
        end up in logs."""
        if chat_id in ("", ".", ".."):
            raise ClientUnknown(f"/chats/<chat>{tail}")
        url = f"{self._base_url}/api/v1/chats/{quote(chat_id, safe='')}{tail}"
        where = f"{method} /chats/<chat>{tail}"
        try:
            async with self._http().request(method, url, json=body) as response:
                status = response.status
                payload = await response.json(content_type=None) if status != 204 else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise DossierUnavailable(f"{where}: {type(error).__name__}") from None
        if status >= 500:
            raise DossierUnavailable(f"{where}: HTTP {status}")
        if status == 404:
            raise ClientUnknown(where)
        if status == 410:
            raise ChatRetired(where)
        if status == 403 and isinstance(payload, dict) and payload.get("error") == "no_consent":
            raise ConsentMissing(where)
        if status >= 400:
            code = payload.get("error") if isinstance(payload, dict) else None
            raise DossierRejected(f"{where}: HTTP {status} {code or ''}".rstrip())
        return payload if isinstance(payload, dict) else {}

    async def profile(self, chat_id: str) -> Profile:
        data = await self._request("GET", chat_id, "")
        return Profile(
            client_id=data["client_id"],
            name=data.get("name", ""),
            consent_given=(data.get("consent") or {}).get("given"),
            formal=bool(data.get("formal")),
        )

    async def insights(self, chat_id: str, category: Optional[str] = None) -> List[Dict[str, Any]]:
        query = f"?category={category}" if category else ""
        data = await self._request("GET", chat_id, f"/insights{query}")
        return list(data.get("insights", []))

    async def summary(self, chat_id: str) -> Dict[str, Any]:
        return await self._request("GET", chat_id, "/summary")

    async def reminder_settings(self, chat_id: str) -> Dict[str, Any]:
        """{"state", "snoozed_until", "next_reminder_at"} of the homework reminders."""
        return await self._request("GET", chat_id, "/reminders")

    async def open_actions(self, chat_id: str) -> List[Dict[str, Any]]:
        data = await self._request("GET", chat_id, "/actions?status=open")
        return list(data.get("actions", []))

    async def share_transcript(self, chat_id: str, shared: bool, consent_version: str) -> Dict[str, Any]:
        """Whether the counsellor may read the whole conversation. The consent API carries the
        choice, so it goes with a "yes" to the consent: call it only while that consent holds."""
        body = {"given": True, "version": consent_version, "share_transcript": shared}
        return await self._request("PUT", chat_id, "/consent", body)

    async def erase(self, chat_id: str) -> None:
        """Erases the dossier and the Rasa conversation of this chat (GDPR art. 17)."""
        await self._request("DELETE", chat_id, "/data")

    async def send(self, chat_id: str, kind: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        """One write of `kind` (see WRITES); every write can be repeated safely."""
        method, path = WRITES[kind]
        tail = path.format(**{key: quote(str(value), safe="") for key, value in payload.items()})
        return await self._request(method, chat_id, tail, payload)


# kind -> (method, path under /chats/{chat_id}); paths may use fields of the payload.
WRITES = {
    "consent": ("PUT", "/consent"),
    "insight": ("POST", "/insights"),
    "contact": ("POST", "/contacts"),
    "action": ("POST", "/actions"),
    "action_update": ("PATCH", "/actions/{action_id}"),
    "mood": ("POST", "/mood"),
    "topic": ("PUT", "/topic"),
    "address": ("PUT", "/address"),
    "reminders": ("PUT", "/reminders"),
}
