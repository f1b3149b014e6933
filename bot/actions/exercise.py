"""The topic exercise: what all exercises share (their slots, the topic the dossier remembers,
stopping and resuming). The exercises themselves are topics of their own."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import dossier


# form -> topic remembered in the dossier ("Vorige keer werkten we aan ...")
FORM_TOPICS = {
    "qualities_form": "qualities",
    "motives_form": "motives",
    "network_form": "network",
    "labour_market_form": "labour_market",
    "action_form": "actions",
}
# How the bot names an exercise to the client: (with "je", with "u").
TOPIC_NAMES = {
    "qualities": ("je kwaliteiten", "uw kwaliteiten"),
    "motives": ("wat je drijft", "wat u drijft"),
    "network": ("je netwerk", "uw netwerk"),
    "labour_market": ("een job die je aanspreekt", "een job die u aanspreekt"),
    "actions": ("je acties", "uw acties"),
}


def topic_name(topic: str, formal: bool) -> str:
    informal_name, formal_name = TOPIC_NAMES[topic]
    return formal_name if formal else informal_name

# Slots that belong to one run of an exercise: kept when the client stops (to resume later),
# cleared when the exercise is done.
EXERCISE_SLOTS = (
    "quality_situation", "quality_action", "quality_words", "quality_feedback", "quality_proposal",
    "motive_energisers", "motive_drainers", "motive_values", "motive_must_haves", "motive_deal_breakers", "motive_proposal",
    "network_people", "network_help", "network_choice", "network_message", "network_contacts",
    "job_target", "job_fit", "job_questions", "job_training",
    "action_text", "action_deadline", "action_measure",
    "counsellor_message", "action_obstacle", "reported_action",
    "review_points", "review_index", "point_decision",
)


def clear_exercise() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in EXERCISE_SLOTS] + [SlotSet("retries", 0)]


def topic_of(tracker: Tracker) -> Optional[str]:
    return FORM_TOPICS.get(tracker.active_loop_name or "")


class ActionStopExercise(Action):
    """Stops the running exercise but keeps its answers, so that it can resume later."""

    def name(self) -> Text:
        return "action_stop_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_exercise_stopped")
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("retries", 0)]
        topic = topic_of(tracker)
        if topic and tracker.get_slot("consent_given"):
            await dossier.remember_topic(tracker.sender_id, topic)
            events.append(SlotSet("last_topic", topic))
        return events
