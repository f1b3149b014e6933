from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.consent import ActionRecordConsent
from bot.actions.safety import ActionFlagCrisis
from tests.actions.conftest import DOMAIN


def responses(dispatcher: CollectingDispatcher) -> list:
    return [message.get("response") for message in dispatcher.messages]


async def test_yes_to_consent_is_stored_and_opens_the_menu(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": True}, "/affirm", "affirm"), DOMAIN)
    assert events == [SlotSet("consent_given", True), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_consent_thanks", "utter_menu"]
    assert fake_dossier.consent["chat-1"] is True


async def test_no_to_consent_is_respected(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    dispatcher = CollectingDispatcher()
    events = await ActionRecordConsent().run(dispatcher, make_tracker({"consent_answer": False}, "nee", "deny"), DOMAIN)
    assert events == [SlotSet("consent_given", False), SlotSet("consent_answer", None)]
    assert responses(dispatcher) == ["utter_consent_refused"]
    assert fake_dossier.consent["chat-1"] is False


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
