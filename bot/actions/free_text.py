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

# Thanks, greetings and "ok" on their own: polite, but nothing to write in the dossier
# ("bedankt" is not the name of someone in the client's network). "ja" and "nee" are left
# out on purpose ("nee" answers "has anyone told you so?"), and so are "goed" or "prima",
# which can describe how well a job fits.
_COURTESY_WORDS = frozenset(
    "bedankt dank danku dankje dankjewel dankuwel je u wel merci thanks thank you thx "
    "ok oke oké okay okee oki "
    "hallo hoi hey hi dag goeiemorgen goedemorgen goeiemiddag goedemiddag goeienavond goedenavond".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def is_courtesy_only(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return bool(words) and all(word in _COURTESY_WORDS for word in words)


def is_real_answer(text: str | None) -> bool:
    if not text or not text.strip():
        return False
    if _NO_ANSWER.match(text) or is_courtesy_only(text):
        return False
    return any(character.isalpha() for character in text)


def accept_or_reask(slot: str, text: Any, retries: float | None, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """Returns the slot events for a free-text answer: keep it, re-ask it, or skip it.

    None is no answer at all (an action emptied the slot, and Rasa validates every slot set
    since the client's last message): it is not re-asked."""
    if text is None:
        return {slot: None}
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
