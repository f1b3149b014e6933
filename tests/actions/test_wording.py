"""Client words inside the bot's sentences: one sentence end, never "koffie?." or "cv.."."""
import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.review import ActionAskPointDecision
from bot.actions.wording import as_sentence, join_dutch
from tests.actions.conftest import DOMAIN


@pytest.mark.parametrize(
    "text, expected",
    [
        ("geduldig", "geduldig."),
        ("mijn cv aanpassen.", "mijn cv aanpassen."),
        ("wat verdient een logistiek bediende?", "wat verdient een logistiek bediende?"),
        ('Sara contacteren met dit bericht: "Heb je tijd voor een koffie?"', 'Sara contacteren met dit bericht: "Heb je tijd voor een koffie?"'),
        ("eindelijk!", "eindelijk!"),
        ("zekerheid, ", "zekerheid."),
    ],
)
def test_client_words_end_the_sentence_once(text, expected):
    assert as_sentence(text) == expected


async def test_a_review_point_that_is_a_question_keeps_its_question_mark(make_tracker):
    points = [{"category": "labour_market", "value": "nog uitzoeken: wat verdient een logistiek bediende?"}]
    dispatcher = CollectingDispatcher()
    await ActionAskPointDecision().run(dispatcher, make_tracker({"review_points": points, "review_index": 0}), DOMAIN)
    assert dispatcher.messages[0]["value"] == "nog uitzoeken: wat verdient een logistiek bediende?"


def test_join_dutch():
    assert join_dutch(["geduldig", "nauwkeurig", "behulpzaam"]) == "geduldig, nauwkeurig en behulpzaam"
    assert join_dutch(["geduldig"]) == "geduldig"
