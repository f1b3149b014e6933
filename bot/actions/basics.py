"""The basics: the greeting that picks up where the client left off (the mood check-in after a
day away, or the menu). Goodbye, thanks, "what are you", yes or no outside a question and the
fallback are plain responses (bot/data/rules/basics.yml)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.exercise import TOPIC_NAMES, topic_name

MOOD_CHECK_AFTER = timedelta(days=1)


def _last_activity(summary: Dict[str, Any]) -> Optional[datetime]:
    value = summary.get("last_activity_at")
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ActionGreet(Action):
    """Greets a client who gave consent: where they left off, a mood check-in after a day away,
    or the menu."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        summary = await dossier.summary(tracker.sender_id) or {}
        if "formal" in summary and bool(summary["formal"]) != bool(tracker.get_slot("formal_address")):
            # Rasa picks the je/u variant of a response before it applies this action's
            # events: set the slot first, then greet in a second run of this action.
            return [SlotSet("formal_address", bool(summary["formal"])), FollowupAction(self.name())]
        events: List[Dict[Text, Any]] = []
        topic = summary.get("last_topic")
        last_seen = _last_activity(summary)
        formal = bool(tracker.get_slot("formal_address"))
        if topic in TOPIC_NAMES:
            dispatcher.utter_message(response="utter_greet_returning", topic=topic_name(topic, formal))
            events.append(SlotSet("last_topic", topic))
        else:
            dispatcher.utter_message(response="utter_greet")
        if last_seen and datetime.now(timezone.utc) - last_seen > MOOD_CHECK_AFTER:
            dispatcher.utter_message(response="utter_ask_mood")
        elif topic not in TOPIC_NAMES:
            dispatcher.utter_message(response="utter_menu")
        return events
