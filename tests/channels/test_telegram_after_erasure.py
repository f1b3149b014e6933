"""Rasa's Telegram channel asks the backend which Telegram chat belongs to a chat id (to send the
bot's answers and reminders). For a chat id retired by an erasure the backend says 410: that is
"no Telegram chat", not an outage."""
from __future__ import annotations

from datetime import datetime, timezone

from backend import db
from backend.tables import TelegramLink
from bot.channels.telegram import Links
from tests.backend.fixtures import SERVICE_TOKEN


async def test_an_erased_chat_has_no_telegram_chat_any_more(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    async with db.session(client.app) as s:
        s.add(TelegramLink(client_id=jan.id, telegram_chat_id="4242", linked_at=datetime.now(timezone.utc)))
        await s.commit()
    before, after = (Links(str(client.make_url("/")), SERVICE_TOKEN) for _ in range(2))  # each its own cache
    try:
        assert await before.telegram_for(jan.chat_id) == "4242"
        assert (await client.delete(f"/api/v1/chats/{jan.chat_id}/data", headers=auth)).status == 204
        assert await after.telegram_for(jan.chat_id) is None
        assert await after.chat_for("4242") is None
    finally:
        await before.close()
        await after.close()
