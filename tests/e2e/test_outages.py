"""Nothing the client confirmed is lost while a part is down, and the client is never met
with silence. The real processes are stopped and started in the middle of a conversation."""
from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.guard import APOLOGY
from tests.channels.inprocess import WebChat
from tests.stack import Stack

DELIVERY_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack.create(tmp_path_factory.mktemp("outages"))
    running.start()
    yield running
    running.stop()


def texts(answers):
    return " ".join(answer.get("text", "") for answer in answers)


def new_client(stack: Stack, name: str) -> dict:
    email = f"{name.lower()}@example.org"
    stack.admin("counsellors", "create", "--email", email, "--name", name, "--password-stdin", stdin="een-lang-wachtwoord-42\n")
    return stack.admin("clients", "create", "--counsellor", email, "--name", f"Cliënt van {name}")


def qualities_in_dossier(stack: Stack, client_id: int) -> list:
    export = stack.admin("clients", "export", "--client", str(client_id))
    return sorted(i["value"] for i in export["insights"] if i["category"] == "quality")


def test_confirmed_points_survive_a_backend_outage_and_arrive_once(stack):
    client = new_client(stack, "Sofie")
    chat = client["chat_id"]
    stack.say(chat, "hallo")
    stack.say(chat, "/affirm")
    stack.say(chat, "/start_qualities")
    stack.say(chat, "Ik heb een boze klant met veel geduld geholpen.")
    stack.say(chat, "Ik heb alles rustig uitgelegd.")
    stack.say(chat, "geduldig")
    stack.say(chat, "weet ik niet")
    stack.say(chat, "geen idee")  # feedback skipped after two tries: the review starts

    stack.stop("backend")
    answer = texts(stack.say(chat, "/affirm"))  # geduldig
    answer += texts(stack.say(chat, "/affirm"))  # its core quadrant
    assert "stuur het" in answer, answer  # "... ik stuur het door zodra het weer kan"

    stack.start("backend")
    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and len(qualities_in_dossier(stack, client["client_id"])) < 2:
        time.sleep(1)
    stored = qualities_in_dossier(stack, client["client_id"])
    assert len(stored) == 2 and stored[0] == "geduldig", stored
    assert stored[1].startswith("kernkwadrant van geduldig")
    time.sleep(3)  # another retry round must not store anything twice
    assert qualities_in_dossier(stack, client["client_id"]) == stored


def test_with_the_action_server_down_the_client_gets_an_apology_not_silence(stack):
    client = new_client(stack, "Karim")
    stack.stop("actions")
    try:
        assert "dossier" in texts(stack.say(client["chat_id"], "hallo"))  # no custom action yet
        answers = stack.say(client["chat_id"], "/affirm")  # the consent is stored by a custom action
        assert texts(answers).startswith("Sorry"), answers
    finally:
        stack.start("actions")
    assert stack.say(client["chat_id"], "hallo"), "the bot answers again once it is back"


def test_on_the_web_chat_too_the_client_gets_an_apology_not_silence(stack):
    """The chat page talks to Rasa's socket.io channel, with the client's chat id as session."""
    client = new_client(stack, "Lotte")

    async def conversation():
        async with WebChat(stack.env["RASA_URL"], client["chat_id"]) as chat:
            assert "dossier" in " ".join(await chat.say_all("hallo"))  # no custom action yet
            return await chat.say_all("/affirm")  # the consent is stored by a custom action

    stack.stop("actions")
    try:
        answers = asyncio.run(asyncio.wait_for(conversation(), 180))
    finally:
        stack.start("actions")
    assert answers == [APOLOGY]

    async def back():
        async with WebChat(stack.env["RASA_URL"], client["chat_id"]) as chat:
            return await chat.say_all("hallo")

    assert APOLOGY not in asyncio.run(asyncio.wait_for(back(), 180)), "the bot answers again once it is back"
