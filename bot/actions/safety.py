"""Crisis flag for the counsellor. The referral itself is a plain response, sent by a rule
before this action runs, so the client gets it even when the action server is down."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import dossier


def latest_user_message_time(tracker: Tracker) -> float | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("timestamp")
    return None


class ActionFlagCrisis(Action):
    def name(self) -> Text:
        return "action_flag_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message.get("text") or ""
        await dossier.flag_crisis(tracker.sender_id, message, latest_user_message_time(tracker))
        return []
