"""A message for the counsellor: the client writes it, reviews it, and it goes into the dossier."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.form_validation import TopicFormValidation, free_text
from bot.actions.review import start_review
from contract import VALUE_MAX


class ValidateCounsellorMessageForm(TopicFormValidation):
    slot_validators = {"counsellor_message": free_text}

    def name(self) -> Text:
        return "validate_counsellor_message_form"


class ActionProposeCounsellorMessage(Action):
    def name(self) -> Text:
        return "action_propose_counsellor_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        message = tracker.get_slot("counsellor_message")
        points = []
        if message and message != "(overgeslagen)":
            points.append({"category": "question_for_counsellor", "value": message.strip()[:VALUE_MAX], "sentence": message})
        return start_review(dispatcher, points)
