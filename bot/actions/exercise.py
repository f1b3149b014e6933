"""Starting and stopping exercises."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

# Slots that belong to one run of an exercise; cleared when it ends or is stopped.
EXERCISE_SLOTS = (
    "quality_situation",
    "quality_action",
    "quality_words",
    "quality_proposal",
    "review_points",
    "review_index",
    "point_decision",
    "retries",
)


def clear_exercise() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, 0 if slot == "retries" else None) for slot in EXERCISE_SLOTS]


class ActionStopExercise(Action):
    def name(self) -> Text:
        return "action_stop_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_exercise_stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *clear_exercise()]
