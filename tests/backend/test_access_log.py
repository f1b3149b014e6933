"""The backend's access log shows addresses without the secrets they carry (invite token, device
code, chat id), still with the status code: on the real `python -m backend serve` process."""
from __future__ import annotations

import pytest
import requests

from backend.web.log_redaction import redact
from tests.stack import Stack


@pytest.mark.parametrize(
    "address, shown",
    [
        ("/chat/Xy7-secret/history", "/chat/<token>/history"),
        ("/chat/Xy7-secret?toestel=K3Y", "/chat/<token>?toestel=<hidden>"),
        ("https://loopbaan.example.org/chat/Xy7-secret/open", "https://loopbaan.example.org/chat/<token>/open"),
        ("/api/v1/chats/chat-secret/insights?category=quality", "/api/v1/chats/<chat_id>/insights?category=quality"),
        ("/clients/12/pop?x=1", "/clients/12/pop?x=1"),
    ],
)
def test_secrets_in_addresses_become_placeholders(address, shown):
    assert redact(address) == shown


def test_the_served_access_log_hides_the_invite_token_and_keeps_the_status(tmp_path, database_url):
    stack = Stack.create(tmp_path, {"DATABASE_URL": database_url})
    stack.start("backend")
    try:
        stack.admin("counsellors", "create", "--email", "an@example.org", "--name", "An Peeters", "--password-stdin", stdin="een-lang-wachtwoord-42\n")
        client = stack.admin("clients", "create", "--counsellor", "an@example.org", "--name", "Anaïs De Smet")
        token = client["invite_url"].rsplit("/", 1)[1]
        assert requests.get(client["invite_url"], timeout=30).status_code == 200
        requests.get(f"{client['invite_url']}?toestel=DEVICE-CODE-1", timeout=30)
        headers = {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"}
        assert requests.get(f"{stack.env['BACKEND_URL']}/api/v1/chats/{client['chat_id']}", headers=headers, timeout=30).ok
    finally:
        stack.stop()
    log = (tmp_path / "backend.log").read_text()
    assert '"GET /chat/<token> HTTP/1.1" 200 ' in log, log[-3000:]
    assert '"GET /chat/<token>?toestel=<hidden> HTTP/1.1"' in log
    assert '"GET /api/v1/chats/<chat_id> HTTP/1.1" 200 ' in log
    assert token not in log and "DEVICE-CODE-1" not in log and client["chat_id"] not in log
