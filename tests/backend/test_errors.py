"""The unexpected becomes a logged 500 (JSON for the API, a Dutch page elsewhere); races stay idempotent."""
from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from backend import db
from backend.tables import Insight

from .conftest import insight_body

pytestmark = pytest.mark.asyncio


@pytest.fixture
def app(app):
    async def boom(request):
        raise RuntimeError("database exploded for Jan Janssens")

    app.router.add_get("/api/v1/boom", boom)
    app.router.add_get("/boom", boom)
    return app


async def test_unexpected_error_in_the_api_is_a_logged_500_json(client, auth, caplog):
    with caplog.at_level(logging.ERROR, logger="backend.web.middleware"):
        response = await client.get("/api/v1/boom", headers=auth)
    assert response.status == 500
    body = await response.json()
    assert body["error"] == "internal_error"
    assert "Jan" not in body["message"]
    assert any(r.exc_info and "/api/v1/boom" in r.getMessage() for r in caplog.records)


async def test_unexpected_error_on_a_page_is_a_dutch_500_page(client, caplog):
    with caplog.at_level(logging.ERROR, logger="backend.web.middleware"):
        response = await client.get("/boom")
    assert response.status == 500
    html = await response.text()
    assert "Er ging iets mis" in html
    assert "Jan" not in html and "Traceback" not in html
    assert any(r.exc_info for r in caplog.records)


async def test_concurrent_retries_of_one_insight_make_one_row(client, auth, consented_chat):
    path = f"/api/v1/chats/{consented_chat}/insights"
    responses = await asyncio.gather(*(client.post(path, json=insight_body(), headers=auth) for _ in range(6)))
    statuses = sorted(r.status for r in responses)
    assert statuses == [200, 200, 200, 200, 200, 201]
    ids = {(await r.json())["insight_id"] for r in responses}
    assert len(ids) == 1
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Insight.id))) == 1


async def test_a_lost_insert_race_answers_with_the_existing_insight(client, auth, consented_chat, monkeypatch):
    from backend.dossier import store

    path = f"/api/v1/chats/{consented_chat}/insights"
    first = await (await client.post(path, json=insight_body(), headers=auth)).json()

    real = store._insight_id_by_key
    calls = []

    async def blind_first_look(s, client_id, key):
        # The other writer commits between our look-up and our insert.
        calls.append(key)
        return None if len(calls) == 1 else await real(s, client_id, key)

    monkeypatch.setattr(store, "_insight_id_by_key", blind_first_look)
    response = await client.post(path, json=insight_body(), headers=auth)
    assert response.status == 200
    assert await response.json() == {"insight_id": first["insight_id"], "created": False}
    assert len(calls) == 2
