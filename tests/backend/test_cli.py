"""The admin command line of CONTRACT.md, run as a real process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract import chat_token

from .conftest import cli_env, insight_body

ROOT = Path(__file__).resolve().parents[2]


def run_cli(database_url, *args, stdin="", **env):
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=cli_env(database_url, **env),
        timeout=120,
    )


def ok_json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def failed(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.strip()
    return result.stderr


def create_counsellor(database_url, email="an@example.org", password="geheim-wachtwoord\n"):
    return run_cli(database_url, "counsellors", "create", "--email", email, "--name", "An Peeters", "--password-stdin", stdin=password)


def test_create_counsellor_then_a_duplicate_fails(database_url):
    created = ok_json(create_counsellor(database_url))
    assert isinstance(created["counsellor_id"], int)
    assert set(created) == {"counsellor_id"}

    duplicate = failed(create_counsellor(database_url, email="AN@example.org"))
    assert "already exists" in duplicate


@pytest.mark.parametrize(
    "email, password, expected",
    [
        ("an@example.org", "\n", "password"),
        ("an@example.org", "", "password"),
        ("geen-adres", "geheim\n", "e-mail"),
        ("an@example.org", "kort-maar\n", "at least 12 characters"),
        ("an@example.org", "Wachtwoord2024!\n", "too easy to guess"),
        ("an@example.org", "welkomwelkom1\n", "too easy to guess"),
        ("an@example.org", "123456789012\n", "too easy to guess"),
        ("an@example.org", "an-2024-an-an-an\n", "too easy to guess"),
    ],
    ids=["empty-line", "no-input", "bad-email", "short", "common-word", "repeated-word", "digits-only", "own-name"],
)
def test_create_counsellor_rejects_bad_input(database_url, email, password, expected):
    assert expected in failed(create_counsellor(database_url, email=email, password=password))


def test_create_client_and_export_the_dossier(database_url):
    ok_json(create_counsellor(database_url))
    created = ok_json(
        run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Anaïs De Smet", PUBLIC_URL="https://dossier.example.org")
    )
    assert set(created) == {"client_id", "chat_id", "chat_token", "invite_url"}
    assert len(created["chat_id"]) >= 22
    # The token opens the REST channel for this chat only (contract/chat_token.py).
    assert chat_token.subject(created["chat_token"], os.environ[chat_token.SECRET_VARIABLE]) == created["chat_id"]
    fresh = ok_json(run_cli(database_url, "clients", "token", "--client", str(created["client_id"])))
    assert set(fresh) == {"chat_token"}
    assert chat_token.subject(fresh["chat_token"], os.environ[chat_token.SECRET_VARIABLE]) == created["chat_id"]
    assert "error" in failed(run_cli(database_url, "clients", "token", "--client", "999"))
    assert created["invite_url"].startswith("https://dossier.example.org/chat/")
    invite_token = created["invite_url"].rsplit("/", 1)[1]
    assert len(invite_token) >= 22 and invite_token != created["chat_id"]

    second = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Tweede"))
    assert second["chat_id"] != created["chat_id"]

    export = ok_json(run_cli(database_url, "clients", "export", "--client", str(created["client_id"])))
    for key in ("client", "insights", "actions", "contacts", "flags", "transcript"):
        assert key in export
    assert export["client"]["name"] == "Anaïs De Smet"
    assert export["client"]["consent"] == {"given": None, "at": None, "version": None, "withdrawn_at": None}
    assert export["client"]["created_at"]
    assert export["insights"] == [] and export["transcript"] == []


def test_unknown_counsellor_and_unknown_client_fail(database_url):
    assert "counsellor" in failed(run_cli(database_url, "clients", "create", "--counsellor", "niemand@example.org", "--name", "Jan"))
    assert "client" in failed(run_cli(database_url, "clients", "export", "--client", "4242"))


def test_usage_errors_exit_non_zero(database_url):
    assert run_cli(database_url, "clients", "export", "--client", "abc").returncode == 2
    assert run_cli(database_url, "counsellors", "create", "--email", "a@example.org", "--name", "A").returncode == 2
    assert run_cli(database_url).returncode == 2


def test_bad_database_url_is_a_clear_error(tmp_path):
    assert "DATABASE_URL" in failed(run_cli("mysql://localhost/x", "clients", "export", "--client", "1"))


def test_demo_is_idempotent(database_url):
    first = ok_json(run_cli(database_url, "demo", DEMO_PASSWORD="proef-123"))
    second = ok_json(run_cli(database_url, "demo", DEMO_PASSWORD="proef-123"))
    assert first == second
    assert first["email"] == "demo@example.org"
    assert first["password"] == "proef-123"
    assert first["invite_url"].endswith("/chat/" + first["invite_url"].rsplit("/", 1)[1])
    export = ok_json(run_cli(database_url, "clients", "export", "--client", str(first["client_id"])))
    assert export["client"]["name"] == "Demo Cliënt"


@pytest.mark.asyncio
async def test_the_chat_id_from_the_cli_works_in_the_api_and_the_export_has_its_insights(database_url, client, auth):
    ok_json(create_counsellor(database_url))
    created = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Jan"))
    chat = created["chat_id"]
    profile = await (await client.get(f"/api/v1/chats/{chat}", headers=auth)).json()
    assert profile["client_id"] == created["client_id"]
    await client.put(f"/api/v1/chats/{chat}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await client.post(f"/api/v1/chats/{chat}/insights", json=insight_body(key="1"), headers=auth)
    await client.post(f"/api/v1/chats/{chat}/insights", json=insight_body(key="2", status="proposed", value="twijfel"), headers=auth)

    export = ok_json(run_cli(database_url, "clients", "export", "--client", str(created["client_id"])))
    assert [(i["value"], i["status"]) for i in export["insights"]] == [("geduldig", "confirmed"), ("twijfel", "proposed")]
    assert export["insights"][0]["sentence"] == "Ik heb de boze klant rustig geholpen."
    assert export["client"]["consent"]["given"] is True


@pytest.mark.asyncio
async def test_export_has_every_part_of_the_dossier_and_the_transcript(database_url, client, auth, tmp_path):
    from datetime import datetime, timedelta, timezone

    from backend import db
    from backend.clock import local_today
    from backend.tables import Note

    from .tracker import write_events

    counsellor_id = ok_json(create_counsellor(database_url))["counsellor_id"]
    created = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Jan"))
    chat = created["chat_id"]
    api = f"/api/v1/chats/{chat}"
    await client.put(f"{api}/consent", json={"given": True, "version": "v1"}, headers=auth)
    due = (local_today() + timedelta(days=3)).isoformat()
    await client.post(f"{api}/actions", json={"key": "a", "text": "Els bellen", "due_date": due}, headers=auth)
    await client.post(f"{api}/contacts", json={"key": "c", "name": "Els", "circle": "friends", "sentence": "Els kent veel mensen."}, headers=auth)
    await client.post(f"{api}/mood", json={"key": "m", "mood": "good", "sentence": "Het gaat goed."}, headers=auth)
    await client.post(f"{api}/flags", json={"key": "f", "kind": "stuck", "message": "Ik zit vast."}, headers=auth)
    async with db.session(client.app) as s:
        s.add(Note(client_id=created["client_id"], counsellor_id=counsellor_id, text="Volgende keer over netwerk."))
        await s.commit()
    tracker = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    t0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    write_events(tracker, chat, [("user", t0, "hallo"), ("bot", t0 + timedelta(seconds=1), "Dag Jan!")])
    write_events(tracker, "someone-else", [("user", t0, "niet van Jan")])

    export = ok_json(run_cli(database_url, "clients", "export", "--client", str(created["client_id"]), TRACKER_STORE_URL=tracker))
    action = export["actions"][0]
    assert (action["text"], action["due_date"], action["status"], action["created_by"]) == ("Els bellen", due, "open", "client")
    assert action["created_at"] and action["updated_at"]
    assert [(c["name"], c["circle"], c["contacted"]) for c in export["contacts"]] == [("Els", "friends", False)]
    assert [(m["mood"], m["sentence"]) for m in export["mood"]] == [("good", "Het gaat goed.")]
    assert [(f["kind"], f["message"], f["resolved_at"]) for f in export["flags"]] == [("stuck", "Ik zit vast.", None)]
    assert [n["text"] for n in export["notes"]] == ["Volgende keer over netwerk."]
    assert export["transcript"] == [
        {"at": "2024-05-01T09:00:00+00:00", "who": "client", "text": "hallo"},
        {"at": "2024-05-01T09:00:01+00:00", "who": "bot", "text": "Dag Jan!"},
    ]
    # The export is in the audit trail, without a counsellor (it is the administrator's).
    from backend.dashboard.queries import audit_entries

    async with db.session(client.app) as s:
        entries = await audit_entries(s, created["client_id"])
    assert [(e.action, e.counsellor_id) for e in entries] == [("export_dossier", None)]


def test_export_fails_clearly_when_the_tracker_store_is_down(database_url, unused_tcp_port):
    ok_json(create_counsellor(database_url))
    created = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Jan"))
    result = run_cli(
        database_url, "clients", "export", "--client", str(created["client_id"]),
        TRACKER_STORE_URL=f"postgresql://nobody@127.0.0.1:{unused_tcp_port}/rasa",
    )
    assert "chat history" in failed(result)
