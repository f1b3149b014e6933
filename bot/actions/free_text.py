"""Judging free-text answers in reflection forms: accept real answers, re-ask the rest."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MAX_ANSWER_CHARS = 2000
MAX_RETRIES = 2
SKIPPED = "(overgeslagen)"

# "I don't know" and friends: no content to reflect on yet.
_NO_ANSWER = re.compile(
    r"^\s*(ik\s+)?(weet\s+(ik\s+)?(het\s+)?niet|geen\s+idee|geen\s+flauw\s+idee|idk|pff+|\?+|\.+|-+|"
    r"k\s+weet\s+het\s+niet|'k\s+weet\s+(het\s+)?ni(e|et)?)\s*[.!?]*\s*$",
    re.IGNORECASE,
)


def is_real_answer(text: str | None) -> bool:
    if not text or not text.strip():
        return False
    if _NO_ANSWER.match(text):
        return False
    return any(character.isalpha() for character in text)


def accept_or_reask(slot: str, text: Any, retries: float | None, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """Returns the slot events for a free-text answer: keep it, re-ask it, or skip it."""
    if isinstance(text, str) and is_real_answer(text):
        return {slot: text.strip()[:MAX_ANSWER_CHARS], "retries": 0}
    tries = int(retries or 0) + 1
    if tries >= MAX_RETRIES:
        dispatcher.utter_message(response="utter_offer_skip")
        return {slot: SKIPPED, "retries": 0}
    dispatcher.utter_message(response="utter_reask_free_text")
    return {slot: None, "retries": tries}


def as_events(values: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    return [SlotSet(slot, value) for slot, value in values.items()]
