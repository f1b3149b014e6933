"""Reading Telegram updates in our channel, without Rasa: what is used, what is refused."""
from __future__ import annotations

import pytest

from bot.channels.telegram import Incoming, Malformed, default_secret, parse_update, start_code

from .fake_telegram import UpdateFactory

updates = UpdateFactory()


def test_a_text_message_a_button_and_an_edit():
    text = updates.text(42, "Hallo")
    assert parse_update(text) == Incoming(text["update_id"], "42", True, "Hallo", False)
    button = updates.button(42, "/affirm")
    incoming = parse_update(button)
    assert (incoming.telegram_chat_id, incoming.text, incoming.button) == ("42", "/affirm", True)
    assert incoming.callback_id == button["callback_query"]["id"]
    edited = {"update_id": 9, "edited_message": text["message"]}
    assert parse_update(edited).text == "Hallo"


def test_groups_photos_and_other_kinds():
    assert parse_update(updates.text(42, "hoi", chat_type="group")).private is False
    assert parse_update(updates.photo(42)).text is None
    assert parse_update({"update_id": 1, "channel_post": {"chat": {"id": -1}}}) is None


@pytest.mark.parametrize(
    "update",
    [None, [], "x", {}, {"update_id": "1"}, {"update_id": 1.5}, {"update_id": 1, "message": None},
     {"update_id": 1, "message": {"chat": {"id": "1"}}}, {"update_id": 1, "message": {"chat": {"id": 1}, "text": ["a"]}},
     {"update_id": 1, "callback_query": {"data": "/x", "message": {}}}],
)
def test_malformed_updates(update):
    with pytest.raises(Malformed):
        parse_update(update)


@pytest.mark.parametrize(
    "text, code",
    [("/start ABCDEFGHJK", "ABCDEFGHJK"), ("/start  abcd efgh jk ", "abcd efgh jk"), ("/start", ""),
     ("/start@LoopbaanBot K7MDQ2XP4R", "K7MDQ2XP4R"), ("/START x", "x"), ("start ABC", None), ("hallo", None), ("", None)],
)
def test_start_codes(text, code):
    assert start_code(text) == code


def test_the_default_webhook_secret_is_allowed_by_telegram_and_not_the_token():
    secret = default_secret("123:abc")
    assert secret != default_secret("123:abd") and "abc" not in secret
    assert len(secret) == 64 and secret.isalnum()
