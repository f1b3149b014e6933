"""tools/announce.py reads what `python -m backend demo` prints, through one shape."""
from __future__ import annotations

import os

import pytest

from tools import announce


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dossier.sqlite3'}",
        "DEMO_PASSWORD": "proef-wachtwoord-42",
        "PUBLIC_URL": "http://127.0.0.1:8123",
        "RASA_URL": "http://127.0.0.1:5123",
    }


def test_the_announcement_names_the_real_demo_login_chat_page_rest_address_and_status(env):
    demo = announce.demo_accounts(env)
    text = announce.announcement(env, demo)
    assert announce.READY_LINE in text
    assert "log in as demo@example.org with password proef-wachtwoord-42" in text
    assert f"Client chat page:     http://127.0.0.1:8123/chat/" in text and demo.invite_url in text
    assert f"http://127.0.0.1:5123/webhooks/rest/webhook   (sender = {demo.chat_id})" in text
    assert f"python -m backend clients token --client {demo.client_id}" in text
    assert "http://127.0.0.1:8123/status" in text


def test_a_second_start_announces_the_same_accounts(env):
    assert announce.demo_accounts(env) == announce.demo_accounts(env)


def test_without_a_demo_password_the_demo_command_says_so(env):
    env.pop("DEMO_PASSWORD")
    with pytest.raises(RuntimeError, match="DEMO_PASSWORD"):
        announce.demo_accounts(env)
