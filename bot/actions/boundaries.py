"""Medical, psychological, legal or financial questions: the bot refers them to an expert (a plain
response) and, when the client agrees, passes the question on to the counsellor."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.wording import as_sentence
from contract import VALUE_MAX


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
