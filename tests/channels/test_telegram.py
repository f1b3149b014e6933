"""Telegram on real processes: real Telegram update JSON is posted to Rasa's webhook, and what
the bot sends back is captured by a fake Bot API on localhost (nothing reaches Telegram).

Covers linking with a one-time code from the chat page, the conversation going to the client's
own dossier, bad and malformed updates, and a homework reminder pushed to Telegram whose answer
(done, or blocked and why) reaches the dossier and the counsellor's page."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from .live import (  # noqa: F401 (telegram: a fixture)
    api,
    asks_how_it_went,
    assign_homework,
    consent,
    dashboard_page,
    joined,
    link,
    post_update,
    reminders,
    said,
    telegram,
    telegram_stack,
    updates,
    wait_until,
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, telegram):
    yield from telegram_stack(tmp_path_factory, "telegram", telegram)


def tracker_senders(stack):
    engine = create_engine(stack.env["TRACKER_STORE_URL"], future=True)
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT DISTINCT sender_id FROM events"))}
    finally:
        engine.dispose()


def test_the_webhook_is_set_with_a_secret_token(stack, telegram):
    def webhook_calls():
        return [call for call in telegram.calls if call["method"] == "setWebhook"]

    # Rasa answers /version before its after-server-start listeners are done, so the call may
    # still be on its way when the stack counts as started.
    assert wait_until(lambda: webhook_calls(), timeout=30), "Rasa never set the Telegram webhook"
    calls = webhook_calls()
    assert len(calls) == 1
    params = calls[0]["params"]
    assert params["url"] == "https://loopbaan.example.org/webhooks/telegram/webhook"
    assert params["secret_token"] == "test-webhook-secret"
    assert json.loads(params["allowed_updates"]) == ["message", "edited_message", "callback_query"]


def test_an_unlinked_telegram_chat_gets_a_dutch_explanation_and_no_conversation(stack, telegram):
    answer = said(telegram, 5001, updates.text(5001, "hallo, ik wil over mijn kwaliteiten praten"), stack)
    assert len(answer) == 1
    assert "nog niet gekoppeld" in answer[0]["text"] and "/start" in answer[0]["text"]
    assert "5001" not in tracker_senders(stack), "nothing of an unlinked chat reaches Rasa"


def test_start_with_a_code_links_telegram_to_the_clients_own_conversation_and_dossier(stack, telegram):
    client, page, _ = link(stack, telegram, 5002, "Anaïs De Smet")
    link_message = telegram.sent(5002)[-1]["text"]
    assert "niet end-to-end versleuteld" in link_message and "webchat" in link_message
    consent(stack, telegram, 5002, client["chat_id"])
    assert client["chat_id"] in tracker_senders(stack) and "5002" not in tracker_senders(stack)
    assert "answerCallbackQuery" in telegram.methods(), "the button stops spinning in the Telegram app"
    # The web chat shows the same conversation: one client, one chat, whatever the channel.
    assert "hallo" in [m["text"] for m in page.history() if m["who"] == "client"]
    # The chat page now says Telegram is linked.
    assert 'data-linked="true"' in page.http.get(page.url, timeout=30).text


def test_a_code_works_once_and_wrong_codes_get_plain_dutch_answers(stack, telegram):
    client, page, code = link(stack, telegram, 5003, "Jan Janssens")
    reused = joined(said(telegram, 5004, updates.text(5004, f"/start {code}"), stack))
    assert "al gebruikt" in reused
    wrong = joined(said(telegram, 5004, updates.text(5004, "/start ABCDEFGHJK"), stack))
    assert "ken ik niet" in wrong
    bare = joined(said(telegram, 5004, updates.text(5004, "/start"), stack))
    assert "code" in bare and "computerprogramma" in bare
    still_unlinked = joined(said(telegram, 5004, updates.text(5004, "hallo"), stack))
    assert "nog niet gekoppeld" in still_unlinked
    assert client["chat_id"] not in joined(telegram.sent(5004)), "no trace of the other client's chat"


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not json",
        b"[1, 2, 3]",
        b'"a string"',
        b"{}",
        b'{"update_id": "1", "message": {"chat": {"id": 1, "type": "private"}, "text": "hi"}}',
        b'{"update_id": 1, "message": "hallo"}',
        b'{"update_id": 2, "message": {"text": "no chat"}}',
        b'{"update_id": 3, "message": {"chat": {"id": "5002", "type": "private"}, "text": "hi"}}',
        b'{"update_id": 4, "message": {"chat": {"id": 5002, "type": "private"}, "text": 42}}',
        b'{"update_id": 5, "callback_query": {"id": "x", "data": "/affirm"}}',
        b'{"update_id": 6, "callback_query": {"id": "x", "message": {"chat": {"id": 5002}}, "data": null}}',
        b'{"update_id": true, "message": {"chat": {"id": 5002, "type": "private"}, "text": "hi"}}',
    ],
    ids=["not-json", "list", "string", "empty", "id-text", "message-text", "no-chat", "chat-id-text",
         "text-number", "button-no-message", "button-no-data", "id-bool"],
)
def test_a_malformed_update_gets_a_400(stack, raw):
    response = post_update(stack, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_update"


def test_an_update_without_the_secret_token_is_refused(stack, telegram):
    before = len(telegram.sent(5002))
    update = updates.text(5002, "hallo")
    assert post_update(stack, update, secret=None).status_code == 403
    assert post_update(stack, update, secret="guessed").status_code == 403
    assert len(telegram.sent(5002)) == before, "a forged update never speaks for a client"


def test_other_update_kinds_are_ignored_and_the_bot_keeps_working(stack, telegram):
    member = {"update_id": 900_000_001, "my_chat_member": {"chat": {"id": 5002, "type": "private"}, "date": 1}}
    response = post_update(stack, member)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert said(telegram, 5002, updates.text(5002, "wat kan je allemaal?"), stack), "still answers"


def test_group_chats_and_photos_get_a_plain_answer(stack, telegram):
    group = said(telegram, -5010, updates.text(5010, "hallo allemaal", chat_type="group"), stack)
    assert "privégesprek" in joined(group)
    photo = said(telegram, 5002, updates.photo(5002), stack)
    assert "alleen tekst" in joined(photo)


def test_a_redelivered_update_is_answered_once(stack, telegram):
    update = updates.text(5002, "dank je")
    first = said(telegram, 5002, update, stack)
    again = said(telegram, 5002, update, stack)
    assert first and again == []


def test_homework_reminder_on_telegram_and_the_answers_reach_the_dossier(stack, telegram):
    done_client, _, _ = link(stack, telegram, 5020, "Sofie Peeters")
    blocked_client, _, _ = link(stack, telegram, 5021, "Karim El Idrissi")
    consent(stack, telegram, 5020, done_client["chat_id"])
    consent(stack, telegram, 5021, blocked_client["chat_id"])
    due = datetime.now(timezone.utc) - timedelta(minutes=1)
    done_id = assign_homework(stack, done_client["client_id"], "Mail Karel over de vacature bij De Lijn", due)
    blocked_id = assign_homework(stack, blocked_client["client_id"], "Bel de VDAB-consulent", due)

    def reminded(telegram_id, homework):
        return [m for m in telegram.sent(telegram_id) if homework in m["text"] and asks_how_it_went(m)]

    assert wait_until(lambda: reminded(5020, "Mail Karel") and reminded(5021, "Bel de VDAB"), timeout=60), stack.logs()
    reminder = reminded(5020, "Mail Karel")[0]
    buttons = {b["text"]: b["callback_data"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row}
    assert set(buttons) == {"Gedaan", "Nog niet", "Het lukt niet"}
    state = reminders(stack)
    assert (state[done_id]["status"], state[done_id]["channel"]) == ("sent", "telegram")

    said(telegram, 5020, updates.button(5020, buttons["Gedaan"]), stack)
    actions = api(stack, "GET", f"/api/v1/chats/{done_client['chat_id']}/actions").json()["actions"]
    assert [(a["id"], a["status"]) for a in actions] == [(done_id, "done")]

    asked = said(telegram, 5021, updates.button(5021, buttons["Het lukt niet"]), stack)
    assert asked, "the bot asks what is in the way"
    said(telegram, 5021, updates.text(5021, "Ik vind het telefoonnummer van de consulent niet terug"), stack)
    actions = api(stack, "GET", f"/api/v1/chats/{blocked_client['chat_id']}/actions").json()["actions"]
    assert [(a["id"], a["status"]) for a in actions] == [(blocked_id, "blocked")]
    assert "telefoonnummer" in actions[0]["obstacle"]

    # The counsellor sees both answers on the client's page.
    blocked_page = dashboard_page(stack, blocked_client["client_id"])
    assert "zit vast" in blocked_page and "telefoonnummer van de consulent" in blocked_page
    done_page = dashboard_page(stack, done_client["client_id"])
    row = done_page[done_page.index("Mail Karel over de vacature bij De Lijn"):][:800]
    assert "gedaan" in row

    # Later ticks send nothing again.
    count = len(telegram.sent(5020)) + len(telegram.sent(5021))
    wait_until(lambda: False, timeout=3)
    assert len(reminded(5020, "Mail Karel")) == 1 and len(reminded(5021, "Bel de VDAB")) == 1
    assert len(telegram.sent(5020)) + len(telegram.sent(5021)) == count


def test_the_client_snoozes_stops_and_restarts_reminders_in_the_chat(stack, telegram):
    client, _, _ = link(stack, telegram, 5030, "Elif Yilmaz")
    consent(stack, telegram, 5030, client["chat_id"])
    action_id = assign_homework(stack, client["client_id"], "Lees de vacature van Colruyt", datetime.now(timezone.utc) - timedelta(minutes=1))
    assert wait_until(lambda: any(asks_how_it_went(m) for m in telegram.sent(5030)), timeout=60)
    # The message can reach Telegram a moment before the backend has written "sent".
    assert wait_until(lambda: reminders(stack)[action_id]["status"] == "sent", timeout=30)
    url = f"/api/v1/chats/{client['chat_id']}/reminders"

    snoozed = joined(said(telegram, 5030, updates.text(5030, "herinner me morgen"), stack))
    assert "morgen" in snoozed
    settings = api(stack, "GET", url).json()
    assert settings["state"] == "snoozed_until_tomorrow"
    until = datetime.fromisoformat(settings["snoozed_until"])
    assert timedelta(hours=12) < until - datetime.now(timezone.utc) <= timedelta(hours=25)
    assert reminders(stack)[action_id]["status"] == "pending", "the reminder comes back tomorrow"

    joined(said(telegram, 5030, updates.text(5030, "stop met herinneringen"), stack))
    assert api(stack, "GET", url).json() == {"state": "stopped", "snoozed_until": None, "next_reminder_at": None}
    joined(said(telegram, 5030, updates.text(5030, "stuur weer herinneringen"), stack))
    assert api(stack, "GET", url).json()["state"] == "active"
