"""The qualities exercise (kwaliteitenreflectie): a situation that went well -> what the client
did -> which qualities that shows -> how others see them -> review, with a core quadrant."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.dutch import lexicon
from bot.actions.form_validation import TopicFormValidation, free_text, free_text_or_proposal
from bot.actions.free_text import SKIPPED, is_real_answer
from bot.actions.proposals import joined_answers, recognised, values_from_answer
from bot.actions.review import start_review
from bot.actions.wording import join_dutch


def example_sentence(tracker: Tracker) -> str:
    return joined_answers(tracker.get_slot("quality_situation"), tracker.get_slot("quality_action"))


def quadrant_text(quality: str) -> str | None:
    """The usual core quadrant of a canonical quality, in words the client can change."""
    try:
        entry = lexicon.quality(quality)
    except KeyError:
        return None
    return f"kernkwadrant van {quality}: valkuil {entry['pitfall']}, uitdaging {entry['challenge']}, allergie {entry['allergy']}"


class ActionAskQualityWords(Action):
    """Asks which qualities the story shows, proposing those the bot recognised."""

    def name(self) -> Text:
        return "action_ask_quality_words"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        proposal = recognised("quality", example_sentence(tracker))[:3]
        if proposal:
            dispatcher.utter_message(response="utter_ask_quality_words_with_proposal", proposal=join_dutch(proposal))
        else:
            dispatcher.utter_message(response="utter_ask_quality_words")
        return [SlotSet("quality_proposal", proposal or None)]


class ValidateQualitiesForm(TopicFormValidation):
    slot_validators = {
        "quality_situation": free_text,
        "quality_action": free_text,
        "quality_words": free_text_or_proposal("quality_proposal"),
        "quality_feedback": free_text,
    }

    def name(self) -> Text:
        return "validate_qualities_form"


class ActionProposeQualities(Action):
    """Turns the answers into points to confirm, edit or drop; the first quality gets a quadrant."""

    def name(self) -> Text:
        return "action_propose_qualities"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        sentence = example_sentence(tracker)
        feedback = tracker.get_slot("quality_feedback")
        values = values_from_answer("quality", tracker.get_slot("quality_words"))
        for value in recognised("quality", feedback):
            if value not in values:
                values.append(value)
        points = [{"category": "quality", "value": value, "sentence": sentence} for value in values]
        if feedback and feedback != SKIPPED and is_real_answer(feedback) and not recognised("quality", feedback):
            points.append({"category": "quality", "value": f"volgens anderen: {feedback.strip()[:150]}", "sentence": feedback})
        quadrant = next((text for text in map(quadrant_text, values) if text), None)
        if quadrant:
            points.append({"category": "quality", "value": quadrant, "sentence": sentence})
        return start_review(dispatcher, points)
