"""Reviewing proposed points one by one, then storing the confirmed ones.

Shared by every exercise: an exercise fills `review_points` with {category, value, sentence}
(plus `kind` and details for contacts and actions) and activates `insight_review_form`.
The client keeps, drops or rewords each point; only confirmed points reach the dossier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.exercise import clear_exercise
from contract import CATEGORY_TOPICS
from bot.actions.free_text import asks_what_is_meant, is_real_answer
from bot.actions.wording import as_sentence, join_dutch

MAX_VALUE_CHARS = 200


def _points_and_index(tracker: Tracker) -> tuple[List[Dict[str, Any]], int]:
    return list(tracker.get_slot("review_points") or []), int(tracker.get_slot("review_index") or 0)


def start_review(dispatcher: CollectingDispatcher, points: List[Dict[str, Any]]) -> List[Dict[Text, Any]]:
    """Events that hand `points` to the review form (which completes at once when empty)."""
    if not points:
        dispatcher.utter_message(response="utter_nothing_saved")
        return [SlotSet("review_points", []), SlotSet("review_index", 0), SlotSet("point_decision", "done")]
    dispatcher.utter_message(response="utter_review_intro")
    return [SlotSet("review_points", points), SlotSet("review_index", 0), SlotSet("point_decision", None)]


class ActionAskPointDecision(Action):
    def name(self) -> Text:
        return "action_ask_point_decision"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        points, index = _points_and_index(tracker)
        if index < len(points):
            dispatcher.utter_message(response="utter_ask_point_decision", number=index + 1, total=len(points), value=as_sentence(points[index]["value"]))
        return []


class ValidateInsightReviewForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_insight_review_form"

    async def validate_point_decision(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        points, index = _points_and_index(tracker)
        if index >= len(points):
            return {"point_decision": "done"}
        if value is None:
            # Not an answer: the form validates the slot when start_review empties it, before
            # the first point is even asked.
            return {"point_decision": None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in ("affirm", "deny") and (asks_what_is_meant(value) or not is_real_answer(value)):
            # "Wat bedoel je?" or "weet ik niet" is no wording of the point: explain the choice.
            dispatcher.utter_message(response="utter_clarify_review")
            return {"point_decision": None}
        point = dict(points[index])
        if intent == "affirm":
            point["status"] = "confirmed"
        elif intent == "deny":
            point["status"] = "dropped"
        else:
            # Anything else is the client's own wording of the point.
            point["value"] = value.strip()[:MAX_VALUE_CHARS]
            point["status"] = "confirmed"
        points[index] = point
        index += 1
        return {"review_points": points, "review_index": index, "point_decision": "done" if index >= len(points) else None}


class ActionStoreInsights(Action):
    def name(self) -> Text:
        return "action_store_insights"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        points, _ = _points_and_index(tracker)
        confirmed = [point for point in points if point.get("status") == "confirmed"]
        events = clear_exercise()
        if not confirmed:
            dispatcher.utter_message(response="utter_nothing_saved")
        else:
            result = await dossier.save_points(tracker.sender_id, confirmed)
            values = as_sentence(join_dutch(point["value"] for point in confirmed))
            if result.queued:
                dispatcher.utter_message(response="utter_insights_queued", values=values)
            elif result.stored:
                dispatcher.utter_message(response="utter_insights_saved", values=values)
            else:
                dispatcher.utter_message(response="utter_insights_not_linked", values=values)
            topic = CATEGORY_TOPICS.get(confirmed[0]["category"])
            if topic and result.refused < len(confirmed):
                await dossier.remember_topic(tracker.sender_id, topic)
                events.append(SlotSet("last_topic", topic))
        dispatcher.utter_message(response="utter_exercise_done")
        return events
