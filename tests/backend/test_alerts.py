"""Crisis alerts by e-mail (backend.jobs.crisis_alerts), through a real SMTP server (aiosmtpd) on a free port."""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from email import message_from_bytes
from typing import List

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller

from backend import db
from backend.app import create_app
from backend.config import CONFIG, Config
from backend.jobs import crisis_alerts

from .conftest import insight_body, login
from .fixtures import SERVICE_TOKEN

WAIT_SECONDS = 60  # the promise: the counsellor has the mail within a minute


class Inbox:
    """aiosmtpd handler: keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: List[tuple] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(unused_tcp_port_factory):
    inbox = Inbox()
    port = unused_tcp_port_factory()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def alert_config(config: Config, smtp) -> Config:
    _, port = smtp
    return replace(config, smtp_url=f"smtp://127.0.0.1:{port}", smtp_from="loopbaanchat@example.org")


@pytest_asyncio.fixture
async def alerting_client(aiohttp_client, alert_config):
    return await aiohttp_client(create_app(alert_config))


async def wait_for_mail(inbox: Inbox, count: int = 1) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(inbox.messages) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.2)


async def test_a_crisis_flag_reaches_the_counsellor_by_email_without_client_content(alerting_client, auth, smtp):
    from tests.backend.fixtures import Dossier

    inbox, _ = smtp
    dossier = Dossier(alerting_client.app)
    counsellor = await dossier.counsellor(email="an@example.org")
    client = await dossier.client(counsellor.id, "Anaïs De Smet")
    sentence = "ik wil er niet meer zijn"
    body = insight_body(category="crisis", value="crisissignaal", sentence=sentence)
    started = time.monotonic()
    response = await alerting_client.post(f"/api/v1/chats/{client.chat_id}/insights", json=body, headers=auth)
    assert response.status == 201

    await wait_for_mail(inbox)
    assert time.monotonic() - started < WAIT_SECONDS
    [(recipients, mail)] = inbox.messages
    assert recipients == ["an@example.org"]
    text = mail.get_payload(decode=True).decode()
    assert f"http://127.0.0.1:8000/clients/{client.id}" in text
    assert "Anaïs" not in text and sentence not in text and "Anaïs" not in mail["Subject"]
    # Sent once: later rounds find nothing to send.
    assert await crisis_alerts.send_due_alerts(alerting_client.app[db.SESSIONMAKER], alerting_client.app[CONFIG]) == 0
    assert len(inbox.messages) == 1


async def test_a_mail_that_cannot_be_sent_is_tried_again(client, auth, config, unused_tcp_port_factory, consented_chat):
    body = insight_body(category="crisis", value="crisissignaal", sentence="ik wil dood")
    assert (await client.post(f"/api/v1/chats/{consented_chat}/insights", json=body, headers=auth)).status == 201
    sessions = client.app[db.SESSIONMAKER]
    port = unused_tcp_port_factory()
    down = replace(config, smtp_url=f"smtp://127.0.0.1:{port}")
    assert await crisis_alerts.send_due_alerts(sessions, down) == 0  # nothing listens: released, not lost
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert await crisis_alerts.send_due_alerts(sessions, down) == 1
    finally:
        controller.stop()
    assert [recipients for recipients, _ in inbox.messages] == [["an@example.org"]]


async def test_the_status_page_says_whether_alerts_are_on(client, alerting_client, dossier):
    token = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    off = await (await client.get("/api/v1/status", headers=token)).json()
    on = await (await alerting_client.get("/api/v1/status", headers=token)).json()
    assert (off["crisis_alerts"], on["crisis_alerts"]) == ("off", "email")
    await dossier.counsellor()
    await login(client)
    page = await (await client.get("/status")).text()
    assert "SMTP_URL is niet ingesteld" in page


def test_a_malformed_smtp_url_is_a_clear_error():
    from backend.config import ConfigError

    with pytest.raises(ConfigError, match="SMTP_URL"):
        crisis_alerts.SmtpServer.from_url("mail.example.org")
    assert crisis_alerts.SmtpServer.from_url("smtps://u%40x:p@mail.example.org").port == 465
