"""The motives exercise (motievenreflectie): energisers and drainers -> the values behind them ->
the client's top three -> must-haves and deal-breakers for a next job."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.form_validation import TopicFormValidation, free_text, free_text_or_proposal
from bot.actions.free_text import SKIPPED
from bot.actions.proposals import joined_answers, recognised, values_from_answer
from bot.actions.review import start_review
from bot.actions.wording import join_dutch

TOP = 3


class ActionAskMotiveValues(Action):
    def name(self) -> Text:
        return "action_ask_motive_values"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        proposal = recognised("motive", tracker.get_slot("motive_energisers"), tracker.get_slot("motive_drainers"))[:TOP]
        if proposal:
            dispatcher.utter_message(response="utter_ask_motive_values_with_proposal", proposal=join_dutch(proposal))
        else:
            dispatcher.utter_message(response="utter_ask_motive_values")
        return [SlotSet("motive_proposal", proposal or None)]


class ValidateMotivesForm(TopicFormValidation):
    slot_validators = {
        "motive_energisers": free_text,
        "motive_drainers": free_text,
        "motive_values": free_text_or_proposal("motive_proposal"),
        "motive_must_haves": free_text,
        "motive_deal_breakers": free_text,
    }

    def name(self) -> Text:
        return "validate_motives_form"


class ActionProposeMotives(Action):
    def name(self) -> Text:
        return "action_propose_motives"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        sentence = joined_answers(tracker.get_slot("motive_energisers"), tracker.get_slot("motive_drainers"))
        points = [
            {"category": "motive", "value": value, "sentence": sentence}
            for value in values_from_answer("motive", tracker.get_slot("motive_values"))[:TOP]
        ]
        for slot, prefix in (("motive_must_haves", "moet"), ("motive_deal_breakers", "liever niet")):
            answer = tracker.get_slot(slot)
            if answer and answer != SKIPPED:
                points.append({"category": "motive", "value": f"{prefix}: {answer.strip()[:150]}", "sentence": answer})
        return start_review(dispatcher, points)
