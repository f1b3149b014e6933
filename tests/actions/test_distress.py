"""Distress inside an exercise: a painful answer is heard, never met with a cheerful word."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.free_text import accept_or_reask

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = yaml.safe_load((ROOT / "tests" / "data" / "distress_answers.yml").read_text(encoding="utf-8"))
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
CHEERFUL = re.compile(r"^(Mooi|Fijn|Goed|Super|Top|Leuk|Prima|Geweldig|Knap|Sterk|Tof)\b")


def replies(text: str):
    dispatcher = CollectingDispatcher()
    events = accept_or_reask("quality_situation", text, 0, dispatcher)
    return events, [message.get("response") for message in dispatcher.messages]


@pytest.mark.parametrize("text", ANSWERS["distress"])
def test_a_painful_answer_is_acknowledged_and_still_kept(text):
    events, responses = replies(text)
    assert responses == ["utter_distress_ack"]
    assert events["quality_situation"] == text


@pytest.mark.parametrize("text", ANSWERS["ordinary"])
def test_an_ordinary_answer_gets_no_acknowledgement_of_distress(text):
    assert replies(text)[1] == []


def test_no_question_of_an_exercise_opens_with_a_cheerful_word():
    """The next question follows any answer: "Mooi." after "niets gaat goed" is what the client hears."""
    cheerful = [
        (name, variant["text"])
        for name, variants in DOMAIN["responses"].items()
        if name.startswith("utter_ask_")
        for variant in variants
        if CHEERFUL.match(variant.get("text", ""))
    ]
    assert cheerful == []
