"""An in-memory dossier with the DossierClient interface, for action tests."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.actions.dossier_client import WRITES, ClientUnknown, ConsentMissing, DossierUnavailable, Profile


class FakeDossierClient:
    def __init__(self, chat_ids: tuple[str, ...] = ("chat-1",), consent: Optional[bool] = True) -> None:
        self.consent = {chat_id: consent for chat_id in chat_ids}
        self.writes: Dict[str, List[Dict[str, Any]]] = {kind: [] for kind in WRITES}
        self.topic: Optional[str] = None
        self.actions: List[Dict[str, Any]] = []
        self.down = False
        self.formal = False
        # The backend's CONSENT_WITHDRAWAL_GRACE_DAYS, as its answer to a withdrawal says it.
        self.grace_days = 14
        # Whether the counsellor may read the conversation, per chat, once the client chose.
        self.transcript_shared: Dict[str, bool] = {}

    def _check(self, chat_id: str) -> None:
        if self.down:
            raise DossierUnavailable("backend down (fake)")
        if chat_id not in self.consent:
            raise ClientUnknown(chat_id)

    async def profile(self, chat_id: str) -> Profile:
        self._check(chat_id)
        return Profile(client_id=1, name="Test", consent_given=self.consent[chat_id], formal=self.formal)

    async def send(self, chat_id: str, kind: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        self._check(chat_id)
        answer: Dict[str, Any] = {}
        if kind == "consent":
            if self.consent[chat_id] is True and not payload["given"]:
                answer = {"withdrawal": {"erase_at": "2026-12-18T09:00:00+00:00", "erase_after_days": self.grace_days}}
            self.consent[chat_id] = payload["given"]
        elif kind == "topic":
            self.topic = payload["topic"]
        elif kind == "action_update":
            for action in self.actions:
                if action["id"] == payload["action_id"]:
                    action.update(status=payload["status"], obstacle=payload.get("obstacle"))
        elif not self.consent[chat_id] and not (kind == "insight" and payload["category"] == "crisis"):
            raise ConsentMissing(chat_id)
        keys = [write.get("key") for write in self.writes[kind]]
        if "key" not in payload or payload["key"] not in keys:
            self.writes[kind].append(payload)
        return answer

    async def share_transcript(self, chat_id: str, shared: bool, consent_version: str) -> Dict[str, Any]:
        self._check(chat_id)
        # The backend's consent API carries the choice with a "yes", so it would give consent.
        self.consent[chat_id] = True
        self.transcript_shared[chat_id] = shared
        return {}

    async def erase(self, chat_id: str) -> None:
        self._check(chat_id)
        self.writes = {kind: [] for kind in WRITES}
        self.consent[chat_id] = None
        self.erased = True

    async def insights(self, chat_id: str, category: Optional[str] = None) -> List[Dict[str, Any]]:
        self._check(chat_id)
        return [i for i in self.writes["insight"] if category in (None, i["category"])]

    async def summary(self, chat_id: str) -> Dict[str, Any]:
        self._check(chat_id)
        grouped: Dict[str, List[str]] = {}
        for insight in self.writes["insight"]:
            grouped.setdefault(insight["category"], []).append(insight["value"])
        return {"last_topic": self.topic, "last_activity_at": None, "insights": grouped, "open_actions": await self.open_actions(chat_id), "formal": self.formal}

    async def reminder_settings(self, chat_id: str) -> Dict[str, Any]:
        self._check(chat_id)
        planned = any(action.get("reminder_at") and action["status"] == "open" for action in self.actions)
        return {"state": "active", "snoozed_until": None, "next_reminder_at": "2026-12-01T09:00:00+00:00" if planned else None}

    async def open_actions(self, chat_id: str) -> List[Dict[str, Any]]:
        self._check(chat_id)
        return [action for action in self.actions if action["status"] == "open"]

    def stored(self, category: str) -> List[str]:
        return [i["value"] for i in self.writes["insight"] if i["category"] == category]
