"""The client's choice in the chat: the counsellor reads the conversation too, or only the
points the client confirmed."""
from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.privacy import ActionSetTranscriptSharing
from tests.actions.conftest import DOMAIN
from tests.actions.test_consent_and_safety import responses


@pytest.mark.parametrize(
    "text, intent, shared, response",
    [
        ("mijn begeleider mag het gesprek niet lezen", "transcript_private", False, "utter_transcript_private"),
        ("/transcript_shared", "transcript_shared", True, "utter_transcript_shared"),
        ("nee", "deny", False, "utter_transcript_private"),
        ("ja", "affirm", True, "utter_transcript_shared"),
    ],
)
async def test_the_choice_reaches_the_dossier_and_the_client_hears_what_now_holds(fake_dossier, make_tracker, text, intent, shared, response):
    dispatcher = CollectingDispatcher()
    events = await ActionSetTranscriptSharing().run(dispatcher, make_tracker({"consent_given": True}, text, intent), DOMAIN)
    assert events == [] and responses(dispatcher) == [response]
    assert fake_dossier.transcript_shared == {"chat-1": shared}


async def test_without_consent_nothing_is_stored_anyway_and_no_consent_is_given_by_the_choice(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = None
    dispatcher = CollectingDispatcher()
    events = await ActionSetTranscriptSharing().run(dispatcher, make_tracker({"consent_given": False}, "alleen de punten", "transcript_private"), DOMAIN)
    assert events == [] and responses(dispatcher) == ["utter_transcript_no_consent"]
    assert fake_dossier.transcript_shared == {} and fake_dossier.consent["chat-1"] is None


async def test_a_withdrawn_consent_on_the_page_is_not_given_back_by_the_choice(fake_dossier, make_tracker):
    fake_dossier.consent["chat-1"] = False  # the slot still says yes: withdrawn elsewhere since
    dispatcher = CollectingDispatcher()
    await ActionSetTranscriptSharing().run(dispatcher, make_tracker({"consent_given": True}, "ook ons gesprek", "transcript_shared"), DOMAIN)
    assert responses(dispatcher) == ["utter_transcript_no_consent"]
    assert fake_dossier.consent["chat-1"] is False and fake_dossier.transcript_shared == {}


async def test_backend_down_says_it_did_not_work_and_keeps_nothing_for_later(fake_dossier, make_tracker):
    fake_dossier.down = True
    dispatcher = CollectingDispatcher()
    events = await ActionSetTranscriptSharing().run(dispatcher, make_tracker({"consent_given": True}, "zet meelezen uit", "transcript_private"), DOMAIN)
    assert events == [] and responses(dispatcher) == ["utter_transcript_choice_failed"]
    from bot.actions import dossier

    assert dossier.outbox().count() == 0
    fake_dossier.down = False
    assert fake_dossier.transcript_shared == {}


async def test_a_chat_without_a_dossier_hears_so(fake_dossier, make_tracker):
    fake_dossier.consent.clear()
    dispatcher = CollectingDispatcher()
    await ActionSetTranscriptSharing().run(dispatcher, make_tracker({}, "ook ons gesprek", "transcript_shared"), DOMAIN)
    assert responses(dispatcher) == ["utter_no_dossier"]

