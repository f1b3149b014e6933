"""The reminder scheduler on a real database with a fixed clock and a fake Rasa: who gets a
reminder when, on which channel, and that nothing is sent twice or lost."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from typing import List, Tuple
from zoneinfo import ZoneInfo

import pytest_asyncio
from sqlalchemy import select

from backend import db
from backend.chat.settings import CHANNEL_SETTINGS
from backend.rasa.tracker_events import TrackerEvents
from backend.rasa.tracker_store import TrackerStore
from backend.rasa.trigger import DELIVERED, REFUSED, UNCERTAIN, UNREACHABLE, Homework
from backend.reminders.due import reminder_for
from backend.reminders.scheduler import SCHEDULER, ReminderScheduler
from backend.tables import Action, Reminder, TelegramLink

from . import tracker_rows as rows

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday morning in June, 10:00 in Brussels.
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=BRUSSELS).astimezone(timezone.utc)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeRasa:
    """Records trigger_intent calls; answers with the outcomes it is given, then 'delivered'."""

    def __init__(self, *outcomes: str) -> None:
        self.calls: List[Tuple[str, str, int, str]] = []  # chat, channel, action id, homework text
        self.outcomes = list(outcomes)

    async def __call__(self, chat_id: str, channel: str, homework: Homework) -> str:
        self.calls.append((chat_id, channel, homework.action_id, homework.text))
        return self.outcomes.pop(0) if self.outcomes else DELIVERED


@pytest_asyncio.fixture
async def world(client, dossier, config, auth):
    """A counsellor with one consenting client who chats on Telegram, and a scheduler for it."""

    class World:
        pass

    w = World()
    w.app, w.http, w.auth, w.dossier = client.app, client, auth, dossier
    w.tracker_url = config.tracker_store_url
    w.counsellor = await dossier.counsellor()
    w.client = await dossier.client(w.counsellor.id, "Anaïs De Smet")
    w.chat_id = w.client.chat_id
    response = await client.put(f"/api/v1/chats/{w.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    assert response.status == 200
    async with db.session(w.app) as s:
        s.add(TelegramLink(client_id=w.client.id, telegram_chat_id="4242", linked_at=NOW))
        await s.commit()
    rows.write(w.tracker_url, w.chat_id, [rows.user(NOW - timedelta(days=2), "hallo", channel="telegram")])
    w.clock = Clock(NOW)
    w.rasa = FakeRasa()

    def scheduler(rasa=None) -> ReminderScheduler:
        return ReminderScheduler(
            w.app[db.SESSIONMAKER], TrackerEvents(TrackerStore(w.tracker_url)), rasa or w.rasa, w.app[CHANNEL_SETTINGS], clock=w.clock
        )

    w.scheduler = scheduler

    async def homework(text="Mail Karel over de vacature", reminder_at=NOW - timedelta(minutes=1), client_id=None):
        async with db.session(w.app) as s:
            action = Action(
                client_id=client_id or w.client.id, text=text, due_date=date(2026, 6, 20), reminder_at=reminder_at,
                status="open", created_by="counsellor", is_homework=True, created_at=NOW, updated_at=NOW,
            )
            s.add(action)
            if reminder_at is not None:
                await s.flush()
                s.add(reminder_for(action, NOW))
            await s.commit()
            return action.id

    w.homework = homework

    async def reminders():
        async with db.session(w.app) as s:
            return {r.action_id: r for r in await s.scalars(select(Reminder).order_by(Reminder.id))}

    w.reminders = reminders
    return w


async def test_due_homework_is_sent_once_to_the_telegram_client(world):
    action_id = await world.homework()
    scheduler = world.scheduler()
    report = await scheduler.tick()
    assert world.rasa.calls == [(world.chat_id, "telegram", action_id, "Mail Karel over de vacature")]
    assert len(report.sent) == 1
    reminder = (await world.reminders())[action_id]
    assert (reminder.status, reminder.channel, reminder.sent_at, reminder.held) == ("sent", "telegram", NOW, None)

    world.clock.now = NOW + timedelta(days=3)
    await scheduler.tick()
    assert len(world.rasa.calls) == 1, "a sent reminder is never sent again"


async def test_nothing_before_the_reminder_time_nor_without_a_reminder_time(world):
    await world.homework(reminder_at=NOW + timedelta(hours=2))
    await world.homework(text="Zonder herinnering", reminder_at=None)
    await world.scheduler().tick()
    assert world.rasa.calls == []
    world.clock.now = NOW + timedelta(hours=2)
    await world.scheduler().tick()
    assert [call[3] for call in world.rasa.calls] == ["Mail Karel over de vacature"]


async def test_only_after_consent(world, client, auth):
    await client.put(f"/api/v1/chats/{world.chat_id}/consent", json={"given": False, "version": "v1"}, headers=auth)
    action_id = await world.homework()
    await world.scheduler().tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "no_consent"

    await client.put(f"/api/v1/chats/{world.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await world.scheduler().tick()
    assert len(world.rasa.calls) == 1


async def test_quiet_hours_hold_a_reminder_until_eight_in_the_morning(world):
    evening = datetime(2026, 6, 10, 21, 30, tzinfo=BRUSSELS).astimezone(timezone.utc)
    world.clock.now = evening
    action_id = await world.homework(reminder_at=evening - timedelta(minutes=5))
    scheduler = world.scheduler()
    await scheduler.tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "quiet_hours"

    world.clock.now = datetime(2026, 6, 11, 7, 59, tzinfo=BRUSSELS).astimezone(timezone.utc)
    await scheduler.tick()
    assert world.rasa.calls == []
    world.clock.now = datetime(2026, 6, 11, 8, 0, tzinfo=BRUSSELS).astimezone(timezone.utc)
    await scheduler.tick()
    assert len(world.rasa.calls) == 1


async def test_quiet_hours_after_the_autumn_clock_change(world):
    # Sunday 25 October 2026, 07:30 UTC = 08:30 CET: allowed. 06:30 UTC = 07:30 CET: quiet,
    # although it would be 08:30 in summer time.
    world.clock.now = datetime(2026, 10, 25, 6, 30, tzinfo=timezone.utc)
    await world.homework(reminder_at=datetime(2026, 10, 24, 19, 30, tzinfo=timezone.utc))  # 21:30 CEST
    scheduler = world.scheduler()
    await scheduler.tick()
    assert world.rasa.calls == []
    world.clock.now = datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)
    await scheduler.tick()
    assert len(world.rasa.calls) == 1


async def test_at_most_one_reminder_a_day(world):
    first = await world.homework(text="Eerste huistaak")
    second = await world.homework(text="Tweede huistaak")
    scheduler = world.scheduler()
    await scheduler.tick()
    await scheduler.tick()
    assert [call[3] for call in world.rasa.calls] == ["Eerste huistaak"]
    assert (await world.reminders())[second].held == "once_a_day"

    world.clock.now = NOW + timedelta(hours=10)  # 20:00 the same day
    await scheduler.tick()
    assert len(world.rasa.calls) == 1
    world.clock.now = datetime(2026, 6, 11, 8, 0, tzinfo=BRUSSELS).astimezone(timezone.utc)
    await scheduler.tick()
    assert [call[3] for call in world.rasa.calls] == ["Eerste huistaak", "Tweede huistaak"]
    assert {r.status for r in (await world.reminders()).values()} == {"sent"}
    assert first != second


async def test_rasa_down_means_retry_at_the_next_tick_and_send_once(world):
    action_id = await world.homework()
    rasa = FakeRasa(UNREACHABLE, UNREACHABLE)
    scheduler = world.scheduler(rasa)
    await scheduler.tick()
    reminder = (await world.reminders())[action_id]
    assert (reminder.status, reminder.held, reminder.attempts) == ("pending", "rasa_unreachable", 1)
    await scheduler.tick()
    await scheduler.tick()
    await scheduler.tick()
    assert len(rasa.calls) == 3, "tried until it got through, then no more"
    reminder = (await world.reminders())[action_id]
    assert (reminder.status, reminder.attempts) == ("sent", 3)


async def test_a_model_without_the_reminder_intent_keeps_the_reminder(world):
    action_id = await world.homework()
    rasa = FakeRasa(REFUSED)
    await world.scheduler(rasa).tick()
    assert (await world.reminders())[action_id].held == "bot_refused"
    await world.scheduler(rasa).tick()
    assert (await world.reminders())[action_id].status == "sent"


async def test_an_unknown_outcome_is_checked_in_the_tracker_store_and_not_sent_twice(world):
    action_id = await world.homework()
    rasa = FakeRasa(UNCERTAIN)
    scheduler = world.scheduler(rasa)
    await scheduler.tick()  # a timeout: did Rasa get it?
    assert (await world.reminders())[action_id].status == "sending"
    await scheduler.tick()  # within the lease: nobody touches it
    assert len(rasa.calls) == 1
    # Rasa did get it: its tracker store has the reminder event.
    rows.write(world.tracker_url, world.chat_id, [rows.reminder_event(NOW + timedelta(seconds=2))])
    world.clock.now = NOW + timedelta(minutes=3)  # the lease is over
    await scheduler.tick()
    assert len(rasa.calls) == 1, "delivered after all: not sent again"
    assert (await world.reminders())[action_id].status == "sent"


async def test_an_unknown_outcome_without_a_trace_in_rasa_is_sent_again(world):
    action_id = await world.homework()
    rasa = FakeRasa(UNCERTAIN)
    scheduler = world.scheduler(rasa)
    await scheduler.tick()
    world.clock.now = NOW + timedelta(minutes=3)
    await scheduler.tick()
    assert len(rasa.calls) == 2
    assert (await world.reminders())[action_id].status == "sent"


async def test_two_backends_at_the_same_time_send_it_once(world):
    await world.homework()

    class SlowRasa(FakeRasa):
        async def __call__(self, *args):
            await asyncio.sleep(0.2)
            return await super().__call__(*args)

    rasa = SlowRasa()
    await asyncio.gather(world.scheduler(rasa).tick(), world.scheduler(rasa).tick(), world.scheduler(rasa).tick())
    assert len(rasa.calls) == 1


async def test_done_homework_gets_no_reminder(world, client, auth):
    action_id = await world.homework()
    response = await client.patch(f"/api/v1/chats/{world.chat_id}/actions/{action_id}", json={"status": "done"}, headers=auth)
    assert response.status == 200
    await world.scheduler().tick()
    await world.scheduler().tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].status == "cancelled", "only open homework gets a reminder"


async def test_homework_done_after_the_reminder_row_exists_is_cancelled(world, client, auth):
    action_id = await world.homework(reminder_at=NOW + timedelta(hours=1))
    await world.scheduler().tick()
    assert (await world.reminders())[action_id].status == "pending"
    await client.patch(f"/api/v1/chats/{world.chat_id}/actions/{action_id}", json={"status": "done"}, headers=auth)
    world.clock.now = NOW + timedelta(hours=2)
    await world.scheduler().tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].status == "cancelled"


async def test_web_chat_clients_get_the_reminder_when_they_open_the_chat(world):
    rows.write(world.tracker_url, world.chat_id, [rows.user(NOW - timedelta(hours=20), "hoi", channel="socketio")])
    action_id = await world.homework()
    scheduler = world.scheduler()
    await scheduler.tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "awaiting_visit"

    assert await scheduler.deliver_at_visit(world.client.id) == 1
    assert world.rasa.calls == [(world.chat_id, "socketio", action_id, "Mail Karel over de vacature")]
    assert await scheduler.deliver_at_visit(world.client.id) == 0, "a reload does not repeat it"


async def test_a_client_who_never_chatted_waits_for_the_web_chat(world, client, auth):
    other = await world.dossier.client(world.counsellor.id, "Jan Janssens")
    await client.put(f"/api/v1/chats/{other.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    action_id = await world.homework(client_id=other.id)
    await world.scheduler().tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "awaiting_visit"


async def test_a_visit_at_night_waits_for_the_morning(world):
    world.clock.now = datetime(2026, 6, 10, 23, 0, tzinfo=BRUSSELS).astimezone(timezone.utc)
    await world.homework(reminder_at=NOW)
    rows.write(world.tracker_url, world.chat_id, [rows.user(NOW - timedelta(hours=5), "hoi", channel="socketio")])
    assert await world.scheduler().deliver_at_visit(world.client.id) == 0


async def test_no_reminder_in_the_middle_of_a_chat_or_an_exercise(world):
    action_id = await world.homework()
    rows.write(world.tracker_url, world.chat_id, [
        rows.active_loop(NOW - timedelta(minutes=31), "qualities_form"),
        rows.user(NOW - timedelta(minutes=30), "ik heb een klant geholpen", channel="telegram"),
    ])
    scheduler = world.scheduler()
    await scheduler.tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "busy"
    rows.write(world.tracker_url, world.chat_id, [rows.active_loop(NOW - timedelta(minutes=29), None)])
    await scheduler.tick()
    assert len(world.rasa.calls) == 1


async def test_stop_and_resume(world, client, auth):
    action_id = await world.homework()
    response = await client.put(f"/api/v1/chats/{world.chat_id}/reminders", json={"state": "stopped"}, headers=auth)
    assert response.status == 200
    assert (await response.json())["state"] == "stopped"
    assert (await response.json())["next_reminder_at"] is None
    await world.scheduler().tick()
    assert world.rasa.calls == []
    assert (await world.reminders())[action_id].held == "stopped"

    response = await client.put(f"/api/v1/chats/{world.chat_id}/reminders", json={"state": "active"}, headers=auth)
    assert (await response.json())["state"] == "active"
    await world.scheduler().tick()
    assert len(world.rasa.calls) == 1


async def test_snooze_brings_the_reminder_back_tomorrow(world, client, auth):
    action_id = await world.homework()
    world.app[SCHEDULER].clock = world.clock  # the API's "now" is the test's too
    scheduler = world.scheduler()
    await scheduler.tick()
    assert len(world.rasa.calls) == 1

    response = await client.put(f"/api/v1/chats/{world.chat_id}/reminders", json={"state": "snoozed_until_tomorrow"}, headers=auth)
    body = await response.json()
    assert response.status == 200
    assert body["state"] == "snoozed_until_tomorrow"
    until = datetime.fromisoformat(body["snoozed_until"])
    assert until == NOW + timedelta(days=1)  # tomorrow at 10:00
    assert body["next_reminder_at"] == body["snoozed_until"]
    reminder = (await world.reminders())[action_id]
    assert (reminder.status, reminder.due_at) == ("pending", until)

    world.clock.now = until - timedelta(minutes=1)
    await scheduler.tick()
    assert len(world.rasa.calls) == 1
    world.clock.now = until
    await scheduler.tick()
    assert len(world.rasa.calls) == 2, "tomorrow it comes back, once"


async def test_reminder_settings_api_checks_its_input(world, client, auth):
    url = f"/api/v1/chats/{world.chat_id}/reminders"
    assert (await client.put(url, json={"state": "later"}, headers=auth)).status == 400
    assert (await client.put(url, data=b"{not json", headers=auth)).status == 400
    assert (await client.put(url, json=["stopped"], headers=auth)).status == 400
    assert (await client.put(url, json={"state": "stopped"})).status == 401
    assert (await client.put("/api/v1/chats/nobody-here/reminders", json={"state": "stopped"}, headers=auth)).status == 404
    body = await (await client.get(url, headers=auth)).json()
    assert body == {"state": "active", "snoozed_until": None, "next_reminder_at": None}


async def test_an_ended_trajectory_holds_reminders_until_it_is_reopened(world):
    from backend.tables import Client

    action_id = await world.homework()
    async with db.session(world.app) as s:
        (await s.get(Client, world.client.id)).trajectory_ended_at = NOW - timedelta(days=1)
        await s.commit()
    await world.scheduler().tick()
    assert world.rasa.calls == []
    reminder = (await world.reminders())[action_id]
    assert (reminder.status, reminder.held) == ("pending", "trajectory_ended")

    async with db.session(world.app) as s:
        (await s.get(Client, world.client.id)).trajectory_ended_at = None
        await s.commit()
    await world.scheduler().tick()
    assert [call[2] for call in world.rasa.calls] == [action_id]
