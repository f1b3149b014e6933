"""Crisis: the flag for the counsellor. The answer to the client itself is a plain response,
sent by a rule before this action runs, so the client gets it even when the action server is
down."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import dossier
from contract import (
    CRISIS_CLEAR,
    CRISIS_NOT_SAFE,
    CRISIS_NOT_SAFE_ALONE,
    CRISIS_NOT_SAFE_VIOLENCE,
    CRISIS_POSSIBLE,
    CRISIS_VIOLENCE,
)

# What the counsellor reads as the flag's value, by the detector's tier (bot/nlu/crisis.py).
FLAG_VALUES = {
    ("clear", "self"): CRISIS_CLEAR,
    ("possible", "self"): CRISIS_POSSIBLE,
    ("clear", "violence"): CRISIS_VIOLENCE,
}
# After "Ben je nu veilig?" answered with no, by the question the client answered.
NOT_SAFE_AFTER = {
    "utter_crisis_not_safe": CRISIS_NOT_SAFE_ALONE,  # "Is er iemand bij je?" - "nee"
    "utter_crisis_alone": CRISIS_NOT_SAFE_ALONE,
    "utter_crisis_violence": CRISIS_NOT_SAFE_VIOLENCE,
}


def latest_user_message_time(tracker: Tracker) -> float | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("timestamp")
    return None


def question_answered(tracker: Tracker) -> Optional[Text]:
    """The response the bot sent last before the client's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def signal_and_answers(tracker: Tracker, answers: int = 3) -> List[Text]:
    """The client's latest crisis message and (at most `answers` of) what they said after it;
    without a crisis message, only the latest message."""
    said: List[Text] = []
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") == "crisis":
            return [event.get("text") or "", *reversed(said[:answers])]
        said.append(event.get("text") or "")
    return said[:1]


def latest_crisis_message(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The parse data of the client's latest message with the intent crisis."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == "crisis":
            return event["parse_data"]
    return None


class ActionFlagCrisis(Action):
    """Flags the crisis in the dossier. Right after a crisis message: at that message's tier.
    After the client's answer to the direct question or to "ben je veilig?": a clear flag that
    quotes both the signal and the answer, so the counsellor reads what the client said."""

    def name(self) -> Text:
        return "action_flag_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        text = latest.get("text") or ""
        if (latest.get("intent") or {}).get("name") == "crisis":
            tier = (latest.get("crisis_level") or "clear", latest.get("crisis_kind") or "self")
            sentence = text
        else:
            signal = latest_crisis_message(tracker) or {}
            tier = ("clear", signal.get("crisis_kind") or "self")
            sentence = " | daarna: ".join(signal_and_answers(tracker, answers=1))
        value = FLAG_VALUES.get(tier, CRISIS_CLEAR)
        await dossier.flag_crisis(tracker.sender_id, sentence, latest_user_message_time(tracker), value=value)
        return []


class ActionFlagNotSafe(Action):
    """The client said they are not safe: the flag the dashboard puts above all others, with the
    signal and the answers, so the counsellor reads what the client said."""

    def name(self) -> Text:
        return "action_flag_not_safe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        value = NOT_SAFE_AFTER.get(question_answered(tracker) or "", CRISIS_NOT_SAFE)
        sentence = " | daarna: ".join(signal_and_answers(tracker))
        await dossier.flag_crisis(tracker.sender_id, sentence, latest_user_message_time(tracker), value=value)
        return []
