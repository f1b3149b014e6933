"""The JSON API that the action server uses (docs/architecture.md)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from backend import db
from backend.tables import Insight

from .conftest import insight_body

pytestmark = pytest.mark.asyncio


async def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status == status
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


async def count_insights(app) -> int:
    async with db.session(app) as s:
        return await s.scalar(select(func.count(Insight.id)))


async def test_health_needs_no_token(client):
    response = await client.get("/api/v1/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic dGVzdC1zZXJ2aWNlLXRva2Vu"},
        {"Authorization": "test-service-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer test-service-tokenX"},
    ],
    ids=["missing", "wrong", "basic", "no-scheme", "empty", "longer"],
)
async def test_api_without_the_right_token_is_401_json(client, chat, headers):
    for method, path in [
        ("GET", f"/api/v1/chats/{chat}"),
        ("PUT", f"/api/v1/chats/{chat}/consent"),
        ("POST", f"/api/v1/chats/{chat}/insights"),
        ("GET", f"/api/v1/chats/{chat}/insights"),
    ]:
        response = await client.request(method, path, headers=headers, json={"given": True, "version": "v1"})
        await assert_json_error(response, 401, "unauthorized")


async def test_token_with_non_ascii_bytes_is_401_not_500(client, chat):
    response = await client.get(f"/api/v1/chats/{chat}", headers={"Authorization": "Bearer tëst\udcff".encode("utf-8", "surrogateescape").decode("latin-1")})
    await assert_json_error(response, 401, "unauthorized")


async def test_profile_of_unknown_chat_is_404(client, auth):
    response = await client.get("/api/v1/chats/no-such-chat", headers=auth)
    await assert_json_error(response, 404, "client_not_found")


@pytest.mark.parametrize("chat_id", ["%00abc", "x" * 300, "%ED%A0%80", "%0A"])
async def test_strange_chat_ids_are_404_not_500(client, auth, chat_id):
    response = await client.get(f"/api/v1/chats/{chat_id}", headers=auth)
    await assert_json_error(response, 404, "client_not_found")


async def test_profile_of_a_new_client(client, auth, chat):
    response = await client.get(f"/api/v1/chats/{chat}", headers=auth)
    assert response.status == 200
    profile = await response.json()
    assert profile == {
        "client_id": profile["client_id"],
        "name": "Jan Janssens",
        "consent": {"given": None, "at": None, "version": None, "withdrawn_at": None},
        "withdrawal": None,
        "formal": False,
        "last_activity_at": None,
        "trajectory_ended_at": None,
    }
    assert isinstance(profile["client_id"], int)


async def test_consent_is_stored_and_returned_in_the_profile(client, auth, chat):
    response = await client.put(f"/api/v1/chats/{chat}/consent", json={"given": True, "version": "2024-05"}, headers=auth)
    assert response.status == 200
    profile = await response.json()
    assert profile["consent"]["given"] is True
    assert profile["consent"]["version"] == "2024-05"
    given_at = datetime.fromisoformat(profile["consent"]["at"])
    assert given_at.utcoffset().total_seconds() == 0
    assert profile["last_activity_at"] is not None

    again = await (await client.get(f"/api/v1/chats/{chat}", headers=auth)).json()
    assert again["consent"] == profile["consent"]

    withdrawn = await client.put(f"/api/v1/chats/{chat}/consent", json={"given": False, "version": "2024-05"}, headers=auth)
    assert (await withdrawn.json())["consent"]["given"] is False


async def test_consent_for_unknown_chat_is_404(client, auth):
    response = await client.put("/api/v1/chats/nobody/consent", json={"given": True, "version": "v1"}, headers=auth)
    await assert_json_error(response, 404, "client_not_found")


@pytest.mark.parametrize(
    "body",
    [{"given": "yes", "version": "v1"}, {"given": 1, "version": "v1"}, {"given": True}, {"given": True, "version": ""}, {"given": True, "version": "v" * 51}, [True]],
    ids=["string", "int", "no-version", "empty-version", "long-version", "array"],
)
async def test_bad_consent_body_is_400(client, auth, chat, body):
    response = await client.put(f"/api/v1/chats/{chat}/consent", json=body, headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    profile = await (await client.get(f"/api/v1/chats/{chat}", headers=auth)).json()
    assert profile["consent"]["given"] is None


async def test_insight_before_consent_is_403_and_not_stored(client, auth, chat):
    response = await client.post(f"/api/v1/chats/{chat}/insights", json=insight_body(), headers=auth)
    await assert_json_error(response, 403, "no_consent")
    assert await count_insights(client.app) == 0


async def test_insight_after_refused_consent_is_403(client, auth, chat):
    await client.put(f"/api/v1/chats/{chat}/consent", json={"given": False, "version": "v1"}, headers=auth)
    response = await client.post(f"/api/v1/chats/{chat}/insights", json=insight_body(), headers=auth)
    await assert_json_error(response, 403, "no_consent")


async def test_crisis_signal_is_kept_even_without_consent(client, auth, chat):
    body = {**insight_body(), "category": "crisis", "value": "crisissignaal", "sentence": "ik wil er niet meer zijn"}
    response = await client.post(f"/api/v1/chats/{chat}/insights", json=body, headers=auth)
    assert response.status == 201
    assert await count_insights(client.app) == 1


async def test_insight_for_unknown_chat_is_404(client, auth):
    response = await client.post("/api/v1/chats/nobody/insights", json=insight_body(), headers=auth)
    await assert_json_error(response, 404, "client_not_found")


async def test_insight_is_created_once_per_key(client, auth, consented_chat):
    path = f"/api/v1/chats/{consented_chat}/insights"
    first = await client.post(path, json=insight_body(), headers=auth)
    assert first.status == 201
    created = await first.json()
    assert created["created"] is True and isinstance(created["insight_id"], int)

    # A retry (e.g. from the action server's outbox) must not make a second row.
    second = await client.post(path, json=insight_body(value="anders"), headers=auth)
    assert second.status == 200
    assert await second.json() == {"insight_id": created["insight_id"], "created": False}
    assert await count_insights(client.app) == 1

    other = await client.post(path, json=insight_body(key="chat-1:qualities:2"), headers=auth)
    assert other.status == 201
    assert (await other.json())["insight_id"] != created["insight_id"]
    assert await count_insights(client.app) == 2


async def test_same_key_for_two_clients_makes_two_insights(client, auth, dossier, consented_chat):
    counsellor = await dossier.counsellor(email="bo@example.org")
    other_chat = (await dossier.client(counsellor.id, "Els")).chat_id
    await client.put(f"/api/v1/chats/{other_chat}/consent", json={"given": True, "version": "v1"}, headers=auth)
    for chat in (consented_chat, other_chat):
        response = await client.post(f"/api/v1/chats/{chat}/insights", json=insight_body(), headers=auth)
        assert response.status == 201


async def test_writing_an_insight_updates_last_activity(client, auth, consented_chat):
    before = (await (await client.get(f"/api/v1/chats/{consented_chat}", headers=auth)).json())["last_activity_at"]
    await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(), headers=auth)
    after = (await (await client.get(f"/api/v1/chats/{consented_chat}", headers=auth)).json())["last_activity_at"]
    assert datetime.fromisoformat(after) > datetime.fromisoformat(before)


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "hobby"},
        {"category": None},
        {"status": "maybe"},
        {"key": ""},
        {"key": "k" * 121},
        {"key": 12},
        {"value": ""},
        {"value": "v" * 201},
        {"value": ["geduldig"]},
        {"sentence": "s" * 5001},
        {"sentence": None},
        {"said_at": "gisteren"},
        {"said_at": 1714557600},
        {"value": "nul\x00byte"},
        {"value": "half \ud800 surrogate"},
        {"key": "line\nbreak"},
    ],
    ids=lambda o: next(iter(o)) + "=" + repr(next(iter(o.values())))[:20],
)
async def test_invalid_insight_is_400_json_and_not_stored(client, auth, consented_chat, overrides):
    response = await client.post(f"/api/v1/chats/{consented_chat}/insights", json=insight_body(**overrides), headers=auth)
    await assert_json_error(response, 400, "invalid_input")
    assert await count_insights(client.app) == 0


@pytest.mark.parametrize("missing", ["key", "category", "value", "sentence", "status"])
async def test_insight_without_a_required_field_is_400(client, auth, consented_chat, missing):
    body = insight_body()
    del body[missing]
    response = await client.post(f"/api/v1/chats/{consented_chat}/insights", json=body, headers=auth)
    await assert_json_error(response, 400, "invalid_input")


async def test_control_characters_in_the_clients_words_are_cleaned_not_refused(client, auth, consented_chat):
    # A crisis message with a stray NUL must still reach the counsellor.
    path = f"/api/v1/chats/{consented_chat}/insights"
    body = insight_body(category="crisis", value="crisissignaal", sentence="ik\x00 kan\x07 niet meer\nhelp \ud800")
    response = await client.post(path, json=body, headers=auth)
    assert response.status == 201
    insights = (await (await client.get(path, headers=auth)).json())["insights"]
    assert insights[0]["sentence"] == "ik kan niet meer\nhelp \ufffd"


async def test_longest_valid_insight_is_accepted(client, auth, consented_chat):
    body = insight_body(value="é" * 200, sentence="😀" * 5000, said_at=None)
    response = await client.post(f"/api/v1/chats/{consented_chat}/insights", json=body, headers=auth)
    assert response.status == 201


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b'{"key": "a",', b"\xff\xfe\x00", b"[" * 100_000, b"1" * 5000],
    ids=["broken", "empty", "truncated", "not-utf8", "deep", "huge-int"],
)
async def test_malformed_json_is_400_json(client, auth, consented_chat, raw):
    response = await client.post(
        f"/api/v1/chats/{consented_chat}/insights", data=raw, headers={**auth, "Content-Type": "application/json"}
    )
    await assert_json_error(response, 400, "invalid_input")


@pytest.mark.parametrize("body", [[], "text", 42, None, True], ids=["array", "string", "number", "null", "bool"])
async def test_json_that_is_not_an_object_is_400(client, auth, consented_chat, body):
    response = await client.post(
        f"/api/v1/chats/{consented_chat}/insights", data=json.dumps(body), headers={**auth, "Content-Type": "application/json"}
    )
    await assert_json_error(response, 400, "invalid_input")


async def test_oversize_body_is_413_json(client, auth, consented_chat):
    body = insight_body(sentence="x" * 300_000)
    response = await client.post(f"/api/v1/chats/{consented_chat}/insights", json=body, headers=auth)
    await assert_json_error(response, 413, "payload_too_large")
    assert await count_insights(client.app) == 0


async def test_said_at_accepts_z_and_is_returned_in_utc(client, auth, consented_chat):
    path = f"/api/v1/chats/{consented_chat}/insights"
    await client.post(path, json=insight_body(said_at="2024-05-01T12:00:00+02:00"), headers=auth)
    await client.post(path, json=insight_body(key="k2", said_at="2024-05-02T08:30:00Z"), headers=auth)
    insights = (await (await client.get(path, headers=auth)).json())["insights"]
    said = sorted(datetime.fromisoformat(i["said_at"]) for i in insights)
    assert [d.isoformat() for d in said] == ["2024-05-01T10:00:00+00:00", "2024-05-02T08:30:00+00:00"]


async def test_list_has_confirmed_insights_only_newest_first(client, auth, consented_chat):
    path = f"/api/v1/chats/{consented_chat}/insights"
    await client.post(path, json=insight_body(key="1", value="geduldig"), headers=auth)
    await client.post(path, json=insight_body(key="2", value="twijfel", status="proposed"), headers=auth)
    await client.post(path, json=insight_body(key="3", value="weg", status="dropped"), headers=auth)
    await client.post(path, json=insight_body(key="4", category="motive", value="autonomie"), headers=auth)
    await client.post(path, json=insight_body(key="5", value="nauwkeurig"), headers=auth)

    response = await client.get(path, headers=auth)
    assert response.status == 200
    insights = (await response.json())["insights"]
    assert [i["value"] for i in insights] == ["nauwkeurig", "autonomie", "geduldig"]
    assert set(insights[0]) == {"id", "category", "value", "sentence", "status", "said_at", "created_at"}
    assert all(i["status"] == "confirmed" for i in insights)
    assert insights[2]["sentence"] == "Ik heb de boze klant rustig geholpen."

    qualities = (await (await client.get(path, params={"category": "quality"}, headers=auth)).json())["insights"]
    assert [i["value"] for i in qualities] == ["nauwkeurig", "geduldig"]


async def test_list_with_unknown_category_is_400(client, auth, consented_chat):
    response = await client.get(f"/api/v1/chats/{consented_chat}/insights", params={"category": "hobby"}, headers=auth)
    await assert_json_error(response, 400, "invalid_input")


async def test_list_for_unknown_chat_is_404(client, auth):
    response = await client.get("/api/v1/chats/nobody/insights", headers=auth)
    await assert_json_error(response, 404, "client_not_found")


async def test_unknown_api_path_and_method_are_json(client, auth, chat):
    await assert_json_error(await client.get("/api/v1/nothing-here", headers=auth), 404, "not_found")
    await assert_json_error(await client.delete(f"/api/v1/chats/{chat}", headers=auth), 405, "method_not_allowed")
