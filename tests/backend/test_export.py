"""The client's export is complete (GDPR art. 15): every table that holds rows about the client
is in it, with how the client was reached and who read the dossier; never a token or a hash."""
from __future__ import annotations

import json
from datetime import timedelta

from backend import db
from backend.clock import local_today
from backend.dossier.reading import EXPORTED_TABLES
from backend.rasa.transcripts import TRANSCRIPTS
from backend.tables import ChatDevice, LinkCode, ReminderSettings, TelegramLink, metadata, utcnow

from .conftest import csrf_from, login


def test_every_table_with_a_client_id_is_in_the_export():
    holding_client_rows = {table.name for table in metadata.sorted_tables if "client_id" in table.c}
    assert holding_client_rows | {"clients"} <= set(EXPORTED_TABLES), "a new table with client rows is not exported"


async def test_the_export_says_how_the_client_was_reached_and_who_read_the_dossier(client, auth, dossier):
    from backend.dossier.export import dossier_export

    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await client.put(f"/api/v1/chats/{jan.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await login(client)
    token = csrf_from(await (await client.get(f"/clients/{jan.id}")).text())
    soon = (utcnow() + timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    due = (local_today() + timedelta(days=5)).isoformat()
    await client.post(f"/clients/{jan.id}/homework", data={"csrf_token": token, "text": "cv", "due_date": due, "reminder_at": soon})
    now = utcnow()
    async with db.session(client.app) as s:
        s.add(ReminderSettings(client_id=jan.id, state="stopped", updated_at=now))
        s.add(TelegramLink(client_id=jan.id, telegram_chat_id="4242", linked_at=now))
        s.add(ChatDevice(client_id=jan.id, token_hash="a" * 64, invite_token=jan.invite_token, created_at=now, last_seen_at=now))
        s.add(LinkCode(client_id=jan.id, purpose="device", code_hash="b" * 64, created_at=now, expires_at=now))
        await s.commit()
        export = await dossier_export(s, client.app[TRANSCRIPTS], jan.id, audit_as="export_dossier")

    for key in EXPORTED_TABLES.values():
        assert key in export, key
    assert [(r["status"], r["action_id"] is not None) for r in export["reminders"]] == [("pending", True)]
    assert export["reminder_settings"]["state"] == "stopped"
    assert export["telegram"]["telegram_chat_id"] == "4242" and export["telegram"]["linked_at"]
    assert [d["opened_the_invite_link"] for d in export["devices"]] == [True]
    assert [c["purpose"] for c in export["link_codes"]] == ["device"]
    assert [v["counsellor"] for v in export["dashboard_visits"]] == [an.name]
    assert ("view_client", an.name) in [(a["action"], a["who"]) for a in export["audit"]]
    assert ("assign_homework", an.name) in [(a["action"], a["who"]) for a in export["audit"]]
    text = json.dumps(export)
    for secret in ("a" * 64, "b" * 64, jan.invite_token, jan.chat_id):
            assert secret not in text, "tokens and hashes stay out of the export"
