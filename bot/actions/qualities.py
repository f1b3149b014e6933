"""The qualities exercise (kwaliteitenreflectie): situation -> own part -> qualities."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import lexicon
from bot.actions.free_text import SKIPPED, accept_or_reask, as_events, is_real_answer
from bot.actions.wording import join_dutch

MAX_POINTS = 5
MAX_OWN_WORDS_CHARS = 60
_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|/|\n|\ben\b|\bof\b)\s*", re.IGNORECASE)


def recognised_qualities(text: Optional[str]) -> List[str]:
    """Canonical qualities the lexicon finds in `text`, in order, without negated ones."""
    if not text or text == SKIPPED:
        return []
    values: List[str] = []
    for match in lexicon.extract(text):
        if match.entity == "quality" and not match.negated and match.value not in values:
            values.append(match.value)
    return values


def qualities_from_answer(text: str) -> List[str]:
    """The client's answer as qualities: lexicon values, or else their own words as a list."""
    found = recognised_qualities(text)
    if found:
        return found[:MAX_POINTS]
    own_words = [part.strip(" .!?") for part in _LIST_SEPARATORS.split(text) if part and part.strip(" .!?")]
    return [words[:MAX_OWN_WORDS_CHARS] for words in own_words[:MAX_POINTS]]


def example_sentence(tracker: Tracker) -> str:
    parts = [tracker.get_slot("quality_situation"), tracker.get_slot("quality_action")]
    return " ".join(part for part in parts if part and part != SKIPPED)


class ActionAskQualityWords(Action):
    """Asks which qualities the story shows, proposing those the bot recognised."""

    def name(self) -> Text:
        return "action_ask_quality_words"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        proposal = recognised_qualities(example_sentence(tracker))[:3]
        if proposal:
            dispatcher.utter_message(response="utter_ask_quality_words_with_proposal", proposal=join_dutch(proposal))
        else:
            dispatcher.utter_message(response="utter_ask_quality_words")
        return [SlotSet("quality_proposal", proposal or None)]


class ValidateQualitiesForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_qualities_form"

    async def validate_quality_situation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accept_or_reask("quality_situation", value, tracker.get_slot("retries"), dispatcher)

    async def validate_quality_action(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accept_or_reask("quality_action", value, tracker.get_slot("retries"), dispatcher)

    async def validate_quality_words(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        proposal = tracker.get_slot("quality_proposal") or []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if proposal and (intent == "affirm" or not is_real_answer(value)):
            # "ja, klopt" or "weet ik niet" after a proposal: take the proposal.
            return {"quality_words": ", ".join(proposal), "retries": 0}
        return accept_or_reask("quality_words", value, tracker.get_slot("retries"), dispatcher)


class ActionProposeQualities(Action):
    """Turns the answers into points for the client to confirm, edit or drop."""

    def name(self) -> Text:
        return "action_propose_qualities"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        words = tracker.get_slot("quality_words") or ""
        sentence = example_sentence(tracker)
        values = [] if words == SKIPPED else qualities_from_answer(words)
        points = [{"category": "quality", "value": value, "sentence": sentence} for value in values]
        if not points:
            dispatcher.utter_message(response="utter_nothing_saved")
            return as_events({"review_points": [], "review_index": 0, "point_decision": "done"})
        dispatcher.utter_message(response="utter_review_intro")
        return as_events({"review_points": points, "review_index": 0, "point_decision": None})
