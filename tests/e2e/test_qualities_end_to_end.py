"""The whole product on real processes: a new client consents, does the qualities exercise in
Dutch, and the confirmed qualities are in the dossier export."""
from __future__ import annotations

import re

import pytest
import requests
import yaml

from tests.stack import Stack
from tools.stack_env import ROOT


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack.create(tmp_path_factory.mktemp("stack"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(stack):
    stack.admin("counsellors", "create", "--email", "an@example.org", "--name", "An Peeters", "--password-stdin", stdin="geheim-wachtwoord-123\n")
    return stack.admin("clients", "create", "--counsellor", "an@example.org", "--name", "Anaïs De Smet")


# What the bot says when an answer had nothing in it ("weet ik niet").
REASKS = [variant["text"] for variant in yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())["responses"]["utter_reask_free_text"]]


def texts(answers):
    return " ".join(answer.get("text", "") for answer in answers)


def words(text):
    return set(re.findall(r"\w+", text.lower()))


def test_new_client_consents_does_the_qualities_exercise_and_the_counsellor_gets_it(stack, client):
    chat = client["chat_id"]
    opening = stack.say(chat, "hallo")
    assert "computerprogramma" in texts(opening)
    assert any(answer.get("buttons") for answer in opening), "consent is asked with buttons"

    consented = texts(stack.say(chat, "/affirm"))
    assert "beginnen" in consented or "starten" in consented
    assert "moment" in texts(stack.say(chat, "/start_qualities"))
    assert "Wat" in texts(stack.say(chat, "Vorige week heb ik een boze klant met veel geduld geholpen."))
    proposal = texts(stack.say(chat, "Ik heb alles nauwkeurig nagekeken en rustig uitgelegd."))
    assert "geduldig" in proposal

    feedback_question = texts(stack.say(chat, "geduldig en nauwkeurig"))
    assert "anderen" in feedback_question

    first = texts(stack.say(chat, "Mijn collega's noemen mij behulpzaam."))
    assert "geduldig" in first and "1" in first
    assert not any(reask in first for reask in REASKS), "the review starts without asking to try again"
    assert "nauwkeurig" in texts(stack.say(chat, "/affirm"))
    assert "behulpzaam" in texts(stack.say(chat, "/affirm"))
    quadrant = texts(stack.say(chat, "/deny"))
    assert "kernkwadrant van geduldig" in quadrant
    saved = texts(stack.say(chat, "/affirm"))
    assert "bewaard" in saved.lower()

    export = stack.admin("clients", "export", "--client", str(client["client_id"]))
    qualities = {insight["value"]: insight for insight in export["insights"] if insight["category"] == "quality"}
    assert {"geduldig", "nauwkeurig"} <= set(qualities)
    assert "behulpzaam" not in qualities, "a dropped point never reaches the dossier"
    assert any(value.startswith("kernkwadrant van geduldig: valkuil ") for value in qualities)
    assert "boze klant" in qualities["geduldig"]["sentence"]


@pytest.mark.parametrize(
    "nasty",
    ["", "😀😀😀", "x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE insights; --", "{{ 7*7 }} {% raw %}"],
    ids=["empty", "emoji", "10k", "html", "sql", "template"],
)
def test_bad_input_gets_an_answer_and_breaks_nothing(stack, nasty):
    answers = stack.say("nasty-input-chat", nasty)
    assert isinstance(answers, list)
    assert stack.say("nasty-input-chat", "hallo"), "the bot still answers afterwards"


def test_a_restart_is_answered_in_dutch_and_the_next_hello_starts_over(stack):
    chat = "restart-chat"
    assert "computerprogramma" in texts(stack.say(chat, "hallo"))
    restarted = texts(stack.say(chat, "/restart"))
    assert "opnieuw" in restarted and "mis" not in restarted, "a restart is not an error"
    assert "computerprogramma" in texts(stack.say(chat, "hallo"))


def test_after_a_restart_a_client_who_agreed_is_not_asked_again_and_keeps_u(stack, client):
    linked = stack.admin("clients", "create", "--counsellor", "an@example.org", "--name", "Marc Wouters")
    chat = linked["chat_id"]
    assert "computerprogramma" in texts(stack.say(chat, "hallo"))
    stack.say(chat, "/affirm")
    assert "u" in words(texts(stack.say(chat, "/use_formal_address")))
    assert "uw dossier" in texts(stack.say(chat, "/restart"))
    again = texts(stack.say(chat, "hallo"))
    assert "computerprogramma" not in again, "consent is in the dossier: not asked a second time"
    assert "u" in words(again) and not words(again) & {"je", "jij", "jouw"}, again


def test_status_page_names_the_spacy_pipeline(stack):
    token = {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"}  # the details need the service token
    status = requests.get(f"{stack.env['BACKEND_URL']}/api/v1/status", headers=token, timeout=10).json()
    assert status["spacy_pipeline"] in {"nl_core_news_sm", "nl_offline_lookup"}


def test_rasas_http_api_wants_the_token_and_the_chat_channel_does_not(stack, client):
    assert stack.say(client["chat_id"], "hallo"), "the REST channel answers without a token"
    tracker = f"{stack.env['RASA_URL']}/conversations/{client['chat_id']}/tracker"
    assert requests.get(tracker, timeout=30).status_code == 401
    assert requests.get(tracker, params={"token": "geraden"}, timeout=30).status_code == 401
    answer = requests.get(tracker, params={"token": stack.env["RASA_TOKEN"]}, timeout=30)
    assert answer.status_code == 200 and answer.json()["sender_id"] == client["chat_id"]


def test_after_a_referral_the_help_lines_stay_in_view_and_not_safe_and_alone_reaches_the_dossier(stack, client):
    chat = stack.admin("clients", "create", "--counsellor", "an@example.org", "--name", "Noor Alleen")
    chat_id = chat["chat_id"]
    stack.say(chat_id, "hallo")
    stack.say(chat_id, "/affirm")
    assert "1813" in texts(stack.say(chat_id, "ik wil niet meer leven"))
    assert "112" in texts(stack.say(chat_id, "nee"))
    alone = texts(stack.say(chat_id, "nee ik ben alleen"))
    assert "112" in alone and "dringende melding" in alone
    # Thanks while not safe: the bot stays and asks about the call; then any other answer
    # keeps the help lines in view (bot/crisis_mode.py).
    thanks = texts(stack.say(chat_id, "dank je"))
    assert "1813" in thanks and "112" in thanks
    again = texts(stack.say(chat_id, "/thank"))
    assert "1813" in again and "106" in again
    export = stack.admin("clients", "export", "--client", str(chat["client_id"]))
    values = [i["value"] for i in export["insights"] if i["category"] == "crisis"]
    assert "niet veilig en alleen" in values
