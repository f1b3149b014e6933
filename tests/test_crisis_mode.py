"""Crisis mode (bot/crisis_mode.py): after a referral, the answers keep the help lines in view
until the client starts an exercise or a new session begins. Rasa's real domain and response
generator, on conversations built from Rasa's own events."""
from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.crisis_mode import HelpLinesNLG

with warnings.catch_warnings():
    # Rasa 3.6 warns about the removed slot auto-fill on every domain it loads, and its schema
    # validator (pykwalify) loads its extensions with a deprecated importlib call.
    warnings.simplefilter("ignore", UserWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    DOMAIN = Domain.load(str(Path(__file__).resolve().parents[1] / "bot" / "domain.yml"))


def said(utter_action: str, text: str = "...") -> BotUttered:
    return BotUttered(text, metadata={"utter_action": utter_action})


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("client-1", [ActionExecuted("action_session_start"), SessionStarted(), *events], DOMAIN.slots)


def answer(conversation: DialogueStateTracker, utter_action: str) -> str:
    message = asyncio.run(HelpLinesNLG(domain=DOMAIN).generate(utter_action, conversation, "rest"))
    return message["text"]


AFTER_REFERRAL = (UserUttered("ik wil niet meer leven"), said("utter_crisis_referral"), said("utter_crisis_check_safety"))


def test_after_a_referral_an_ordinary_answer_names_1813_106_and_112():
    text = answer(tracker(*AFTER_REFERRAL, UserUttered("dank je")), "utter_thank")
    assert "1813" in text and "106" in text and "112" in text


def test_after_danger_from_others_the_line_names_112_and_1712():
    conversation = tracker(UserUttered("mijn partner slaat me"), said("utter_crisis_violence"), UserUttered("ok"))
    text = answer(conversation, "utter_thank")
    assert "1712" in text and "112" in text and "1813" not in text


def test_without_a_referral_answers_stay_as_they_are():
    text = answer(tracker(UserUttered("dank je")), "utter_thank")
    assert not any(number in text for number in ("1813", "106", "112", "1712"))


def test_once_an_exercise_runs_the_client_has_moved_on():
    conversation = tracker(*AFTER_REFERRAL, UserUttered("ik wil mijn kwaliteiten bekijken"), ActiveLoop("qualities_form"))
    assert "1813" not in answer(conversation, "utter_thank")


def test_a_new_session_ends_crisis_mode():
    conversation = tracker(*AFTER_REFERRAL, ActionExecuted("action_session_start"), SessionStarted(), UserUttered("hallo"))
    assert "1813" not in answer(conversation, "utter_thank")


def test_the_turn_of_the_referral_gets_no_extra_line():
    conversation = tracker(UserUttered("ik wil niet meer leven"), said("utter_crisis_referral", "Bel de Zelfmoordlijn op 1813."))
    assert "Hulp nodig?" not in answer(conversation, "utter_crisis_check_safety")


def test_the_line_comes_once_per_turn():
    conversation = tracker(*AFTER_REFERRAL, UserUttered("dank je"), BotUttered("Graag gedaan.\n\nHulp nodig? ...", metadata={"help_lines": True}))
    assert "1813" not in answer(conversation, "utter_thank")


@pytest.mark.parametrize("name", ["utter_crisis_unsure", "utter_crisis_not_safe", "utter_crisis_safe"])
def test_answers_that_name_help_themselves_get_no_second_line(name):
    text = answer(tracker(*AFTER_REFERRAL, UserUttered("nee")), name)
    assert text.count("Hulp nodig?") == 0
