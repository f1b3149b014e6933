"""The labour market exercise (arbeidsmarktverkenning): a job target in the client's words ->
how it fits their confirmed qualities and motives (quoted) -> what to find out -> what to learn."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.form_validation import TopicFormValidation, free_text
from bot.actions.free_text import SKIPPED
from bot.actions.review import start_review
from bot.actions.wording import join_dutch

QUOTED_PER_CATEGORY = 3


class ActionAskJobFit(Action):
    """Quotes the qualities and motives the client confirmed before ("Eerder noemde je ...")."""

    def name(self) -> Text:
        return "action_ask_job_fit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        summary = await dossier.summary(tracker.sender_id) or {}
        insights = summary.get("insights") or {}
        quoted = [value for category in ("quality", "motive") for value in (insights.get(category) or [])[:QUOTED_PER_CATEGORY]]
        if quoted:
            dispatcher.utter_message(response="utter_ask_job_fit_quoted", insights=join_dutch(quoted))
        else:
            dispatcher.utter_message(response="utter_ask_job_fit")
        return []


class ValidateLabourMarketForm(TopicFormValidation):
    slot_validators = {"job_target": free_text, "job_fit": free_text, "job_questions": free_text, "job_training": free_text}

    def name(self) -> Text:
        return "validate_labour_market_form"


class ActionProposeLabourMarket(Action):
    def name(self) -> Text:
        return "action_propose_labour_market"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        points = []
        for slot, label in (("job_target", "jobdoel"), ("job_questions", "nog uitzoeken"), ("job_training", "nog leren")):
            answer = tracker.get_slot(slot)
            if answer and answer != SKIPPED:
                points.append({"category": "labour_market", "value": f"{label}: {answer.strip()[:180]}", "sentence": answer})
        fit = tracker.get_slot("job_fit")
        if points and fit and fit != SKIPPED:
            points[0]["sentence"] = f"{points[0]['sentence']} {fit}".strip()
        return start_review(dispatcher, points)
