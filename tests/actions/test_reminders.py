"""The homework reminder the backend's scheduler triggers: the bot knows the homework from the
trigger itself (action id, text, due date) and asks the dossier nothing."""
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.action_plan import ActionMarkActionDone, ActionMarkActionNotYet
from bot.actions.reminders import ActionRemindHomework
from tests.actions.conftest import DOMAIN

TRIGGER = [
    {"entity": "homework", "value": "Drie vacatures zoeken"},
    {"entity": "homework_action_id", "value": 7},
    {"entity": "homework_due_date", "value": "2026-12-11"},
]


async def test_the_reminder_names_the_homework_and_remembers_which_action_it_is(fake_dossier, make_tracker):
    fake_dossier.down = True  # nothing is looked up: the reminder works with the dossier away
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({}, "", "EXTERNAL_homework_reminder", TRIGGER)
    events = await ActionRemindHomework().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_homework_reminder"
    assert dispatcher.messages[0]["homework"] == "Drie vacatures zoeken"
    assert events == [SlotSet("reported_action", {
        "id": 7, "text": "Drie vacatures zoeken", "due_date": "2026-12-11", "is_homework": True,
    })]


async def test_the_clients_answer_to_the_reminder_goes_to_that_action(fake_dossier, make_tracker):
    fake_dossier.actions = [
        {"id": 3, "text": "Drie vacatures zoeken", "due_date": None, "status": "open", "is_homework": False},
        {"id": 7, "text": "Drie vacatures zoeken", "due_date": "2026-12-11", "status": "open", "is_homework": True},
    ]
    events = await ActionRemindHomework().run(
        CollectingDispatcher(), make_tracker({}, "", "EXTERNAL_homework_reminder", TRIGGER), DOMAIN
    )
    reported = events[0]["value"]
    # Two open actions with the same text: the button answer still reaches the right one.
    await ActionMarkActionDone().run(
        CollectingDispatcher(), make_tracker({"reported_action": reported}, "/report_action_done", "report_action_done"), DOMAIN
    )
    assert [a["status"] for a in fake_dossier.actions] == ["open", "done"]


async def test_not_yet_after_a_reminder_names_the_homeworks_due_date(fake_dossier, make_tracker):
    fake_dossier.actions = [
        {"id": 7, "text": "Drie vacatures zoeken", "due_date": "2026-12-11", "status": "open", "is_homework": True},
    ]
    events = await ActionRemindHomework().run(
        CollectingDispatcher(), make_tracker({}, "", "EXTERNAL_homework_reminder", TRIGGER), DOMAIN
    )
    not_yet = CollectingDispatcher()
    await ActionMarkActionNotYet().run(
        not_yet, make_tracker({"reported_action": events[0]["value"]}, "/report_action_not_yet", "report_action_not_yet"), DOMAIN
    )
    assert not_yet.messages[0]["response"] == "utter_action_not_yet"
    assert not_yet.messages[0]["action"] == "Drie vacatures zoeken"
    assert not_yet.messages[0]["due"].startswith("11 december")  # the year is added in other years


async def test_a_trigger_without_homework_says_nothing(fake_dossier, make_tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionRemindHomework().run(dispatcher, make_tracker({}, "", "EXTERNAL_homework_reminder"), DOMAIN)
    assert events == [] and dispatcher.messages == []
