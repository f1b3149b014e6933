"""Around the exercises: greeting with memory, mood check-in, je/u, messages and questions for
the counsellor."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.exercise import TOPIC_NAMES, topic_name
from bot.actions.free_text import accept_or_reask
from bot.actions.review import start_review
from bot.actions.wording import as_sentence
from contract import VALUE_MAX

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


class ValidateCounsellorMessageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_counsellor_message_form"

    async def validate_counsellor_message(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accept_or_reask("counsellor_message", value, tracker.get_slot("retries"), dispatcher)


class ActionProposeCounsellorMessage(Action):
    def name(self) -> Text:
        return "action_propose_counsellor_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        message = tracker.get_slot("counsellor_message")
        points = []
        if message and message != "(overgeslagen)":
            points.append({"category": "question_for_counsellor", "value": message.strip()[:VALUE_MAX], "sentence": message})
        return start_review(dispatcher, points)


def _previous_user_text(tracker: Tracker) -> Optional[str]:
    """The user's message before the current one (the question that got a referral)."""
    texts = [event.get("text") for event in tracker.events if event.get("event") == "user"]
    return texts[-2] if len(texts) >= 2 and texts[-2] and not texts[-2].startswith("/") else None


class ActionPassQuestionToCounsellor(Action):
    """After a referral the client agreed to: the question goes to the counsellor."""

    def name(self) -> Text:
        return "action_pass_question_to_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        question = _previous_user_text(tracker)
        if not question:
            dispatcher.utter_message(response="utter_no_question_to_pass")
            return []
        result = await dossier.save_points(tracker.sender_id, [{"category": "question_for_counsellor", "value": question[:VALUE_MAX], "sentence": question}])
        if result.refused:
            dispatcher.utter_message(response="utter_insights_not_linked", values=as_sentence(question[:VALUE_MAX]))
        else:
            dispatcher.utter_message(response="utter_question_passed")
        return []


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
