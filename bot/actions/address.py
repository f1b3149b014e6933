"""Je or u: the form of address the client prefers, kept in the dossier once they gave consent."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier


class ActionSetAddress(Action):
    def name(self) -> Text:
        return "action_set_address"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        formal = (tracker.latest_message.get("intent") or {}).get("name") == "use_formal_address"
        if tracker.get_slot("consent_given"):
            await dossier.set_address(tracker.sender_id, formal)
        # The slot first: the confirmation itself already uses the new form of address.
        dispatcher.utter_message(response="utter_address_formal" if formal else "utter_address_informal")
        return [SlotSet("formal_address", formal)]
