"""An in-memory dossier with the DossierClient interface, for action tests."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.actions.dossier_client import ClientUnknown, ConsentMissing, DossierUnavailable, Profile


class FakeDossierClient:
    def __init__(self, chat_ids: tuple[str, ...] = ("chat-1",), consent: Optional[bool] = True) -> None:
        self.consent = {chat_id: consent for chat_id in chat_ids}
        self.insights: Dict[str, Dict[str, Any]] = {}
        self.down = False
        self.calls = 0

    def _check(self, chat_id: str) -> None:
        self.calls += 1
        if self.down:
            raise DossierUnavailable("backend down (fake)")
        if chat_id not in self.consent:
            raise ClientUnknown(chat_id)

    async def profile(self, chat_id: str) -> Profile:
        self._check(chat_id)
        return Profile(client_id=1, name="Test", consent_given=self.consent[chat_id], formal=False)

    async def set_consent(self, chat_id: str, given: bool, version: str) -> None:
        self._check(chat_id)
        self.consent[chat_id] = given

    async def store_insight(self, chat_id: str, insight: Dict[str, Any]) -> int:
        self._check(chat_id)
        if not self.consent[chat_id] and insight["category"] != "crisis":
            raise ConsentMissing(chat_id)
        self.insights.setdefault(insight["key"], {**insight, "chat_id": chat_id})
        return list(self.insights).index(insight["key"]) + 1

    async def insights(self, chat_id: str, category: Optional[str] = None) -> List[Dict[str, Any]]:
        self._check(chat_id)
        return [i for i in self.insights.values() if i["chat_id"] == chat_id and category in (None, i["category"])]

    def stored(self, category: str) -> List[str]:
        return [i["value"] for i in self.insights.values() if i["category"] == category]
