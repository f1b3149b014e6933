"""A new session (the first message, an hour away, or after /restart) starts from the dossier:
a client who agreed is not asked again, and a "u" client is not greeted with "je"."""
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.session import ActionSessionStart

CARRY_OVER = {"session_config": {"carry_over_slots_to_new_session": True}}


async def start(tracker, domain=CARRY_OVER):
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert dispatcher.messages == [], "a session start says nothing by itself"
    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


async def test_after_a_restart_consent_and_u_come_back_from_the_dossier(fake_dossier, make_tracker):
    fake_dossier.formal = True
    slots = await start(make_tracker({"consent_given": False, "formal_address": False}))
    assert slots["consent_given"] is True and slots["formal_address"] is True


async def test_consent_withdrawn_in_the_dossier_wins_over_the_old_slot(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None  # erased, or never given
    slots = await start(make_tracker({"consent_given": True, "last_topic": "qualities"}))
    assert slots["consent_given"] is False
    assert slots["last_topic"] == "qualities", "the other slots are carried over as Rasa does"


async def test_an_unreachable_dossier_keeps_the_slots_as_they_were(fake_dossier, make_tracker):
    fake_dossier.down = True
    slots = await start(make_tracker({"consent_given": True, "formal_address": True}))
    assert slots["consent_given"] is True and slots["formal_address"] is True


async def test_a_chat_without_a_dossier_keeps_the_slots(fake_dossier, make_tracker):
    fake_dossier.consent.clear()  # an unlinked chat id: the backend answers 404
    slots = await start(make_tracker({"consent_given": True}))
    assert slots["consent_given"] is True


async def test_without_carry_over_only_the_dossier_settings_are_set(fake_dossier, make_tracker):
    slots = await start(make_tracker({"last_topic": "qualities"}), {"session_config": {"carry_over_slots_to_new_session": False}})
    assert slots == {"consent_given": True, "formal_address": False}
