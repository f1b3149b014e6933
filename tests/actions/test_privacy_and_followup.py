from rasa_sdk.events import FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import dossier
from bot.actions.action_plan import ActionListActions, ActionMarkActionBlocked, ActionMarkActionDone
from bot.actions.privacy import ActionEraseMyData, ActionTellStoredData
from tests.actions.conftest import DOMAIN
from tests.actions.test_consent_and_safety import responses


async def test_the_client_hears_what_is_stored(fake_dossier, make_tracker):
    for value in ("geduldig", "nauwkeurig"):
        await fake_dossier.send("chat-1", "insight", dossier.insight_payload("chat-1", "quality", value, "zin"))
    dispatcher = CollectingDispatcher()
    await ActionTellStoredData().run(dispatcher, make_tracker({}, "wat weet je over mij?", "ask_stored_data"), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_stored_data"
    assert dispatcher.messages[0]["overview"] == "2 kwaliteiten"


async def test_erasure_empties_the_dossier_forgets_the_conversation_and_drops_waiting_writes(fake_dossier, make_tracker):
    dossier.outbox().put("chat-1", "insight", dossier.insight_payload("chat-1", "quality", "moedig", "zin"))
    await fake_dossier.send("chat-1", "insight", dossier.insight_payload("chat-1", "quality", "geduldig", "zin"))
    dispatcher = CollectingDispatcher()
    events = await ActionEraseMyData().run(dispatcher, make_tracker({}, "/affirm", "affirm"), DOMAIN)
    assert events == [Restarted()]
    assert responses(dispatcher) == ["utter_erasure_done"]
    assert fake_dossier.stored("quality") == [] and dossier.outbox().count() == 0


async def test_erasure_that_cannot_be_done_now_is_said_plainly(fake_dossier, make_tracker):
    fake_dossier.down = True
    dispatcher = CollectingDispatcher()
    events = await ActionEraseMyData().run(dispatcher, make_tracker({}, "/affirm", "affirm"), DOMAIN)
    assert events == [] and responses(dispatcher) == ["utter_erasure_failed"]


async def test_open_actions_are_listed_and_one_is_marked_done(fake_dossier, make_tracker):
    fake_dossier.actions = [
        {"id": 7, "text": "cv aanpassen", "due_date": "2026-12-04", "status": "open", "is_homework": True},
        {"id": 8, "text": "Wim bellen over Colruyt", "due_date": None, "status": "open", "is_homework": False},
    ]
    listing = CollectingDispatcher()
    await ActionListActions().run(listing, make_tracker({}, "wat moest ik nog doen?", "review_actions"), DOMAIN)
    assert listing.messages[0]["response"] == "utter_open_actions"
    assert "1. cv aanpassen (huistaak), tegen 4 december" in listing.messages[0]["actions"]
    assert "2. Wim bellen over Colruyt, tegen geen datum" in listing.messages[0]["actions"]

    done = CollectingDispatcher()
    events = await ActionMarkActionDone().run(done, make_tracker({}, "ik heb Wim gebeld", "report_action_done"), DOMAIN)
    assert [a["status"] for a in fake_dossier.actions] == ["open", "done"]
    assert done.messages[0]["action"] == "Wim bellen over Colruyt" and events == [SlotSet("reported_action", None)]


async def test_a_blocked_action_keeps_the_clients_reason(fake_dossier, make_tracker):
    fake_dossier.actions = [{"id": 7, "text": "cv aanpassen", "due_date": None, "status": "open", "is_homework": True}]
    tracker = make_tracker({"reported_action": fake_dossier.actions[0], "action_obstacle": "mijn laptop is kapot"})
    await ActionMarkActionBlocked().run(CollectingDispatcher(), tracker, DOMAIN)
    assert fake_dossier.actions[0]["status"] == "blocked"
    assert fake_dossier.actions[0]["obstacle"] == "mijn laptop is kapot"


async def test_reminder_wishes_reach_the_dossier(fake_dossier, make_tracker):
    from bot.actions.reminders import ActionSetReminders

    fake_dossier.actions = [{"id": 7, "text": "cv aanpassen", "status": "open", "reminder_at": "2026-12-01T09:00:00+00:00"}]
    for intent, state, response in (
        ("snooze_reminder", "snoozed_until_tomorrow", "utter_reminders_snoozed"),
        ("stop_reminders", "stopped", "utter_reminders_stopped"),
        ("resume_reminders", "active", "utter_reminders_resumed"),
    ):
        dispatcher = CollectingDispatcher()
        await ActionSetReminders().run(dispatcher, make_tracker({}, "morgen", intent), DOMAIN)
        assert fake_dossier.writes["reminders"][-1] == {"state": state}
        assert responses(dispatcher) == [response]


async def test_a_client_addressed_with_u_hears_uw_begeleider(fake_dossier, make_tracker):
    payload = dossier.insight_payload("chat-1", "question_for_counsellor", "mag ik deeltijds werken?", "zin")
    await fake_dossier.send("chat-1", "insight", payload)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"formal_address": True}, "wat weet u over mij?", "ask_stored_data")
    await ActionTellStoredData().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["overview"] == "1 vraag voor uw begeleider"


async def test_a_returning_client_addressed_with_u_hears_uw_netwerk(fake_dossier, make_tracker, monkeypatch):
    from bot.actions.basics import ActionGreet

    fake_dossier.topic = "network"
    plain_summary = fake_dossier.summary

    async def formal_summary(chat_id):
        return {**await plain_summary(chat_id), "formal": True}

    monkeypatch.setattr(fake_dossier, "summary", formal_summary)
    # A new session has no je/u slot yet: the action sets it and greets in a second run, so
    # that Rasa picks the "u" variants of the greeting (it applies the slot after rendering).
    dispatcher = CollectingDispatcher()
    events = await ActionGreet().run(dispatcher, make_tracker({}, "hallo", "greet"), DOMAIN)
    assert dispatcher.messages == []
    assert events == [SlotSet("formal_address", True), FollowupAction("action_greet")]
    dispatcher = CollectingDispatcher()
    events = await ActionGreet().run(dispatcher, make_tracker({"formal_address": True}, "hallo", "greet"), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_greet_returning"
    assert dispatcher.messages[0]["topic"] == "uw netwerk"
    assert FollowupAction("action_greet") not in events


async def test_later_without_a_reminder_on_its_way_promises_none_for_tomorrow(fake_dossier, make_tracker):
    from bot.actions.reminders import ActionSetReminders

    dispatcher = CollectingDispatcher()
    await ActionSetReminders().run(dispatcher, make_tracker({}, "later", "snooze_reminder"), DOMAIN)
    assert responses(dispatcher) == ["utter_no_reminder_planned"]
