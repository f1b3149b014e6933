"""A new session starts from what the dossier knows.

Rasa's own session start only carries the slots over. After /restart, or when the tracker
store has forgotten a conversation, that would ask a client who already agreed for consent
again, and greet a client who is addressed with "u" with "je". The dossier is the truth for
both, so they are read from it here; when it cannot be reached, the slots stay as they were.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        slots = {}
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            slots = {name: value for name, value in tracker.slots.items() if value is not None}
        known = await dossier.profile(tracker.sender_id)
        if known is not None:
            slots["consent_given"] = known.consent_given is True
            slots["formal_address"] = known.formal
        return [SessionStarted(), *(SlotSet(name, value) for name, value in slots.items()), ActionExecuted("action_listen")]
