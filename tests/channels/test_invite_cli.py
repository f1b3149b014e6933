"""`python -m backend clients invite`: a new chat link from the counsellor, as a real process.
After a lost or shared device, nothing that knew the old link or the old chat id reaches the
client's conversation or dossier (the API answers 410 Gone for the old chat id); the
conversation and the dossier carry over."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import create_engine, select

from backend.tables import TelegramLink
from tests.backend.test_cli import failed, ok_json, run_cli
from tests.backend.tracker import events, write_events

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _senders(tracker_url: str) -> dict:
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(events.c.sender_id)).scalars().all()
    finally:
        engine.dispose()
    return {sender: rows.count(sender) for sender in set(rows)}


async def test_a_new_invite_gives_a_new_chat_id_and_the_old_one_reaches_nothing(database_url, client, auth, tmp_path):
    ok_json(run_cli(database_url, "counsellors", "create", "--email", "an@example.org", "--name", "An", "--password-stdin", stdin="lang-genoeg-wachtwoord\n"))
    created = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Jan"))
    old_chat = created["chat_id"]
    await client.put(f"/api/v1/chats/{old_chat}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await client.post(f"/api/v1/chats/{old_chat}/mood", json={"key": "m", "mood": "good", "sentence": "Goed."}, headers=auth)
    from backend import db

    async with db.session(client.app) as s:
        s.add(TelegramLink(client_id=created["client_id"], telegram_chat_id="4242", linked_at=T0))
        await s.commit()
    tracker = f"sqlite:///{tmp_path / 'rasa_tracker.sqlite3'}"
    write_events(tracker, old_chat, [("user", T0, "hallo"), ("bot", T0, "Dag Jan!")])
    write_events(tracker, "someone-else", [("user", T0, "niet van Jan")])

    renewed = ok_json(run_cli(database_url, "clients", "invite", "--client", str(created["client_id"]), TRACKER_STORE_URL=tracker))
    assert renewed["client_id"] == created["client_id"]
    assert renewed["invite_url"] != created["invite_url"] and "/chat/" in renewed["invite_url"]
    new_chat = renewed["chat_id"]
    assert new_chat != old_chat and renewed["chat_token"]
    assert (renewed["signed_out_browsers"], renewed["telegram_unlinked"]) == (0, True)

    # The old chat id reaches nothing: not the dossier, not the conversation, not Telegram. The
    # dossier API says it is gone (410), so an action server's outbox drops what it holds for it.
    assert (await client.get(f"/api/v1/chats/{old_chat}", headers=auth)).status == 410
    assert (await client.post(f"/api/v1/chats/{old_chat}/mood", json={"key": "x", "mood": "bad", "sentence": ""}, headers=auth)).status == 410
    assert (await client.get("/api/v1/telegram/chats/4242", headers=auth)).status == 404
    assert _senders(tracker) == {new_chat: 2, "someone-else": 1}
    # The dossier and the consent carry over to the new id.
    profile = await (await client.get(f"/api/v1/chats/{new_chat}", headers=auth)).json()
    assert profile["consent"]["given"] is True


def test_an_unknown_client_gets_no_invite(database_url):
    assert "client" in failed(run_cli(database_url, "clients", "invite", "--client", "999")).lower()
