"""Crisis mode: after a referral, every answer of the bot keeps the help lines in view.

Rasa builds every response text through its natural-language generator, also the responses
that custom actions ask for, so this is the one place that sees each answer with the
conversation it belongs to (endpoints.yml: `nlg: type: bot.crisis_mode.HelpLinesNLG`).

Crisis mode starts when the bot sent a referral in the current session and lasts until the
client moves on: they start an exercise (a form becomes active) or a new session begins.
In that time the first answer of each turn that names no help line itself gets one short line
with them; the referral texts themselves are left as they are. Nothing is stored: the mode is
read from the conversation's own events, so it cannot go stale when a process restarts.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

SELF, VIOLENCE = "self", "violence"
# The responses that refer the client to help, and which help they point to.
REFERRALS = {
    "utter_crisis_referral": SELF,
    "utter_crisis_violence": VIOLENCE,
}
HELP_LINES = {
    SELF: "Hulp nodig? Bel de Zelfmoordlijn op 1813 (dag en nacht), Tele-Onthaal op 106, of 112 bij gevaar.",
    VIOLENCE: "Hulp nodig? Bel 112 bij gevaar, of 1712 voor hulp bij geweld.",
}
# A text that names one of these already keeps the help in view.
NUMBERS = ("1813", "1712", "106", "112")
MARK = "help_lines"  # kept in the message's metadata: this answer carries the line


def crisis_mode(tracker: DialogueStateTracker) -> Optional[str]:
    """SELF or VIOLENCE while the current session is in crisis mode, else None."""
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            return None
        if isinstance(event, ActiveLoop) and event.name:
            return None
        if isinstance(event, BotUttered):
            kind = REFERRALS.get((event.metadata or {}).get("utter_action", ""))
            if kind:
                return kind
    return None


def line_sent_this_turn(tracker: DialogueStateTracker) -> bool:
    """Whether an answer of this turn already named the help lines (the line, or the referral)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (
            (event.metadata or {}).get(MARK) or any(number in (event.text or "") for number in NUMBERS)
        ):
            return True
    return False


def with_help_lines(message: Dict[Text, Any], kind: str) -> Dict[Text, Any]:
    text = message.get("text") or ""
    if any(number in text for number in NUMBERS):
        return message
    return {**message, "text": f"{text}\n\n{HELP_LINES[kind]}" if text else HELP_LINES[kind], MARK: True}


class HelpLinesNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator, with the help lines added in crisis mode."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None or utter_action in REFERRALS or tracker.active_loop_name:
            return message
        kind = crisis_mode(tracker)
        if kind is None or line_sent_this_turn(tracker):
            return message
        return with_help_lines(message, kind)
