"""Restarting the real backend and Rasa processes with homework reminders pending loses none
and sends none twice. Reminders go to Telegram clients (a fake Bot API on localhost counts
every message), so a duplicate would show as a second message."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, update

from backend.config import sync_url
from backend.tables import Reminder
from tests.channels.fake_telegram import FakeTelegram
from tests.channels.live import (
    asks_how_it_went,
    assign_homework,
    channel_env,
    consent,
    link,
    reminders,
    wait_until,
)
from tests.stack import Stack

HOMEWORK = {6001: "Maak een lijst van vijf bedrijven in de zorg", 6002: "Vraag feedback aan je teamleider"}


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def stack(tmp_path, telegram):
    running = Stack.create(tmp_path, channel_env(telegram))
    running.start()
    yield running
    running.stop()


def reminder_messages(telegram, telegram_id):
    return [m for m in telegram.sent(telegram_id) if HOMEWORK[telegram_id] in m["text"] and asks_how_it_went(m)]


def test_restarts_with_reminders_pending_lose_none_and_duplicate_none(stack, telegram):
    clients = {}
    for telegram_id in HOMEWORK:
        clients[telegram_id], _, _ = link(stack, telegram, telegram_id, f"Cliënt {telegram_id}")
        consent(stack, telegram, telegram_id, clients[telegram_id]["chat_id"])

    # Rasa goes down; meanwhile the reminders become due.
    stack.stop("rasa")
    due = datetime.now(timezone.utc) - timedelta(minutes=1)
    action_ids = {
        telegram_id: assign_homework(stack, client["client_id"], HOMEWORK[telegram_id], due)
        for telegram_id, client in clients.items()
    }
    ids = list(action_ids.values())

    def tried_while_down(times):
        state = reminders(stack)
        return all(
            action_id in state and state[action_id]["attempts"] >= times and state[action_id]["status"] == "pending"
            for action_id in ids
        )

    assert wait_until(lambda: tried_while_down(2), timeout=30), reminders(stack)
    assert {reminders(stack)[i]["held"] for i in ids} == {"rasa_unreachable"}

    # The backend restarts while they are pending: nothing is lost.
    stack.stop("backend")
    stack.start("backend")
    assert wait_until(lambda: tried_while_down(3), timeout=30), "the new backend goes on trying"
    assert all(reminder_messages(telegram, telegram_id) == [] for telegram_id in HOMEWORK)

    # Rasa is back: each reminder arrives, once.
    stack.start("rasa")
    assert wait_until(
        lambda: all(reminder_messages(telegram, telegram_id) for telegram_id in HOMEWORK), timeout=60
    ), stack.logs()
    # The message can reach Telegram a moment before the backend has written "sent".
    def delivered():
        state = reminders(stack)
        return {(state[i]["status"], state[i]["channel"]) for i in ids} == {("sent", "telegram")}

    assert wait_until(delivered, timeout=30), reminders(stack)

    # A backend that died after Rasa delivered, before it wrote "sent": after the lease, the
    # next backend finds the reminder in Rasa's tracker store and does not send it again.
    stack.stop("backend")
    crashed = action_ids[6001]
    engine = create_engine(sync_url(stack.env["DATABASE_URL"]), future=True)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(Reminder.__table__)
                .where(Reminder.action_id == crashed)
                .values(status="sending", sent_at=None, lease_until=datetime.now(timezone.utc) - timedelta(minutes=1))
            )
    finally:
        engine.dispose()
    stack.start("backend")
    assert wait_until(lambda: reminders(stack)[crashed]["status"] == "sent", timeout=30), reminders(stack)

    # Several more ticks after the restarts: still one message per reminder.
    wait_until(lambda: False, timeout=5)
    for telegram_id in HOMEWORK:
        assert len(reminder_messages(telegram, telegram_id)) == 1, telegram.sent(telegram_id)
