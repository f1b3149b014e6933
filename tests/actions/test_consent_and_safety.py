import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.consent import ActionRecordConsent
from bot.actions.crisis import ActionFlagCrisis, ActionFlagNotSafe
from tests.actions.conftest import DOMAIN


def responses(dispatcher: CollectingDispatcher) -> list:
    return [message.get("response") for message in dispatcher.messages]


async def test_yes_to_consent_is_stored_and_asks_whether_the_counsellor_may_read_the_conversation(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": True}, "/affirm", "affirm"), DOMAIN)
    assert events == [SlotSet("consent_given", True), SlotSet("consent_answer", None)]
    # The answer to that question brings the menu (bot/data/rules/privacy.yml).
    assert responses(dispatcher) == ["utter_consent_thanks", "utter_ask_transcript_choice"]
    assert fake_dossier.consent["chat-1"] is True


async def test_no_to_consent_is_respected(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": False}, "nee", "deny"), DOMAIN)
    assert events == [SlotSet("consent_given", False), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_consent_refused"]
    assert fake_dossier.consent["chat-1"] is False


@pytest.mark.parametrize("grace_days, said", [(14, "14 dagen"), (9, "9 dagen"), (1, "1 dag")])
async def test_no_after_an_earlier_yes_says_when_the_data_goes_as_the_dossier_says_it(fake_dossier, make_tracker, grace_days, said):
    fake_dossier.consent["chat-1"] = True  # given before (e.g. the slot was lost in a restart)
    fake_dossier.grace_days = grace_days
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": False}, "nee", "deny"), DOMAIN)
    assert events == [SlotSet("consent_given", False), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_consent_withdrawn"]
    assert dispatcher.messages[0]["grace_period"] == said
    assert fake_dossier.consent["chat-1"] is False


async def test_a_no_kept_in_the_outbox_gets_the_plain_refusal_as_the_bot_cannot_know_yet_whether_it_withdraws(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = True
    fake_dossier.down = True
    dispatcher = CollectingDispatcher()
    await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": False}, "nee", "deny"), DOMAIN)
    assert responses(dispatcher) == ["utter_consent_refused"]


async def test_crisis_flag_keeps_the_clients_message(fake_dossier, make_tracker):
    text = "ik wil er niet meer zijn"
    events = await ActionFlagCrisis().run(CollectingDispatcher(), make_tracker({}, text, "crisis"), DOMAIN)
    assert events == []
    [flag] = fake_dossier.writes["insight"]
    assert (flag["category"], flag["sentence"]) == ("crisis", text)


async def test_yes_in_a_chat_without_a_dossier_says_so_and_what_to_do_instead_of_thanks(fake_dossier, make_tracker):
    fake_dossier.consent.clear()  # no client belongs to chat-1
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": True}, "ja", "affirm"), DOMAIN)
    assert events == [SlotSet("consent_given", False), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_no_dossier"]


async def test_yes_while_the_backend_is_down_keeps_the_consent_for_later(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    fake_dossier.down = True
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": True}, "ja", "affirm"), DOMAIN)
    assert events == [SlotSet("consent_given", True), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_consent_thanks", "utter_menu"]
    fake_dossier.down = False
    from bot.actions import dossier

    assert await dossier.deliver_pending() == 1
    assert fake_dossier.consent["chat-1"] is True


async def test_a_possible_risk_raises_the_lower_flag(fake_dossier, make_tracker):
    tracker = make_tracker({}, "ik wil gewoon verdwijnen", "crisis")
    tracker.latest_message.update(crisis_level="possible", crisis_kind="self")
    assert await ActionFlagCrisis().run(CollectingDispatcher(), tracker, DOMAIN) == []
    [flag] = fake_dossier.writes["insight"]
    assert (flag["category"], flag["value"], flag["sentence"]) == ("crisis", "mogelijk crisissignaal", "ik wil gewoon verdwijnen")


async def test_danger_from_others_is_flagged_as_such(fake_dossier, make_tracker):
    tracker = make_tracker({}, "mijn partner slaat me", "crisis")
    tracker.latest_message.update(crisis_level="clear", crisis_kind="violence")
    await ActionFlagCrisis().run(CollectingDispatcher(), tracker, DOMAIN)
    assert [flag["value"] for flag in fake_dossier.writes["insight"]] == ["geweld of gevaar door anderen"]


async def test_yes_to_the_direct_question_raises_a_clear_flag_that_quotes_both(fake_dossier, make_tracker):
    tracker = make_tracker({}, "ja", "affirm")
    signal = {"event": "user", "timestamp": 1764331100.0, "text": "iedereen is beter af zonder mij",
              "parse_data": {"text": "iedereen is beter af zonder mij", "intent": {"name": "crisis"},
                             "crisis_level": "possible", "crisis_kind": "self"}}
    tracker.events.insert(len(tracker.events) - 1, signal)
    await ActionFlagCrisis().run(CollectingDispatcher(), tracker, DOMAIN)
    [flag] = fake_dossier.writes["insight"]
    assert flag["value"] == "crisissignaal"
    assert flag["sentence"] == "iedereen is beter af zonder mij | daarna: ja"


def conversation_after_a_signal(make_tracker, *turns):
    """A tracker whose events are: the crisis message, then (bot response, client answer) turns;
    the last answer is the latest message."""
    *earlier, (last_question, last_answer) = turns
    tracker = make_tracker({}, last_answer, "deny")
    latest = tracker.events.pop()
    tracker.events.append({"event": "user", "timestamp": 1764331000.0, "text": "ik wil niet meer leven",
                           "parse_data": {"text": "ik wil niet meer leven", "intent": {"name": "crisis"}}})
    for question, answer in earlier:
        tracker.events.append({"event": "bot", "text": "...", "metadata": {"utter_action": question}})
        tracker.events.append({"event": "user", "timestamp": 1764331100.0, "text": answer, "parse_data": {"intent": {"name": "deny"}}})
    tracker.events.append({"event": "bot", "text": "...", "metadata": {"utter_action": last_question}})
    tracker.events.append(latest)
    return tracker


async def test_no_to_are_you_safe_raises_the_not_safe_flag(fake_dossier, make_tracker):
    tracker = conversation_after_a_signal(make_tracker, ("utter_crisis_check_safety", "nee"))
    assert await ActionFlagNotSafe().run(CollectingDispatcher(), tracker, DOMAIN) == []
    [flag] = fake_dossier.writes["insight"]
    assert (flag["value"], flag["sentence"]) == ("niet veilig", "ik wil niet meer leven | daarna: nee")


async def test_not_safe_and_no_one_nearby_raises_the_most_urgent_flag_with_every_answer(fake_dossier, make_tracker):
    tracker = conversation_after_a_signal(
        make_tracker, ("utter_crisis_check_safety", "nee"), ("utter_crisis_not_safe", "nee ik ben alleen")
    )
    await ActionFlagNotSafe().run(CollectingDispatcher(), tracker, DOMAIN)
    [flag] = fake_dossier.writes["insight"]
    assert flag["value"] == "niet veilig en alleen"
    assert flag["sentence"] == "ik wil niet meer leven | daarna: nee | daarna: nee ik ben alleen"


async def test_a_not_safe_flag_without_a_crisis_message_quotes_only_the_answer(fake_dossier, make_tracker):
    tracker = make_tracker({}, "nee", "deny")
    # An earlier message of the conversation is not taken for the signal.
    tracker.events.insert(len(tracker.events) - 1, {"event": "user", "timestamp": 1764331000.0, "text": "hallo",
                                                    "parse_data": {"intent": {"name": "greet"}}})
    await ActionFlagNotSafe().run(CollectingDispatcher(), tracker, DOMAIN)
    [flag] = fake_dossier.writes["insight"]
    assert flag["sentence"] == "nee"
