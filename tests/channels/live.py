"""Helpers for the channel tests on real processes (tests/stack.py): the fake Bot API and a stack
whose Telegram channel points at it, posting Telegram updates, the chat page's forms, homework in
the dossier."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, select

from backend.config import sync_url
from backend.tables import Action, Reminder
from tests.stack import Stack

from .fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram, UpdateFactory

WEBHOOK_SECRET = "test-webhook-secret"
updates = UpdateFactory()
PASSWORD = "geheim-wachtwoord-123"
_CSRF_PAGE = re.compile(r'data-csrf="([^"]+)"')
_CSRF_FORM = re.compile(r'name="csrf_token" value="([^"]+)"')


def quiet_hours_away_from_now() -> str:
    """Quiet hours that do not include the next few hours, whenever the tests run: the rule
    itself is tested on a fixed clock in tests/reminders/test_rules.py."""
    hour = (datetime.now(ZoneInfo("Europe/Brussels")).hour + 12) % 24
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"


def channel_env(telegram: Optional[FakeTelegram] = None) -> Dict[str, str]:
    env = {
        "REMINDER_INTERVAL_SECONDS": "1",
        "REMINDER_QUIET_HOURS": quiet_hours_away_from_now(),
        "REMINDER_BUSY_MINUTES": "0",
    }
    if telegram is not None:
        env.update(
            TELEGRAM_ACCESS_TOKEN=TOKEN,
            TELEGRAM_VERIFY=BOT_USERNAME,
            TELEGRAM_WEBHOOK_URL="https://loopbaan.example.org/webhooks/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            TELEGRAM_API_URL=telegram.url,
        )
    return env


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API, one per test module (import it into the module that uses it)."""
    with FakeTelegram() as fake:
        yield fake


def telegram_stack(tmp_path_factory, name: str, telegram: FakeTelegram, **extra_env: str) -> Iterator[Stack]:
    """For a module's `stack` fixture (`yield from`): the three processes, Telegram pointed at
    the fake Bot API; started once, stopped after the module's last test."""
    running = Stack.create(tmp_path_factory.mktemp(name), {**channel_env(telegram), **extra_env})
    assert Path(running.env["RASA_MODEL"]).exists(), "these tests need the trained model: make train"
    running.start()
    try:
        yield running
    finally:
        running.stop()


def post_update(
    stack, update: Any, secret: Optional[str] = WEBHOOK_SECRET, raw: Optional[bytes] = None,
    content_type: str = "application/json",
) -> requests.Response:
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    url = f"{stack.env['RASA_URL']}/webhooks/telegram/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers=headers, timeout=60)
    return requests.post(url, json=update, headers=headers, timeout=60)


class ChatPage:
    """A browser of the client, as far as the backend is concerned (cookies and form token):
    opens the invite link and presses "Open mijn chat" on the welcome page."""

    def __init__(self, invite_url: str) -> None:
        self.url = invite_url
        self.http = requests.Session()
        welcome = self.http.get(invite_url, timeout=30)
        assert welcome.status_code == 200 and "Open mijn chat" in welcome.text, welcome.text[:300]
        token = _CSRF_FORM.search(welcome.text).group(1)
        response = self.http.post(invite_url + "/open", data={"csrf_token": token}, timeout=30)
        assert response.status_code == 200, response.text[:300]
        self.csrf = _CSRF_PAGE.search(response.text).group(1)

    def post(self, path: str) -> Dict[str, Any]:
        response = self.http.post(self.url + path, data={"csrf_token": self.csrf}, timeout=60)
        assert response.status_code == 200, response.text[:300]
        return response.json()

    def history(self) -> List[Dict[str, Any]]:
        return self.http.get(self.url + "/history", timeout=30).json()["messages"]


def api(stack, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"}
    return requests.request(method, f"{stack.env['BACKEND_URL']}{path}", headers=headers, timeout=30, **kwargs)


def counsellor_and_client(stack, name: str, email: str = "an@example.org") -> Dict[str, Any]:
    try:
        stack.admin("counsellors", "create", "--email", email, "--name", "An Peeters", "--password-stdin", stdin=PASSWORD + "\n")
    except AssertionError:
        pass  # made by an earlier test of the module
    return stack.admin("clients", "create", "--counsellor", email, "--name", name)


def assign_homework(stack, client_id: int, text: str, reminder_at: datetime) -> int:
    """Homework as the counsellor's dashboard stores it (backend.dashboard.queries.assign_homework);
    written straight into the dossier, because the form only takes reminder times in the future."""
    engine = create_engine(sync_url(stack.env["DATABASE_URL"]), future=True)
    now = datetime.now(timezone.utc)
    try:
        with engine.begin() as conn:
            result = conn.execute(
                Action.__table__.insert().values(
                    client_id=client_id, text=text, due_date=(now + timedelta(days=7)).date(),
                    reminder_at=reminder_at, status="open", created_by="counsellor", is_homework=True,
                    created_at=now, updated_at=now,
                )
            )
            action_id = result.inserted_primary_key[0]
            conn.execute(
                Reminder.__table__.insert().values(
                    client_id=client_id, action_id=action_id, due_at=reminder_at, status="pending", attempts=0,
                    created_at=now, updated_at=now,
                )
            )
            return action_id
    finally:
        engine.dispose()


def reminders(stack) -> Dict[int, Dict[str, Any]]:
    engine = create_engine(sync_url(stack.env["DATABASE_URL"]), future=True)
    try:
        with engine.connect() as conn:
            return {row.action_id: dict(row._mapping) for row in conn.execute(select(Reminder.__table__))}
    finally:
        engine.dispose()


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, interval: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def dashboard_page(stack, client_id: int, email: str = "an@example.org") -> str:
    """The counsellor's page of one client, as the counsellor sees it after logging in."""
    http = requests.Session()
    base = stack.env["BACKEND_URL"]
    token = _CSRF_FORM.search(http.get(f"{base}/login", timeout=30).text).group(1)
    login = http.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, timeout=30)
    assert login.status_code == 200, login.text[:300]
    page = http.get(f"{base}/clients/{client_id}", timeout=30)
    assert page.status_code == 200
    return page.text


# A Telegram user, on the real stack


def said(telegram, telegram_id, update_or_none, stack, **kwargs):
    """Posts an update; returns the texts the bot sent to that Telegram chat because of it."""
    before = len(telegram.sent(telegram_id))
    response = post_update(stack, update_or_none, **kwargs)
    assert response.status_code == 200, response.text
    return telegram.sent(telegram_id)[before:]


def asks_how_it_went(message) -> bool:
    """A reminder: the bot's message with the buttons Gedaan / Nog niet / Het lukt niet."""
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return "Gedaan" in {button["text"] for row in keyboard for button in row}


def joined(messages):
    return " ".join(m["text"] for m in messages)


def link(stack, telegram, telegram_id, name):
    client = counsellor_and_client(stack, name)
    page = ChatPage(client["invite_url"])
    code = page.post("/telegram/code")["code"]
    answer = joined(said(telegram, telegram_id, updates.text(telegram_id, f"/start {code}"), stack))
    assert "Gelukt" in answer, answer
    return client, page, code


def consent(stack, telegram, telegram_id, chat_id):
    opening = said(telegram, telegram_id, updates.text(telegram_id, "hallo"), stack)
    assert "computerprogramma" in joined(opening)
    keyboard = next(m["reply_markup"] for m in opening if m["reply_markup"])
    yes = keyboard["inline_keyboard"][0][0]
    assert yes["text"].startswith("Ja")
    said(telegram, telegram_id, updates.button(telegram_id, yes["callback_data"]), stack)
    profile = api(stack, "GET", f"/api/v1/chats/{chat_id}").json()
    assert profile["consent"]["given"] is True, "the consent given in Telegram is in the client's own dossier"
