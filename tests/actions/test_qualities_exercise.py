import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.free_text import SKIPPED
from bot.actions.network import ValidateNetworkForm
from bot.actions.qualities import ActionAskQualityWords, ActionProposeQualities, ValidateQualitiesForm
from bot.actions.review import ActionStoreInsights, ValidateInsightReviewForm
from tests.actions.conftest import DOMAIN
from tests.actions.test_consent_and_safety import responses

SITUATION = "Vorige week heb ik een klant met veel geduld geholpen"
OWN_PART = "ik heb alles heel nauwkeurig nagekeken en rustig uitgelegd"


async def test_the_bot_proposes_the_qualities_it_hears(make_tracker):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"quality_situation": SITUATION, "quality_action": OWN_PART})
    events = await ActionAskQualityWords().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_quality_words_with_proposal"
    assert "geduldig" in message["proposal"] and "nauwkeurig" in message["proposal"]
    assert events == [SlotSet("quality_proposal", events[0]["value"])]
    assert {"geduldig", "nauwkeurig"} <= set(events[0]["value"])


async def test_without_recognised_qualities_the_bot_asks_openly(make_tracker):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"quality_situation": "gisteren was ik op het werk", "quality_action": "ik was er gewoon"})
    events = await ActionAskQualityWords().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_ask_quality_words"]
    assert events == [SlotSet("quality_proposal", None)]


async def test_dont_know_is_asked_again_then_skipped(make_tracker):
    form = ValidateQualitiesForm()
    dispatcher = CollectingDispatcher()
    first = await form.validate_quality_situation("weet ik niet", dispatcher, make_tracker({"retries": 0}), DOMAIN)
    assert first == {"quality_situation": None, "retries": 1}
    second = await form.validate_quality_situation("", dispatcher, make_tracker({"retries": 1}), DOMAIN)
    assert second == {"quality_situation": SKIPPED, "retries": 0}
    assert responses(dispatcher) == ["utter_reask_free_text", "utter_offer_skip"]


async def test_thanks_or_a_greeting_alone_is_asked_again_but_a_short_answer_is_kept(make_tracker):
    form = ValidateNetworkForm()
    for courtesy in ["bedankt", "Dank je wel!", "oké", "ok, merci", "hallo"]:
        dispatcher = CollectingDispatcher()
        result = await form.validate_network_choice(courtesy, dispatcher, make_tracker({"retries": 0}), DOMAIN)
        assert result == {"network_choice": None, "retries": 1}, courtesy
        assert responses(dispatcher) == ["utter_reask_free_text"]
    for answer in ["Tom", "dag Ilse, heb je even tijd?", "nee"]:
        result = await form.validate_network_choice(answer, CollectingDispatcher(), make_tracker({"retries": 0}), DOMAIN)
        assert result == {"network_choice": answer, "retries": 0}, answer


@pytest.mark.parametrize("question", ["wat bedoel je?", "Hoe bedoel je dat", "ik snap de vraag niet", "kan je dat anders uitleggen?", "geef eens een voorbeeld", "euh, wat moet ik hier zeggen?", "huh?"])
async def test_a_question_about_the_question_is_explained_and_asked_again(make_tracker, question):
    dispatcher = CollectingDispatcher()
    result = await ValidateQualitiesForm().validate_quality_situation(question, dispatcher, make_tracker({"retries": 1}), DOMAIN)
    assert result == {"quality_situation": None}, "explained, and it does not count as a try"
    assert responses(dispatcher) == ["utter_clarify_free_text"]


async def test_an_answer_that_mentions_not_understanding_is_still_an_answer(make_tracker):
    answer = "toen mijn collega het systeem niet snapte, heb ik het hem uitgelegd"
    result = await ValidateQualitiesForm().validate_quality_situation(answer, CollectingDispatcher(), make_tracker({"retries": 0}), DOMAIN)
    assert result == {"quality_situation": answer, "retries": 0}


async def test_in_the_review_a_question_or_dont_know_explains_the_choice_and_keeps_the_point(make_tracker):
    points = [{"category": "quality", "value": "geduldig", "sentence": SITUATION}]
    for text in ["wat bedoel je?", "weet ik niet"]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker({"review_points": points, "review_index": 0}, text, "nlu_fallback")
        result = await ValidateInsightReviewForm().validate_point_decision(text, dispatcher, tracker, DOMAIN)
        assert result == {"point_decision": None}, text
        assert responses(dispatcher) == ["utter_clarify_review"]


async def test_yes_after_a_proposal_takes_the_proposal(make_tracker):
    tracker = make_tracker({"quality_proposal": ["geduldig", "nauwkeurig"]}, "ja klopt", "affirm")
    result = await ValidateQualitiesForm().validate_quality_words("ja klopt", CollectingDispatcher(), tracker, DOMAIN)
    assert result == {"quality_words": "geduldig, nauwkeurig", "retries": 0}


async def test_own_words_become_points_with_the_example_sentence(make_tracker):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"quality_situation": SITUATION, "quality_action": OWN_PART, "quality_words": "zorgen dat alles klopt, mensen geruststellen"})
    events = await ActionProposeQualities().run(dispatcher, tracker, DOMAIN)
    points = events[0]["value"]
    assert responses(dispatcher) == ["utter_review_intro"]
    assert [point["value"] for point in points] == ["zorgen dat alles klopt", "mensen geruststellen"]
    assert all(point["sentence"] == f"{SITUATION} {OWN_PART}" for point in points)
    assert events[1:] == [SlotSet("review_index", 0), SlotSet("point_decision", None)]


async def test_recognised_quality_gets_its_core_quadrant_and_feedback_counts(make_tracker):
    tracker = make_tracker({"quality_situation": SITUATION, "quality_action": OWN_PART, "quality_words": "geduldig", "quality_feedback": "mijn collega's zeggen dat ik heel behulpzaam ben"})
    events = await ActionProposeQualities().run(CollectingDispatcher(), tracker, DOMAIN)
    values = [point["value"] for point in events[0]["value"]]
    assert values[:2] == ["geduldig", "behulpzaam"]
    assert values[2].startswith("kernkwadrant van geduldig: valkuil ")
    assert "uitdaging" in values[2] and "allergie" in values[2]


async def test_review_keeps_drops_and_rewords_then_stores_only_the_confirmed(fake_dossier, make_tracker):
    points = [
        {"category": "quality", "value": "geduldig", "sentence": SITUATION},
        {"category": "quality", "value": "nauwkeurig", "sentence": SITUATION},
        {"category": "quality", "value": "rustig", "sentence": SITUATION},
    ]
    form = ValidateInsightReviewForm()
    dispatcher = CollectingDispatcher()
    step = await form.validate_point_decision("/affirm", dispatcher, make_tracker({"review_points": points, "review_index": 0}, "/affirm", "affirm"), DOMAIN)
    assert step["review_index"] == 1 and step["point_decision"] is None
    step = await form.validate_point_decision("nee", dispatcher, make_tracker({"review_points": step["review_points"], "review_index": 1}, "nee", "deny"), DOMAIN)
    step = await form.validate_point_decision("kalm onder druk", dispatcher, make_tracker({"review_points": step["review_points"], "review_index": 2}, "kalm onder druk", "inform"), DOMAIN)
    assert step["point_decision"] == "done"
    assert [(p["value"], p["status"]) for p in step["review_points"]] == [
        ("geduldig", "confirmed"),
        ("nauwkeurig", "dropped"),
        ("kalm onder druk", "confirmed"),
    ]

    store = CollectingDispatcher()
    events = await ActionStoreInsights().run(store, make_tracker({"review_points": step["review_points"]}), DOMAIN)
    assert sorted(fake_dossier.stored("quality")) == ["geduldig", "kalm onder druk"]
    assert responses(store) == ["utter_insights_saved", "utter_exercise_done"]
    assert store.messages[0]["values"] == "geduldig en kalm onder druk."
    assert SlotSet("review_points", None) in events and SlotSet("quality_words", None) in events
    assert events[-1] == SlotSet("last_topic", "qualities") and fake_dossier.topic == "qualities"


async def test_storing_twice_keeps_one_copy(fake_dossier, make_tracker):
    points = [{"category": "quality", "value": "geduldig", "sentence": SITUATION, "status": "confirmed"}]
    for _ in range(2):
        await ActionStoreInsights().run(CollectingDispatcher(), make_tracker({"review_points": points}), DOMAIN)
    assert fake_dossier.stored("quality") == ["geduldig"]


async def test_backend_down_keeps_the_points_and_delivers_them_later(fake_dossier, make_tracker):
    from bot.actions import dossier

    fake_dossier.down = True
    points = [{"category": "quality", "value": "geduldig", "sentence": SITUATION, "status": "confirmed"}]
    dispatcher = CollectingDispatcher()
    await ActionStoreInsights().run(dispatcher, make_tracker({"review_points": points}), DOMAIN)
    assert responses(dispatcher) == ["utter_insights_queued", "utter_exercise_done"]
    assert fake_dossier.stored("quality") == [] and dossier.outbox().count() == 2  # the point and the topic

    fake_dossier.down = False
    assert await dossier.deliver_pending() == 2
    assert fake_dossier.stored("quality") == ["geduldig"] and dossier.outbox().count() == 0
