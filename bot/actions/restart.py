"""/restart starts the conversation over, but not the client's settings.

Rasa's own restart forgets every slot. The client then had to give consent again although the
dossier has it, and a client who is addressed with "u" got "je" again. The dossier is the truth
for both, so they are read from it and set again right after the restart; when it cannot be
reached (or the chat has no dossier), they are forgotten as Rasa would.

A custom action_session_start would cover every new session, but a session start that cannot
reach the action server loses its events, and a new client's first "hallo" would then get the
fallback instead of the introduction.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier


class ActionRestart(Action):
    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_restart")
        events: List[Dict[Text, Any]] = [Restarted()]
        known = await dossier.profile(tracker.sender_id)
        if known is not None:
            events += [SlotSet("consent_given", known.consent_given is True), SlotSet("formal_address", known.formal)]
        return events
