"""Judging free-text answers in reflection forms: accept real answers, re-ask the rest.
Shared infrastructure of every topic with a form (no topic of its own)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Text

import yaml
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

# "Wat bedoel je?" and friends: a question about the question, not an answer to it.
_CLARIFICATION = re.compile(
    r"^\W*(euh\W+|sorry\W+|maar\W+)?("
    r"(wat|hoe)\s+bedoel\s+(je|jij|u)|wat\s+wil\s+(je|u)\s+(daarmee\s+)?zeggen|"
    r"ik\s+(snap|begrijp|versta)\s+(het|dat|de\s+vraag|je|u|jou|je\s+vraag|uw\s+vraag)?\s*niet|"
    r"(kan|kun|kunt)\s+(je|u)\s+(dat|het|de\s+vraag)?\s*(eens\s+|even\s+)?(anders\s+|beter\s+)?"
    r"(uitleggen|verduidelijken|herhalen|anders\s+zeggen)|"
    r"(geef|heb\s+je|hebt\s+u|mag\s+ik)\s+(eens\s+|me\s+|mij\s+)?(een\s+)?voorbeeld|"
    r"wat\s+moet\s+ik\s+(hier\s+|nu\s+)?(zeggen|antwoorden|invullen|schrijven|typen)|"
    r"welke\s+vraag|wat\s+is\s+de\s+vraag|huh|wablief|pardon|hä"
    r")\b",
    re.IGNORECASE,
)


DISTRESS_FILE = Path(__file__).resolve().parents[1] / "data" / "feelings" / "distress.yml"


@lru_cache(maxsize=1)
def _distress() -> re.Pattern:
    patterns = yaml.safe_load(DISTRESS_FILE.read_text(encoding="utf-8"))["patterns"]
    return re.compile(r"\b(?:" + "|".join(f"(?:{pattern})" for pattern in patterns) + r")\b", re.IGNORECASE)


def shows_distress(text: Any) -> bool:
    """Strong negative feeling in an answer (bot/data/feelings/distress.yml)."""
    return isinstance(text, str) and bool(_distress().search(text.lower()))


def asks_what_is_meant(text: Any) -> bool:
    return isinstance(text, str) and bool(_CLARIFICATION.match(text))


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
    if asks_what_is_meant(text):
        # Explain, then the form asks its question again; this try does not count.
        dispatcher.utter_message(response="utter_clarify_free_text")
        return {slot: None}
    if isinstance(text, str) and is_real_answer(text):
        if shows_distress(text):
            # Heard before the next question: a pause or a talk is possible, going on too.
            dispatcher.utter_message(response="utter_distress_ack")
        return {slot: text.strip()[:MAX_ANSWER_CHARS], "retries": 0}
    tries = int(retries or 0) + 1
    if tries >= MAX_RETRIES:
        dispatcher.utter_message(response="utter_offer_skip")
        return {slot: SKIPPED, "retries": 0}
    dispatcher.utter_message(response="utter_reask_free_text")
    return {slot: None, "retries": tries}


def as_events(values: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    return [SlotSet(slot, value) for slot, value in values.items()]
