"""The conversation shapes both bots are driven with: the same number of turns, one after the
other per conversation, each conversation its own sender id."""
from __future__ import annotations

from typing import List, Optional

from bench.load import Script, Turn

SITUATION = "Vorige week heb ik een boze klant met veel geduld geholpen."
OWN_PART = "Ik heb alles nauwkeurig nagekeken en rustig uitgelegd."
QUALITIES = "geduldig en nauwkeurig"
FEEDBACK = "Mijn collega zegt dat ik behulpzaam ben."
MAX_CONFIRMATIONS = 8


class QualitiesConversation(Script):
    """Our bot with its custom actions and dossier writes: consent, then the qualities
    exercise, confirming every proposed point until the bot says they are stored."""

    def next_message(self, turns: List[Turn]) -> Optional[str]:
        fixed = ["hallo", "/affirm", "/start_qualities", SITUATION, OWN_PART, QUALITIES]
        if len(turns) < len(fixed):
            return fixed[len(turns)]
        last = turns[-1].text().lower()
        if "bewaard" in last:
            return None
        if len(turns) == len(fixed) and "anderen" in last:
            return FEEDBACK  # "what do others say about you?"
        confirmations = sum(1 for turn in turns if turn.message == "/affirm") - 1
        return "/affirm" if confirmations < MAX_CONFIRMATIONS else None

    def problem(self, turns: List[Turn]) -> Optional[str]:
        if not turns or "computerprogramma" not in turns[0].text():
            return "the opening does not say it is a computer program"
        if "bewaard" not in turns[-1].text().lower():
            return f"the qualities were not stored; last answer: {turns[-1].text()[:200]!r}"
        return None


REFERENCE_MESSAGES = ["hello", "I am sad", "yes", "are you a bot?", "good morning", "I am great", "hi", "very sad", "no", "bye"]


class ReferenceConversation(Script):
    """The `rasa init` bot, as many turns as our conversation has."""

    def __init__(self, turns: int) -> None:
        self.length = turns

    def next_message(self, turns: List[Turn]) -> Optional[str]:
        if len(turns) >= self.length:
            return None
        return REFERENCE_MESSAGES[len(turns) % len(REFERENCE_MESSAGES)]

    def problem(self, turns: List[Turn]) -> Optional[str]:
        if not turns or "how are you" not in turns[0].text().lower():
            return "the reference bot did not greet"
        return None
