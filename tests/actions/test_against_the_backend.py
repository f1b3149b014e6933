"""The action server's dossier functions against the real backend app (on a test server).

Scale-out: an erasure happens through one action server, while another one's outbox may still
hold writes for that chat. After the erasure the backend answers 410 Gone for the old chat id,
and the outbox deletes every entry of that chat instead of delivering or retrying it. And the
backend's answer to a withdrawn consent carries the grace period the bot tells the client."""
from __future__ import annotations

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from backend import db
from backend.tables import Client, Flag, Insight
from bot.actions import dossier as bot_dossier
from bot.actions.dossier_client import ChatRetired, DossierClient
from bot.actions.outbox import Outbox
from tests.backend.conftest import insight_body
from tests.backend.fixtures import SERVICE_TOKEN


class CountingClient(DossierClient):
    """A DossierClient that remembers for which chats it sent writes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent_for = []

    async def send(self, chat_id, kind, payload):
        self.sent_for.append(chat_id)
        return await super().send(chat_id, kind, payload)


@pytest_asyncio.fixture
async def action_server(client, tmp_path):
    """The dossier functions of one action server, talking to the test backend."""
    http = CountingClient(str(client.make_url("/")), SERVICE_TOKEN)
    bot_dossier.use(http, Outbox(str(tmp_path / "outbox-b.sqlite3")))
    yield http
    bot_dossier.use(None, None)
    await http.close()


async def _count(app, model, client_id: int) -> int:
    async with db.session(app) as s:
        return await s.scalar(select(func.count()).select_from(model).where(model.client_id == client_id))


async def test_writes_queued_on_another_server_for_an_erased_chat_are_deleted_not_delivered(client, auth, dossier, action_server):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    els = await dossier.client(an.id, "Els Maes")
    for made in (jan, els):
        assert (await client.put(f"/api/v1/chats/{made.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)).status == 200
    # Server B could not reach the backend for a moment: Jan's writes wait in its outbox. A
    # crisis signal would be stored even without consent, so only a retired chat id keeps it out.
    waiting = bot_dossier.outbox()
    waiting.put(jan.chat_id, "insight", bot_dossier.insight_payload(jan.chat_id, "crisis", "crisissignaal", "ik zie het niet meer zitten"))
    waiting.put(jan.chat_id, "insight", bot_dossier.insight_payload(jan.chat_id, "quality", "geduldig", "Ik bleef rustig."))
    waiting.put(els.chat_id, "insight", bot_dossier.insight_payload(els.chat_id, "quality", "nauwkeurig", "Ik keek alles na."))
    waiting.put(jan.chat_id, "address", {"formal": True})
    # Jan erases everything through server A.
    server_a = DossierClient(str(client.make_url("/")), SERVICE_TOKEN)
    await server_a.erase(jan.chat_id)
    await server_a.close()

    delivered = await bot_dossier.deliver_pending()

    assert delivered == 1 and waiting.count() == 0, "Els's write arrives; Jan's are gone, not waiting"
    assert action_server.sent_for.count(jan.chat_id) == 1, "one 410 drops all of Jan's entries, none is retried"
    assert await _count(client.app, Insight, jan.id) == 0 and await _count(client.app, Flag, jan.id) == 0
    assert await _count(client.app, Insight, els.id) == 1
    async with db.session(client.app) as s:
        assert (await s.get(Client, jan.id)).formal_address is False


async def test_the_client_asking_a_second_server_to_erase_again_hears_it_is_done(client, auth, consented_chat, action_server):
    await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(), headers=auth)
    assert await bot_dossier.erase(consented_chat) is True
    # The same request through another action server, after the first erasure: 410, still done.
    assert await bot_dossier.erase(consented_chat) is True
    with pytest.raises(ChatRetired):
        await action_server.profile(consented_chat)


async def test_a_withdrawal_answers_with_the_backends_grace_period(client, consented_chat, action_server):
    recorded = await bot_dossier.record_consent(consented_chat, False)
    assert recorded == bot_dossier.ConsentRecorded(bot_dossier.STORED, 14)
    # Saying no again does not start the period over, and a first refusal has none.
    assert (await bot_dossier.record_consent(consented_chat, False)).erase_after_days == 14
    assert (await bot_dossier.record_consent(consented_chat, True)).erase_after_days is None
    assert (await bot_dossier.record_consent(consented_chat, False)).erase_after_days == 14


async def test_a_first_no_is_no_withdrawal(client, chat, action_server):
    assert await bot_dossier.record_consent(chat, False) == bot_dossier.ConsentRecorded(bot_dossier.STORED, None)
