"""Consent: nothing goes into the dossier before the client says yes."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import dossier
from bot.actions.wording import counted


class ActionRecordConsent(Action):
    def name(self) -> Text:
        return "action_record_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        given = tracker.get_slot("consent_answer") is True
        recorded = await dossier.record_consent(tracker.sender_id, given)
        if recorded.outcome == dossier.NO_CLIENT:
            # No dossier belongs to this chat: say so now, not after a whole exercise that
            # cannot be kept. A backend that is down is another matter: the outbox keeps the
            # consent and the conversation goes on.
            dispatcher.utter_message(response="utter_no_dossier")
            return [SlotSet("consent_given", False), SlotSet("consent_answer", None)]
        if given and recorded.outcome == dossier.STORED:
            # One more question; its answer (bot/data/rules/privacy.yml) brings the menu.
            dispatcher.utter_message(response="utter_consent_thanks")
            dispatcher.utter_message(response="utter_ask_transcript_choice")
        elif given:
            # Kept in the outbox: the choice could not be made now, so it is not asked now.
            dispatcher.utter_message(response="utter_consent_thanks")
            dispatcher.utter_message(response="utter_menu")
        elif recorded.erase_after_days is not None:
            # A "no" after an earlier "yes": the dossier is hidden now and erased later; the
            # number of days is the backend's (CONSENT_WITHDRAWAL_GRACE_DAYS), never typed here.
            grace_period = counted(recorded.erase_after_days, "dag", "dagen")
            dispatcher.utter_message(response="utter_consent_withdrawn", grace_period=grace_period)
        else:
            dispatcher.utter_message(response="utter_consent_refused")
        return [SlotSet("consent_given", given), SlotSet("consent_answer", None)]
