"""The client's rights in the chat: what is stored (a summary), whether the counsellor may read
the conversation, and erasure of everything."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import dossier
from bot.actions.wording import counted, join_dutch

CATEGORY_WORDS = {
    "quality": ("kwaliteit", "kwaliteiten"),
    "motive": ("drijfveer", "drijfveren"),
    "network": ("contact", "contacten"),
    "labour_market": ("punt over jobs", "punten over jobs"),
    "action": ("actie", "acties"),
    "question_for_counsellor": ("vraag voor je begeleider", "vragen voor je begeleider"),
}
FORMAL_WORDS = {"je begeleider": "uw begeleider"}


def overview(summary: Dict[str, Any], formal: bool = False) -> str:
    parts = []
    for category, (one, many) in CATEGORY_WORDS.items():
        values = (summary.get("insights") or {}).get(category) or []
        if values:
            parts.append(counted(len(values), one, many))
    text = join_dutch(parts)
    if formal:
        for informal, polite in FORMAL_WORDS.items():
            text = text.replace(informal, polite)
    return text


class ActionTellStoredData(Action):
    def name(self) -> Text:
        return "action_tell_stored_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        summary = await dossier.summary(tracker.sender_id)
        text = overview(summary or {}, formal=bool(tracker.get_slot("formal_address")))
        if text:
            dispatcher.utter_message(response="utter_stored_data", overview=text)
        else:
            dispatcher.utter_message(response="utter_nothing_stored")
        return []


class ActionEraseMyData(Action):
    """Erases the dossier and the conversation; the bot forgets this chat from here on."""

    def name(self) -> Text:
        return "action_erase_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        if not await dossier.erase(tracker.sender_id):
            dispatcher.utter_message(response="utter_erasure_failed")
            return []
        dispatcher.utter_message(response="utter_erasure_done")
        return [Restarted()]


# The latest intent -> whether the counsellor may read the whole conversation. A plain yes or
# no counts only as the answer to the question after the consent (bot/data/rules/privacy.yml).
SHARING_BY_INTENT = {"transcript_shared": True, "affirm": True, "transcript_private": False, "deny": False}
SHARING_RESPONSES = {
    dossier.STORED: {True: "utter_transcript_shared", False: "utter_transcript_private"},
    dossier.REFUSED: "utter_transcript_no_consent",
    dossier.NO_CLIENT: "utter_no_dossier",
    dossier.FAILED: "utter_transcript_choice_failed",
}


class ActionSetTranscriptSharing(Action):
    """The client's choice: the counsellor reads the conversation too, or only the confirmed points."""

    def name(self) -> Text:
        return "action_set_transcript_sharing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        shared = SHARING_BY_INTENT.get((tracker.latest_message.get("intent") or {}).get("name"))
        if shared is None:
            return []
        outcome = await dossier.share_transcript(tracker.sender_id, shared)
        response = SHARING_RESPONSES[outcome]
        dispatcher.utter_message(response=response[shared] if isinstance(response, dict) else response)
        return []
