"""/restart starts over, but a client who agreed is not asked again, and a "u" client is not
greeted with "je": both come back from the dossier right after the restart."""
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.restart import ActionRestart
from tests.actions.conftest import DOMAIN
from tests.actions.test_consent_and_safety import responses


async def restart(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionRestart().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_restart"]
    assert events[0] == Restarted()
    return events[1:]


async def test_consent_and_u_come_back_from_the_dossier(fake_dossier, make_tracker):
    fake_dossier.formal = True
    events = await restart(make_tracker({"consent_given": True, "formal_address": True, "last_topic": "qualities"}))
    assert events == [SlotSet("consent_given", True), SlotSet("formal_address", True)]


async def test_without_consent_in_the_dossier_it_is_asked_again(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None  # erased, or never given
    events = await restart(make_tracker({"consent_given": True}))
    assert events == [SlotSet("consent_given", False), SlotSet("formal_address", False)]


async def test_an_unreachable_dossier_forgets_as_rasa_does(fake_dossier, make_tracker):
    fake_dossier.down = True
    assert await restart(make_tracker({"consent_given": True, "formal_address": True})) == []


async def test_a_chat_without_a_dossier_forgets_as_rasa_does(fake_dossier, make_tracker):
    fake_dossier.consent.clear()  # an unlinked chat id: the backend answers 404
    assert await restart(make_tracker({"consent_given": True})) == []
