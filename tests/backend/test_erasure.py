"""Erasure on the client's request: the dossier and Rasa's tracker events of the chat are gone."""
from datetime import datetime, timezone

from sqlalchemy import create_engine, func, select

from backend import db
from backend.dossier.erasure import AUDIT_ACTION, ERASED_NAME
from backend.tables import AuditEntry, Client, Insight
from tests.backend import tracker
from tests.backend.conftest import insight_body

NOW = datetime.now(timezone.utc)


def _events_of(tracker_path, chat_id) -> int:
    engine = create_engine(f"sqlite:///{tracker_path}", future=True)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(tracker.events).where(tracker.events.c.sender_id == chat_id)).scalar()
    engine.dispose()
    return count


async def test_erasure_removes_the_dossier_and_the_conversation(client, auth, consented_chat, tracker_path):
    tracker.write_events(f"sqlite:///{tracker_path}", consented_chat, [("user", NOW, "mijn buurman Wim werkt bij Colruyt"), ("bot", NOW, "Dank je.")])
    tracker.write_events(f"sqlite:///{tracker_path}", "someone-else", [("user", NOW, "hallo")])
    await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(), headers=auth)

    response = await client.delete(f"/api/v1/chats/{consented_chat}/data", headers=auth)

    assert response.status == 204
    assert _events_of(tracker_path, consented_chat) == 0
    assert _events_of(tracker_path, "someone-else") == 1, "other conversations stay"
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count()).select_from(Insight)) == 0
        erased = await s.scalar(select(Client).where(Client.chat_id == consented_chat))
        assert erased.name == ERASED_NAME and erased.consent_given is None
        assert await s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)) == 1
    profile = await (await client.get(f"/api/v1/chats/{consented_chat}", headers=auth)).json()
    assert profile["consent"]["given"] is None, "a returning client is asked for consent again"


async def test_erasure_needs_the_service_token_and_a_known_chat(client, auth):
    assert (await client.delete("/api/v1/chats/whoever/data")).status == 401
    assert (await client.delete("/api/v1/chats/whoever/data", headers=auth)).status == 404
