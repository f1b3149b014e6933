"""Homework reminders: the backend's scheduler opens a conversation about due homework
(EXTERNAL_homework_reminder), and the client snoozes, stops or restarts the reminders."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier

REMINDER_STATES = {
    "snooze_reminder": ("snoozed_until_tomorrow", "utter_reminders_snoozed"),
    "stop_reminders": ("stopped", "utter_reminders_stopped"),
    "resume_reminders": ("active", "utter_reminders_resumed"),
}


class ActionSetReminders(Action):
    """Snooze until tomorrow, stop or restart the homework reminders."""

    def name(self) -> Text:
        return "action_set_reminders"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        state, response = REMINDER_STATES.get(intent, REMINDER_STATES["resume_reminders"])
        stored = await dossier.set_reminders(tracker.sender_id, state) == "stored"
        if intent == "snooze_reminder" and stored and await dossier.reminder_planned(tracker.sender_id) is False:
            # "later" with no homework reminder on its way: no promise of one tomorrow.
            response = "utter_no_reminder_planned"
        dispatcher.utter_message(response=response)
        return []


class ActionRemindHomework(Action):
    """Opens a conversation about homework, when the backend's scheduler triggers it. The trigger
    carries the homework (its action id, text and due date), so nothing is looked up."""

    def name(self) -> Text:
        return "action_remind_homework"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        text = next(tracker.get_latest_entity_values("homework"), None)
        if not text:
            return []
        dispatcher.utter_message(response="utter_homework_reminder", homework=text)
        action_id = next(tracker.get_latest_entity_values("homework_action_id"), None)
        if not isinstance(action_id, int) or isinstance(action_id, bool):
            return []
        due = next(tracker.get_latest_entity_values("homework_due_date"), None)
        # What the follow-up ("gedaan", "nog niet", "zit vast") reports on.
        homework = {"id": action_id, "text": text, "due_date": due, "is_homework": True}
        return [SlotSet("reported_action", homework)]
