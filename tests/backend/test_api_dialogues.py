"""The second part of the JSON API (docs/architecture.md): summary, topic, address, contacts,
actions, mood and flags."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from backend import db
from backend.clock import local_today
from backend.tables import Action, Contact, Flag, MoodEntry

from .conftest import insight_body
from .test_api import assert_json_error

pytestmark = pytest.mark.asyncio

TOMORROW = (local_today() + timedelta(days=1)).isoformat()


async def count(app, model) -> int:
    async with db.session(app) as s:
        return await s.scalar(select(func.count(model.id)))


def contact_body(**overrides):
    body = {
        "key": "chat-1:network:1",
        "name": "Els Maes",
        "circle": "colleagues",
        "organisation": "Stad Gent",
        "help": "weet hoe het er bij de stad aan toe gaat",
        "sentence": "Els werkte vroeger met mij samen, nu bij de stad.",
    }
    body.update(overrides)
    return body


def action_body(**overrides):
    body = {
        "key": "chat-1:actions:1",
        "text": "Els bellen over vacatures bij de stad",
        "due_date": TOMORROW,
        "measure": "ik heb Els gesproken",
        "source_insight": "Els Maes",
    }
    body.update(overrides)
    return body


def mood_body(**overrides):
    body = {"key": "chat-1:mood:1", "mood": "bad", "sentence": "Ik ben moe van het zoeken."}
    body.update(overrides)
    return body


def flag_body(**overrides):
    body = {"key": "chat-1:flag:1", "kind": "stuck", "message": "Ik weet niet meer wat ik wil."}
    body.update(overrides)
    return body


WRITES = [
    ("contacts", contact_body, Contact, "contact_id"),
    ("actions", action_body, Action, "action_id"),
    ("mood", mood_body, MoodEntry, "mood_id"),
    ("flags", flag_body, Flag, "flag_id"),
]
WRITE_IDS = [w[0] for w in WRITES]


async def profile(client, auth, chat):
    return await (await client.get(f"/api/v1/chats/{chat}", headers=auth)).json()


# Idempotent writes: one test per behaviour, run for every resource.


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_is_created_once_per_key(client, auth, consented_chat, path, body, model, id_field):
    url = f"/api/v1/chats/{consented_chat}/{path}"
    first = await client.post(url, json=body(), headers=auth)
    assert first.status == 201
    created = await first.json()
    assert created == {id_field: created[id_field], "created": True}
    assert isinstance(created[id_field], int)

    # The action server's outbox retries: the same key gives the same row, not a second one.
    again = await client.post(url, json=body(), headers=auth)
    assert again.status == 200
    assert await again.json() == {id_field: created[id_field], "created": False}
    assert await count(client.app, model) == 1

    other = await client.post(url, json=body(key="chat-1:other"), headers=auth)
    assert other.status == 201
    assert await count(client.app, model) == 2


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_for_unknown_chat_is_404(client, auth, path, body, model, id_field):
    response = await client.post(f"/api/v1/chats/nobody/{path}", json=body(), headers=auth)
    await assert_json_error(response, 404, "client_not_found")


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_before_consent_is_403_and_not_stored(client, auth, chat, path, body, model, id_field):
    response = await client.post(f"/api/v1/chats/{chat}/{path}", json=body(), headers=auth)
    await assert_json_error(response, 403, "no_consent")
    assert await count(client.app, model) == 0
    assert (await profile(client, auth, chat))["last_activity_at"] is None


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_after_withdrawn_consent_is_403(client, auth, consented_chat, path, body, model, id_field):
    await client.put(f"/api/v1/chats/{consented_chat}/consent", json={"given": False, "version": "v1"}, headers=auth)
    response = await client.post(f"/api/v1/chats/{consented_chat}/{path}", json=body(), headers=auth)
    await assert_json_error(response, 403, "no_consent")


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_without_a_key_is_400(client, auth, consented_chat, path, body, model, id_field):
    data = body()
    del data["key"]
    response = await client.post(f"/api/v1/chats/{consented_chat}/{path}", json=data, headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count(client.app, model) == 0


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_with_a_non_object_body_is_400(client, auth, consented_chat, path, body, model, id_field):
    response = await client.post(f"/api/v1/chats/{consented_chat}/{path}", json=[body()], headers=auth)
    await assert_json_error(response, 400, "invalid_input")


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_counts_as_activity(client, auth, consented_chat, path, body, model, id_field):
    before = (await profile(client, auth, consented_chat))["last_activity_at"]
    await client.post(f"/api/v1/chats/{consented_chat}/{path}", json=body(), headers=auth)
    after = (await profile(client, auth, consented_chat))["last_activity_at"]
    assert after > before


@pytest.mark.parametrize("path, body, model, id_field", WRITES, ids=WRITE_IDS)
async def test_write_needs_the_service_token(client, consented_chat, path, body, model, id_field):
    response = await client.post(f"/api/v1/chats/{consented_chat}/{path}", json=body())
    await assert_json_error(response, 401, "unauthorized")


# Contacts


async def test_contact_is_stored_with_its_fields(client, auth, consented_chat, dossier):
    await client.post(f"/api/v1/chats/{consented_chat}/contacts", json=contact_body(), headers=auth)
    async with db.session(client.app) as s:
        contact = await s.scalar(select(Contact))
    assert (contact.name, contact.circle, contact.organisation) == ("Els Maes", "colleagues", "Stad Gent")
    assert contact.help == "weet hoe het er bij de stad aan toe gaat"
    assert contact.contacted is False


async def test_contact_with_only_name_and_sentence(client, auth, consented_chat):
    body = {"key": "k", "name": "Tante Rita", "circle": None, "sentence": ""}
    response = await client.post(f"/api/v1/chats/{consented_chat}/contacts", json=body, headers=auth)
    assert response.status == 201
    async with db.session(client.app) as s:
        contact = await s.scalar(select(Contact))
    assert (contact.circle, contact.organisation, contact.help) == (None, None, None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"name": "n" * 201},
        {"name": None},
        {"circle": "neighbours"},
        {"circle": 3},
        {"organisation": "o" * 201},
        {"organisation": 12},
        {"help": "h" * 1001},
        {"sentence": "s" * 5001},
        {"sentence": None},
        {"key": "k" * 121},
    ],
    ids=lambda o: next(iter(o)) + "=" + repr(next(iter(o.values())))[:12],
)
async def test_invalid_contact_is_400(client, auth, consented_chat, overrides):
    response = await client.post(f"/api/v1/chats/{consented_chat}/contacts", json=contact_body(**overrides), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count(client.app, Contact) == 0


# Actions


async def test_client_action_is_open_and_made_by_the_client(client, auth, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/actions"
    action_id = (await (await client.post(url, json=action_body(), headers=auth)).json())["action_id"]
    actions = (await (await client.get(url, headers=auth)).json())["actions"]
    assert actions == [
        {
            "id": action_id,
            "text": "Els bellen over vacatures bij de stad",
            "due_date": TOMORROW,
            "status": "open",
            "created_by": "client",
            "measure": "ik heb Els gesproken",
            "obstacle": None,
            "is_homework": False,
            "reminder_at": None,
        }
    ]


async def test_action_due_today_and_without_date_are_accepted(client, auth, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/actions"
    today = local_today().isoformat()
    assert (await client.post(url, json=action_body(key="1", due_date=today), headers=auth)).status == 201
    assert (await client.post(url, json=action_body(key="2", due_date=None, measure=None, source_insight=None), headers=auth)).status == 201


@pytest.mark.parametrize(
    "overrides",
    [
        {"text": ""},
        {"text": "t" * 1001},
        {"due_date": (local_today() - timedelta(days=1)).isoformat()},
        {"due_date": "2024-02-30"},
        {"due_date": "morgen"},
        {"due_date": "01/06/2030"},
        {"due_date": "2030-06-01T10:00:00"},
        {"due_date": 20300601},
        {"measure": "m" * 1001},
        {"source_insight": "s" * 201},
    ],
    ids=lambda o: next(iter(o)) + "=" + repr(next(iter(o.values())))[:14],
)
async def test_invalid_action_is_400(client, auth, consented_chat, overrides):
    response = await client.post(f"/api/v1/chats/{consented_chat}/actions", json=action_body(**overrides), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count(client.app, Action) == 0


async def test_past_due_date_says_so(client, auth, consented_chat):
    body = action_body(due_date="2020-01-01")
    response = await client.post(f"/api/v1/chats/{consented_chat}/actions", json=body, headers=auth)
    assert "past" in (await assert_json_error(response, 400, "invalid_input"))["message"]


async def test_action_list_filters_by_status(client, auth, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/actions"
    ids = []
    for key in ("1", "2", "3"):
        ids.append((await (await client.post(url, json=action_body(key=key, text=f"actie {key}"), headers=auth)).json())["action_id"])
    await client.patch(f"{url}/{ids[1]}", json={"status": "done"}, headers=auth)
    await client.patch(f"{url}/{ids[2]}", json={"status": "blocked", "obstacle": "geen tijd"}, headers=auth)

    def texts(body):
        return sorted(a["text"] for a in body["actions"])

    assert texts(await (await client.get(url, params={"status": "open"}, headers=auth)).json()) == ["actie 1"]
    assert texts(await (await client.get(url, params={"status": "done"}, headers=auth)).json()) == ["actie 2"]
    assert texts(await (await client.get(url, headers=auth)).json()) == ["actie 1", "actie 2", "actie 3"]
    response = await client.get(url, params={"status": "finished"}, headers=auth)
    await assert_json_error(response, 400, "invalid_input")


async def test_action_list_of_unknown_chat_is_404(client, auth):
    await assert_json_error(await client.get("/api/v1/chats/nobody/actions", headers=auth), 404, "client_not_found")


async def test_patch_changes_status_and_obstacle(client, auth, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/actions"
    action_id = (await (await client.post(url, json=action_body(), headers=auth)).json())["action_id"]

    blocked = await client.patch(f"{url}/{action_id}", json={"status": "blocked", "obstacle": "Els neemt niet op"}, headers=auth)
    assert blocked.status == 200
    body = await blocked.json()
    assert (body["id"], body["status"], body["obstacle"]) == (action_id, "blocked", "Els neemt niet op")

    # Only the status: the obstacle stays.
    body = await (await client.patch(f"{url}/{action_id}", json={"status": "open"}, headers=auth)).json()
    assert (body["status"], body["obstacle"]) == ("open", "Els neemt niet op")
    # null clears the obstacle; the same PATCH twice gives the same answer.
    for _ in range(2):
        response = await client.patch(f"{url}/{action_id}", json={"status": "done", "obstacle": None}, headers=auth)
        body = await response.json()
        assert (response.status, body["status"], body["obstacle"]) == (200, "done", None)


async def test_patch_of_another_clients_action_is_404_and_changes_nothing(client, auth, dossier, consented_chat):
    counsellor = await dossier.counsellor(email="bo@example.org")
    other = (await dossier.client(counsellor.id, "Els")).chat_id
    await client.put(f"/api/v1/chats/{other}/consent", json={"given": True, "version": "v1"}, headers=auth)
    theirs = (await (await client.post(f"/api/v1/chats/{other}/actions", json=action_body(), headers=auth)).json())["action_id"]

    response = await client.patch(f"/api/v1/chats/{consented_chat}/actions/{theirs}", json={"status": "done"}, headers=auth)
    await assert_json_error(response, 404, "action_not_found")
    actions = (await (await client.get(f"/api/v1/chats/{other}/actions", headers=auth)).json())["actions"]
    assert actions[0]["status"] == "open"


@pytest.mark.parametrize("action_id", ["999999", "0", "99999999999999999"])
async def test_patch_of_unknown_action_is_404(client, auth, consented_chat, action_id):
    response = await client.patch(f"/api/v1/chats/{consented_chat}/actions/{action_id}", json={"status": "done"}, headers=auth)
    await assert_json_error(response, 404, "action_not_found")


async def test_patch_with_a_non_number_id_is_404(client, auth, consented_chat):
    response = await client.patch(f"/api/v1/chats/{consented_chat}/actions/abc", json={"status": "done"}, headers=auth)
    await assert_json_error(response, 404, "not_found")


async def test_patch_for_unknown_chat_is_404(client, auth):
    response = await client.patch("/api/v1/chats/nobody/actions/1", json={"status": "done"}, headers=auth)
    await assert_json_error(response, 404, "client_not_found")


async def test_patch_before_consent_is_403(client, auth, chat):
    response = await client.patch(f"/api/v1/chats/{chat}/actions/1", json={"status": "done"}, headers=auth)
    await assert_json_error(response, 403, "no_consent")


@pytest.mark.parametrize(
    "body",
    [{}, {"status": "finished"}, {"status": None}, {"obstacle": "o" * 5001}, {"obstacle": 3}, []],
    ids=["empty", "unknown-status", "null-status", "long-obstacle", "number-obstacle", "array"],
)
async def test_invalid_patch_is_400_and_changes_nothing(client, auth, consented_chat, body):
    url = f"/api/v1/chats/{consented_chat}/actions"
    action_id = (await (await client.post(url, json=action_body(), headers=auth)).json())["action_id"]
    response = await client.patch(f"{url}/{action_id}", json=body, headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    actions = (await (await client.get(url, headers=auth)).json())["actions"]
    assert (actions[0]["status"], actions[0]["obstacle"]) == ("open", None)


# Mood and flags


@pytest.mark.parametrize(
    "overrides", [{"mood": "so-so"}, {"mood": None}, {"sentence": "s" * 5001}, {"key": ""}],
    ids=["unknown", "null", "long", "empty-key"],
)
async def test_invalid_mood_is_400(client, auth, consented_chat, overrides):
    response = await client.post(f"/api/v1/chats/{consented_chat}/mood", json=mood_body(**overrides), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count(client.app, MoodEntry) == 0


async def test_crisis_flag_is_stored_without_consent(client, auth, chat):
    body = flag_body(kind="crisis", message="ik wil er niet meer zijn")
    response = await client.post(f"/api/v1/chats/{chat}/flags", json=body, headers=auth)
    assert response.status == 201
    again = await client.post(f"/api/v1/chats/{chat}/flags", json=body, headers=auth)
    assert again.status == 200
    async with db.session(client.app) as s:
        flag = await s.scalar(select(Flag))
    assert (flag.kind, flag.message, flag.resolved_at) == ("crisis", "ik wil er niet meer zijn", None)
    assert await count(client.app, Flag) == 1


async def test_crisis_flag_after_refused_consent_is_still_stored(client, auth, chat):
    await client.put(f"/api/v1/chats/{chat}/consent", json={"given": False, "version": "v1"}, headers=auth)
    response = await client.post(f"/api/v1/chats/{chat}/flags", json=flag_body(kind="crisis"), headers=auth)
    assert response.status == 201


async def test_crisis_flag_keeps_a_message_with_control_characters(client, auth, chat):
    body = flag_body(kind="crisis", message="help\x00 mij\ud800")
    assert (await client.post(f"/api/v1/chats/{chat}/flags", json=body, headers=auth)).status == 201
    async with db.session(client.app) as s:
        assert await s.scalar(select(Flag.message)) == "help mij\ufffd"


@pytest.mark.parametrize(
    "overrides", [{"kind": "no_activity"}, {"kind": "sad"}, {"kind": None}, {"message": "m" * 5001}, {"message": None}],
    ids=["no-activity-is-the-backends", "unknown", "null", "long", "null-message"],
)
async def test_invalid_flag_is_400(client, auth, consented_chat, overrides):
    response = await client.post(f"/api/v1/chats/{consented_chat}/flags", json=flag_body(**overrides), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count(client.app, Flag) == 0


async def test_crisis_insight_also_raises_one_crisis_flag(client, auth, chat):
    # Written by the bot through the insights endpoint, before consent: kept, and flagged once.
    body = insight_body(key="crisis-1", category="crisis", value="crisissignaal", sentence="ik zie het niet meer zitten")
    for expected in (201, 200, 200):
        response = await client.post(f"/api/v1/chats/{chat}/insights", json=body, headers=auth)
        assert response.status == expected
    async with db.session(client.app) as s:
        flags = list(await s.scalars(select(Flag)))
    assert [(f.kind, f.message) for f in flags] == [("crisis", "ik zie het niet meer zitten")]


async def test_other_insights_raise_no_flag(client, auth, consented_chat):
    await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(), headers=auth)
    assert await count(client.app, Flag) == 0


# Topic and address


async def test_topic_is_remembered_for_the_summary(client, auth, consented_chat):
    response = await client.put(f"/api/v1/chats/{consented_chat}/topic", json={"topic": "network"}, headers=auth)
    assert response.status == 204
    assert await response.read() == b""
    summary = await (await client.get(f"/api/v1/chats/{consented_chat}/summary", headers=auth)).json()
    assert summary["last_topic"] == "network"


@pytest.mark.parametrize("body", [{"topic": "hobbies"}, {"topic": None}, {}, ["network"]], ids=["unknown", "null", "missing", "array"])
async def test_invalid_topic_is_400(client, auth, consented_chat, body):
    response = await client.put(f"/api/v1/chats/{consented_chat}/topic", json=body, headers=auth)
    await assert_json_error(response, 400, "invalid_input")


async def test_topic_before_consent_is_403_and_unknown_chat_404(client, auth, chat):
    await assert_json_error(await client.put(f"/api/v1/chats/{chat}/topic", json={"topic": "motives"}, headers=auth), 403, "no_consent")
    await assert_json_error(await client.put("/api/v1/chats/nobody/topic", json={"topic": "motives"}, headers=auth), 404, "client_not_found")


async def test_address_is_stored_and_returned_as_the_profile(client, auth, chat):
    # Allowed before consent: the bot may be asked for "u" before the consent question.
    response = await client.put(f"/api/v1/chats/{chat}/address", json={"formal": True}, headers=auth)
    assert response.status == 200
    body = await response.json()
    assert body["formal"] is True and body["name"] == "Jan Janssens"
    assert (await profile(client, auth, chat))["formal"] is True
    body = await (await client.put(f"/api/v1/chats/{chat}/address", json={"formal": False}, headers=auth)).json()
    assert body["formal"] is False


@pytest.mark.parametrize("body", [{"formal": "ja"}, {"formal": None}, {}, [True]], ids=["string", "null", "missing", "array"])
async def test_invalid_address_is_400(client, auth, chat, body):
    await assert_json_error(await client.put(f"/api/v1/chats/{chat}/address", json=body, headers=auth), 400, "invalid_input")


async def test_address_for_unknown_chat_is_404(client, auth):
    await assert_json_error(await client.put("/api/v1/chats/nobody/address", json={"formal": True}, headers=auth), 404, "client_not_found")


# Summary


async def test_summary_of_a_new_client_is_empty(client, auth, chat):
    response = await client.get(f"/api/v1/chats/{chat}/summary", headers=auth)
    assert response.status == 200
    assert await response.json() == {
        "last_topic": None,
        "last_activity_at": None,
        "insights": {"quality": [], "motive": [], "labour_market": [], "network": []},
        "open_actions": [],
        "formal": False,
    }


async def test_summary_has_what_the_bot_refers_back_to(client, auth, consented_chat):
    chat = consented_chat
    insights = f"/api/v1/chats/{chat}/insights"
    for key, category, value, status in [
        ("1", "quality", "geduldig", "confirmed"),
        ("2", "quality", "nauwkeurig", "confirmed"),
        ("3", "quality", "geduldig", "confirmed"),  # said twice: listed once
        ("4", "quality", "twijfel", "proposed"),
        ("5", "motive", "autonomie", "confirmed"),
        ("6", "labour_market", "logistiek medewerker", "confirmed"),
        ("7", "mood", "moe", "confirmed"),
    ]:
        await client.post(insights, json=insight_body(key=key, category=category, value=value, status=status), headers=auth)
    actions = f"/api/v1/chats/{chat}/actions"
    done = (await (await client.post(actions, json=action_body(key="a1", text="cv aanpassen"), headers=auth)).json())["action_id"]
    await client.post(actions, json=action_body(key="a2", text="Els bellen"), headers=auth)
    await client.patch(f"{actions}/{done}", json={"status": "done"}, headers=auth)
    await client.put(f"/api/v1/chats/{chat}/topic", json={"topic": "labour_market"}, headers=auth)
    await client.put(f"/api/v1/chats/{chat}/address", json={"formal": True}, headers=auth)

    summary = await (await client.get(f"/api/v1/chats/{chat}/summary", headers=auth)).json()
    assert summary["last_topic"] == "labour_market"
    assert summary["formal"] is True
    assert summary["last_activity_at"]
    assert summary["insights"] == {
        "quality": ["geduldig", "nauwkeurig"],
        "motive": ["autonomie"],
        "labour_market": ["logistiek medewerker"],
        "network": [],
    }
    assert [a["text"] for a in summary["open_actions"]] == ["Els bellen"]
    assert set(summary["open_actions"][0]) >= {"id", "text", "due_date", "status", "created_by", "measure", "obstacle", "is_homework"}


async def test_summary_of_unknown_chat_is_404(client, auth):
    await assert_json_error(await client.get("/api/v1/chats/nobody/summary", headers=auth), 404, "client_not_found")


async def test_summary_is_readable_before_consent(client, auth, chat):
    # Reading what is stored is not a write; before consent it is simply empty.
    assert (await client.get(f"/api/v1/chats/{chat}/summary", headers=auth)).status == 200


async def test_new_routes_need_the_service_token(client, consented_chat):
    for method, path in [
        ("GET", "summary"), ("PUT", "topic"), ("PUT", "address"), ("GET", "actions"), ("PATCH", "actions/1"),
    ]:
        response = await client.request(method, f"/api/v1/chats/{consented_chat}/{path}", json={})
        await assert_json_error(response, 401, "unauthorized")


# Marking a contact as approached (an addition to the table in docs/architecture.md)


async def test_contact_can_be_marked_as_contacted(client, auth, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/contacts"
    contact_id = (await (await client.post(url, json=contact_body(), headers=auth)).json())["contact_id"]
    response = await client.patch(f"{url}/{contact_id}", json={"contacted": True}, headers=auth)
    assert response.status == 200
    body = await response.json()
    assert (body["id"], body["name"], body["contacted"]) == (contact_id, "Els Maes", True)
    async with db.session(client.app) as s:
        assert await s.scalar(select(Contact.contacted)) is True


async def test_contact_patch_errors(client, auth, dossier, consented_chat):
    url = f"/api/v1/chats/{consented_chat}/contacts"
    contact_id = (await (await client.post(url, json=contact_body(), headers=auth)).json())["contact_id"]
    await assert_json_error(await client.patch(f"{url}/{contact_id}", json={"contacted": "ja"}, headers=auth), 400, "invalid_input")
    await assert_json_error(await client.patch(f"{url}/999999", json={"contacted": True}, headers=auth), 404, "contact_not_found")
    await assert_json_error(await client.patch(f"/api/v1/chats/nobody/contacts/{contact_id}", json={"contacted": True}, headers=auth), 404, "client_not_found")
    # Another client cannot reach it: without consent 403, with consent 404.
    counsellor = await dossier.counsellor(email="bo@example.org")
    other = (await dossier.client(counsellor.id, "Els")).chat_id
    await assert_json_error(await client.patch(f"/api/v1/chats/{other}/contacts/{contact_id}", json={"contacted": True}, headers=auth), 403, "no_consent")
    await client.put(f"/api/v1/chats/{other}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await assert_json_error(await client.patch(f"/api/v1/chats/{other}/contacts/{contact_id}", json={"contacted": True}, headers=auth), 404, "contact_not_found")
    async with db.session(client.app) as s:
        assert await s.scalar(select(Contact.contacted)) is False


async def test_an_action_delivered_late_keeps_the_due_date_it_was_given(client, auth, consented_chat):
    # Said a week ago with a due date three days ago: it waited in the outbox, it is not wrong.
    said = (datetime.now(timezone.utc) - timedelta(days=7)).isoformat()
    due = (local_today() - timedelta(days=3)).isoformat()
    url = f"/api/v1/chats/{consented_chat}/actions"
    response = await client.post(url, json=action_body(due_date=due, said_at=said), headers=auth)
    assert response.status == 201
    # Before the day it was said, it is a mistake all the same.
    before = (local_today() - timedelta(days=8)).isoformat()
    response = await client.post(url, json=action_body(key="k2", due_date=before, said_at=said), headers=auth)
    assert "past" in (await assert_json_error(response, 400, "invalid_input"))["message"]
    # A said_at in the future does not move 'today' forward.
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    response = await client.post(url, json=action_body(key="k3", due_date=due, said_at=future), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    await assert_json_error(await client.post(url, json=action_body(key="k4", said_at="gisteren"), headers=auth), 400, "invalid_input")
