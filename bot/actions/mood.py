"""The mood check-in: how the client feels today, kept in the dossier once they gave consent."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier


class ActionLogMood(Action):
    def name(self) -> Text:
        return "action_log_mood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        mood = "good" if intent == "mood_good" else "bad"
        if tracker.get_slot("consent_given"):
            text = tracker.latest_message.get("text") or ""
            await dossier.log_mood(tracker.sender_id, mood, "" if text.startswith("/") else text, tracker.latest_message.get("timestamp"))
        dispatcher.utter_message(response="utter_mood_good" if mood == "good" else "utter_mood_bad")
        dispatcher.utter_message(response="utter_menu")
        return []
