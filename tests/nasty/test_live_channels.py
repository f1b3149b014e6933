"""The nasty input set at the channels clients write in, on the real processes (tests/stack.py:
Rasa with our channels, the action server and the backend; one stack for the whole module):
Rasa's REST channel, the socket.io channel of the web chat, and the Telegram webhook (with a
fake Bot API). Every text gets a short Dutch answer (a text beyond the length limit too, before
it reaches the NLU), every malformed or oversized body a 400 or 413, and afterwards every
process is still running and answers a normal message. The counsellor's page shows the
conversation with the texts escaped."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List

import pytest
import requests

from bot.channels.limits import MAX_MESSAGE_CHARS, SENDER_MAX
from tests.chat_auth import chat_auth, token_for
from tests.channels.live import (  # noqa: F401 (telegram: a fixture)
    ChatPage,
    consent,
    counsellor_and_client,
    dashboard_page,
    post_update,
    telegram,
    telegram_stack,
    updates,
)

from .inputs import BODIES, MARKER, TEXTS, by_id, escaped, is_dutch, raw_markup, templates_literal

ANSWER_TIMEOUT_SECONDS = 60
# A turn of the bot on this 2-core machine takes well under a second; a text that made the NLU
# work for long (100,000 characters took about a minute and 14 GB before the length limit) fails.
SLOW_TURN_SECONDS = 15


@pytest.fixture(scope="module")
def stack(tmp_path_factory, telegram):
    # No rate limit here: the set is sent to one conversation faster than any client types.
    yield from telegram_stack(tmp_path_factory, "nasty", telegram, CHAT_RATE_LIMIT_MESSAGES="0")


@pytest.fixture(scope="module")
def client_a(stack) -> Dict[str, Any]:
    """A client who gave consent in the REST channel."""
    client = counsellor_and_client(stack, "Anaïs De Smet")
    rest(stack, {"sender": client["chat_id"], "message": "hallo"})
    rest(stack, {"sender": client["chat_id"], "message": "/affirm"})
    return client


def rest(stack, body: Any = None, raw: bytes = None, content_type: str = "application/json", sender: str = "") -> requests.Response:
    """A REST message with a chat token for its sender (or for `sender`, for a raw body)."""
    url = f"{stack.env['RASA_URL']}/webhooks/rest/webhook"
    sender = sender or (body.get("sender") if isinstance(body, dict) and isinstance(body.get("sender"), str) else "")
    # A token for the sender itself, as far as a header can carry one (a longer sender is a 400).
    auth = chat_auth(sender, stack.env) if sender and len(sender) <= SENDER_MAX else {}
    if raw is not None:
        return requests.post(url, data=raw, headers={**auth, "Content-Type": content_type}, timeout=ANSWER_TIMEOUT_SECONDS)
    return requests.post(url, json=body, headers=auth, timeout=ANSWER_TIMEOUT_SECONDS)


def texts_of(messages: List[Dict[str, Any]]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def all_alive(stack) -> List[str]:
    return [name for name, process in stack.processes.items() if process.poll() is not None]


def test_every_text_at_the_rest_channel_gets_a_dutch_answer(stack, client_a):
    problems, slowest = [], (0.0, "")
    for text in TEXTS:
        started = time.monotonic()
        response = rest(stack, {"sender": client_a["chat_id"], "message": text.text})
        took = time.monotonic() - started
        slowest = max(slowest, (took, text.id))
        if response.status_code != 200:
            problems.append(f"{text.id}: {response.status_code} {response.text[:200]}")
            continue
        answer = texts_of(response.json())
        if not is_dutch(answer):
            problems.append(f"{text.id}: no Dutch answer: {response.json()!r:.300}")
        if text.kind == "too_long" and "te lang" not in answer:
            problems.append(f"{text.id}: not told it is too long: {answer[:200]}")
        if took > SLOW_TURN_SECONDS:
            problems.append(f"{text.id}: took {took:.1f} s")
    assert not problems, f"slowest {slowest}\n" + "\n".join(problems)
    assert not all_alive(stack), stack.logs()


def test_every_text_as_the_rest_sender_is_answered_or_refused(stack):
    problems = []
    for text in TEXTS:
        response = rest(stack, {"sender": text.text, "message": "hallo"})
        if response.status_code == 200:
            if not is_dutch(texts_of(response.json())):
                problems.append(f"{text.id}: no Dutch answer: {response.text[:200]}")
        elif response.status_code != 400:
            problems.append(f"{text.id}: {response.status_code} {response.text[:200]}")
    assert not problems, "\n".join(problems)


def test_every_raw_body_at_the_rest_channel_is_refused_or_answered(stack, client_a):
    problems = []
    for body in BODIES:
        raw = body.encode({"sender": client_a["chat_id"], "message": MARKER})
        response = rest(stack, raw=raw, content_type=body.content_type, sender=client_a["chat_id"])
        allowed = {"bad": {400}, "too_large": {413}, "bad_or_ok": {200, 400}}[body.expect]
        if response.status_code not in allowed:
            problems.append(f"{body.id}: {response.status_code} {response.text[:200]}")
        elif response.status_code == 200 and not is_dutch(texts_of(response.json())):
            problems.append(f"{body.id}: no Dutch answer: {response.text[:200]}")
    assert not problems, "\n".join(problems)


class WebChat:
    """The chat page's side of Rasa's socket.io channel, over Engine.IO long polling with plain
    requests: every call is bounded by a timeout, and closing never waits (python-socketio's
    client can hang on disconnect over polling with the installed aiohttp)."""

    def __init__(self, rasa_url: str, session_id: str, rasa_token: str, chat_secret: str) -> None:
        self.rasa_url, self.session_id, self.rasa_token = rasa_url, session_id, rasa_token
        self.url = f"{rasa_url}/socket.io/"
        self.http = requests.Session()
        self.events: List[list] = []
        opened = self.http.get(self.url, params={"EIO": "4", "transport": "polling"}, timeout=30)
        self.sid = json.loads(opened.text.split("\x1e")[0][1:])["sid"]
        # connect to the default namespace, with the client's chat token
        self._post("40" + json.dumps({"token": token_for(session_id, {"CHAT_TOKEN_SECRET": chat_secret})}))
        self.emit("session_request", {"session_id": session_id})
        self.wait_for("session_confirm")

    def _params(self) -> Dict[str, str]:
        return {"EIO": "4", "transport": "polling", "sid": self.sid}

    def _post(self, packet: str) -> None:
        response = self.http.post(self.url, params=self._params(), data=packet.encode(), timeout=30)
        response.raise_for_status()

    def _poll(self) -> None:
        """One long poll (the server answers within its ping interval of 25 s)."""
        response = self.http.get(self.url, params=self._params(), timeout=40)
        response.raise_for_status()
        for packet in response.text.split("\x1e"):
            if packet == "2":
                self._post("3")  # pong
            elif packet.startswith("42"):
                self.events.append(json.loads(packet[2:]))

    def emit(self, event: str, data: Any) -> None:
        self._post("42" + json.dumps([event, data]))

    def wait_for(self, event: str, timeout: float = ANSWER_TIMEOUT_SECONDS) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for item in self.events:
                if item[0] == event:
                    self.events.remove(item)
                    return item[1] if len(item) > 1 else None
            self._poll()
        raise TimeoutError(event)

    def _user_turns(self) -> int:
        """How many user messages Rasa's tracker holds for this conversation (saved at the end of
        each turn)."""
        url = f"{self.rasa_url}/conversations/{self.session_id}/tracker"
        tracker = requests.get(url, params={"token": self.rasa_token}, timeout=30).json()
        return sum(event.get("event") == "user" for event in tracker.get("events") or [])

    def say(self, text: str) -> List[str]:
        """The texts of every message the bot sent in this turn. Rasa handles one turn of a
        conversation at a time: once the tracker has the message, every answer was emitted; a
        session_request then works as a marker behind them (its confirmation comes last). A
        message over the length limit is answered by our channel alone, with one message."""
        before = self._user_turns()
        self.emit("user_uttered", {"message": text, "session_id": self.session_id})
        answers = [self.wait_for("bot_uttered").get("text") or ""]  # polling keeps the session alive
        if len(text) > MAX_MESSAGE_CHARS:
            return answers
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while self._user_turns() <= before and time.monotonic() < deadline:
            time.sleep(0.2)
        self.emit("session_request", {"session_id": self.session_id})
        while not any(item[0] == "session_confirm" for item in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError("session_confirm")
            self._poll()
        marker = next(i for i, item in enumerate(self.events) if item[0] == "session_confirm")
        answers += [(item[1] or {}).get("text") or "" for item in self.events[:marker] if item[0] == "bot_uttered"]
        del self.events[: marker + 1]
        return answers

    def close(self) -> None:
        try:
            self.http.post(self.url, params=self._params(), data=b"1", timeout=5)  # close, no wait
        except requests.RequestException:
            pass
        self.http.close()


def test_every_text_in_the_web_chat_gets_a_dutch_answer(stack):
    client = counsellor_and_client(stack, "Bram Peeters")
    chat = WebChat(stack.env["RASA_URL"], client["chat_id"], stack.env["RASA_TOKEN"], stack.env["CHAT_TOKEN_SECRET"])
    problems = []
    try:
        assert "computerprogramma" in " ".join(chat.say("hallo")), "the opening, with the consent question"
        chat.say("/affirm")
        answers = [chat.say(text.text) for text in TEXTS]
    finally:
        chat.close()
    for text, answer in zip(TEXTS, answers):
        joined = " ".join(answer)
        if not is_dutch(joined):
            problems.append(f"{text.id}: no Dutch answer: {answer!r:.300}")
        if text.kind == "too_long" and "te lang" not in joined:
            problems.append(f"{text.id}: not told it is too long: {joined[:200]}")
    assert not problems, "\n".join(problems)


def test_every_text_in_telegram_gets_a_dutch_answer(stack, telegram):
    client = counsellor_and_client(stack, "Chloë Maes")
    page = ChatPage(client["invite_url"])
    code = page.post("/telegram/code")["code"]
    assert post_update(stack, updates.text(6001, f"/start {code}")).status_code == 200
    consent(stack, telegram, 6001, client["chat_id"])
    problems = []
    for telegram_id, prefix in ((6001, ""), (6002, ""), (6003, "/start ")):  # linked, not linked, as a code
        for text in TEXTS:
            before = len(telegram.sent(telegram_id))
            response = post_update(stack, updates.text(telegram_id, prefix + text.text))
            if response.status_code != 200:
                problems.append(f"{telegram_id} {text.id}: {response.status_code} {response.text[:200]}")
                continue
            telegram.wait_for(lambda: len(telegram.sent(telegram_id)) > before, timeout=ANSWER_TIMEOUT_SECONDS)
            answer = texts_of(telegram.sent(telegram_id)[before:])
            if not is_dutch(answer):
                problems.append(f"{telegram_id} {text.id}: no Dutch answer: {answer[:200]!r}")
            if telegram_id == 6001 and text.kind == "too_long" and "te lang" not in answer:
                problems.append(f"{text.id}: not told it is too long: {answer[:200]}")
    assert not problems, "\n".join(problems)


def test_every_raw_body_at_the_telegram_webhook_is_refused(stack, telegram):
    problems = []
    for body in BODIES:
        update = updates.text(6001, "x")
        update["message"]["text"] = MARKER
        response = post_update(stack, None, raw=body.encode(update), content_type=body.content_type)
        allowed = {"bad": {400}, "too_large": {413}, "bad_or_ok": {200, 400}}[body.expect]
        if response.status_code not in allowed:
            problems.append(f"{body.id}: {response.status_code} {response.text[:200]}")
    assert not problems, "\n".join(problems)


def test_the_conversation_is_shown_escaped_to_the_counsellor(stack, client_a):
    html = dashboard_page(stack, client_a["client_id"])
    assert not raw_markup(html), raw_markup(html)
    assert templates_literal(html), "{{ 7*7 }} and {% debug %} are shown as typed"
    assert escaped(by_id("name_with_script").text) in html


def test_every_process_still_runs_and_answers(stack, client_a):
    assert not all_alive(stack), f"stopped: {all_alive(stack)}\n{stack.logs()}"
    response = rest(stack, {"sender": client_a["chat_id"], "message": "hallo"})
    assert response.status_code == 200 and is_dutch(texts_of(response.json())), response.text
    assert requests.get(f"{stack.env['BACKEND_URL']}/api/v1/health", timeout=10).status_code == 200
    assert requests.get(f"{stack.env['ACTION_ENDPOINT_URL'].rsplit('/', 1)[0]}/health", timeout=10).status_code == 200
