"""Erasure on the client's request: the dossier and Rasa's tracker events of the chat are gone,
and the client gets a new chat id and invite link, so that the old ones reach nothing (the API
answers 410 Gone for the old chat id; the old link is a dead link)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, func, select

from backend import db
from backend.chat import access
from backend.dossier.erasure import AUDIT_ACTION, ERASED_NAME
from backend.tables import AuditEntry, ChatDevice, Client, Flag, Insight, RetiredChatId, TelegramLink
from tests.backend import tracker
from tests.backend.conftest import insight_body, login
from tests.channels.test_chat_access import open_chat

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
        [erased] = list(await s.scalars(select(Client)))
        assert erased.name == ERASED_NAME and erased.consent_given is None
        assert erased.chat_id != consented_chat, "the client has a new chat id"
        assert await s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AUDIT_ACTION, AuditEntry.client_id == erased.id)) == 1
        retired = list(await s.scalars(select(RetiredChatId)))
        assert [r.reason for r in retired] == ["erasure"] and consented_chat not in retired[0].chat_id_hash, "only a hash is kept"
    # Under the new chat id the client starts over, and is asked for consent again.
    profile = await (await client.get(f"/api/v1/chats/{erased.chat_id}", headers=auth)).json()
    assert profile["consent"]["given"] is None and profile["name"] == ERASED_NAME


async def test_the_old_chat_id_gets_nothing_back_and_stores_nothing_after_erasure(client, auth, consented_chat):
    await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(), headers=auth)
    assert (await client.delete(f"/api/v1/chats/{consented_chat}/data", headers=auth)).status == 204

    api = f"/api/v1/chats/{consented_chat}"
    for method, path, body in (
        ("GET", "", None),
        ("GET", "/summary", None),
        ("GET", "/insights", None),
        ("GET", "/reminders", None),
        # A crisis signal is stored without consent; for a retired chat id not even that.
        ("POST", "/insights", insight_body(key="late", category="crisis", value="crisissignaal", sentence="ik wil er niet meer zijn")),
        ("POST", "/flags", {"key": "late-flag", "kind": "crisis", "message": "te laat afgeleverd"}),
        ("PUT", "/address", {"formal": True}),
        ("DELETE", "/data", None),
    ):
        response = await client.request(method, api + path, json=body, headers=auth)
        assert response.status == 410, (method, path, response.status)
        assert (await response.json())["error"] == "chat_retired"
        assert "Wim" not in await response.text()
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count()).select_from(Insight)) == 0
        assert await s.scalar(select(func.count()).select_from(Flag)) == 0
        assert (await s.scalar(select(Client))).formal_address is False
    # A chat id that never belonged to anyone stays a plain 404.
    assert (await client.get("/api/v1/chats/never-a-client-id", headers=auth)).status == 404


async def test_after_erasure_the_old_invite_link_is_dead_and_telegram_unlinked(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    assert "data-session" in await open_chat(client, jan), "the browser has the chat"
    async with db.session(client.app) as s:
        s.add(TelegramLink(client_id=jan.id, telegram_chat_id="4242", linked_at=NOW))
        await s.commit()
    assert (await client.get("/api/v1/telegram/chats/4242", headers=auth)).status == 200

    assert (await client.delete(f"/api/v1/chats/{jan.chat_id}/data", headers=auth)).status == 204

    # The same browser, with its cookie, on the old link: the dead-link page and nothing else.
    old = await client.get(f"/chat/{jan.invite_token}")
    html = await old.text()
    assert old.status == 404 and "Deze link werkt niet" in html and jan.chat_id not in html
    for part in ("history", "session", "mijn-gegevens.json"):
        refused = await client.get(f"/chat/{jan.invite_token}/{part}")
        assert refused.status == 403 and jan.chat_id not in await refused.text(), part
    assert (await client.get("/api/v1/telegram/chats/4242", headers=auth)).status == 404
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count()).select_from(ChatDevice)) == 0
        assert await s.scalar(select(func.count()).select_from(TelegramLink)) == 0


async def test_the_counsellor_sees_the_erased_client_and_can_start_over_with_a_new_invite(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    assert (await client.delete(f"/api/v1/chats/{jan.chat_id}/data", headers=auth)).status == 204
    await login(client)
    listing = await (await client.get("/")).text()
    assert ERASED_NAME in listing and "Jan Janssens" not in listing

    async def no_conversation(old: str, new: str) -> int:
        return 0

    async with db.session(client.app) as s:
        renewed, _, _ = await access.reissue_invite(s, jan.id, no_conversation)
    welcome = await client.get(f"/chat/{renewed.invite_token}")
    assert welcome.status == 200 and "Open mijn chat" in await welcome.text()
    assert (await client.get(f"/api/v1/chats/{renewed.chat_id}", headers=auth)).status == 200


async def test_a_restarted_backend_deletes_what_rasa_wrote_back_under_the_old_chat_id(aiohttp_client, config, auth, tracker_path):
    from backend.app import create_app
    from tests.backend.fixtures import Dossier

    first = await aiohttp_client(create_app(config))
    dossier = Dossier(first.app)
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    assert (await first.delete(f"/api/v1/chats/{jan.chat_id}/data", headers=auth)).status == 204
    await first.close()  # before the follow-up deletions ran
    # Rasa saves the erasure turn after the backend's answer, under the old sender id.
    later = datetime.now(timezone.utc) + timedelta(seconds=5)
    tracker.write_events(f"sqlite:///{tracker_path}", jan.chat_id, [("user", later, "ja, wis alles"), ("bot", later, "Ik heb alles gewist.")])
    tracker.write_events(f"sqlite:///{tracker_path}", "someone-else", [("user", later, "hallo")])

    await aiohttp_client(create_app(config))

    assert _events_of(tracker_path, jan.chat_id) == 0
    assert _events_of(tracker_path, "someone-else") == 1


async def test_erasure_needs_the_service_token_and_a_known_chat(client, auth):
    assert (await client.delete("/api/v1/chats/whoever/data")).status == 401
    assert (await client.delete("/api/v1/chats/whoever/data", headers=auth)).status == 404
