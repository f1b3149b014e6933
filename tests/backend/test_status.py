"""/status and /api/v1/status: versions and whether Rasa answers, with no login and no personal data."""
from __future__ import annotations

import dataclasses

import pytest
from aiohttp import web
from alembic.script import ScriptDirectory

from backend import db
from backend.app import create_app
from tests.backend.test_migrations import HEAD

pytestmark = pytest.mark.asyncio

# The newest migration, whichever part of the product added it.
HEAD = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()


async def fake_rasa(aiohttp_server, answer, token=None):
    """Rasa's /model/parse; with `token`, as Rasa run with --auth-token: 401 without ?token=."""
    seen = []

    async def parse(request):
        if token is not None and request.query.get("token") != token:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        seen.append(await request.json())
        return web.json_response(answer)

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/"), seen


async def test_status_when_rasa_is_down(client, config):
    response = await client.get("/api/v1/status")
    assert response.status == 200
    status = await response.json()
    assert status["database"] == {"dialect": config.dialect, "reachable": True, "revision": HEAD}
    assert status["rasa"] == {"reachable": False}
    assert status["spacy_pipeline"] == "onbekend"
    assert status["version"]


async def test_status_names_the_spacy_pipeline_of_the_loaded_model(aiohttp_client, aiohttp_server, config):
    rasa_url, seen = await fake_rasa(
        aiohttp_server, {"text": "hallo", "intent": {"name": "greet"}, "spacy_pipeline": "nl_core_news_sm"}
    )
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))

    status = await (await client.get("/api/v1/status")).json()
    assert status["rasa"] == {"reachable": True}
    assert status["spacy_pipeline"] == "nl_core_news_sm"
    assert seen == [{"text": "hallo"}]

    page = await client.get("/status")
    assert page.status == 200
    html = await page.text()
    assert "nl_core_news_sm" in html and "antwoordt" in html
    assert "Set-Cookie" not in page.headers


async def test_status_sends_rasa_token_to_rasas_api(aiohttp_client, aiohttp_server, config, monkeypatch):
    monkeypatch.setenv("RASA_TOKEN", "rasa-api-token")
    rasa_url, seen = await fake_rasa(aiohttp_server, {"text": "hallo", "spacy_pipeline": "nl_core_news_sm"}, token="rasa-api-token")
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))
    status = await (await client.get("/api/v1/status")).json()
    assert status["spacy_pipeline"] == "nl_core_news_sm" and seen == [{"text": "hallo"}]


async def test_rasa_without_the_pipeline_key_is_onbekend(aiohttp_client, aiohttp_server, config):
    rasa_url, _ = await fake_rasa(aiohttp_server, {"text": "hallo"})
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))
    status = await (await client.get("/api/v1/status")).json()
    assert status["rasa"] == {"reachable": True}
    assert status["spacy_pipeline"] == "onbekend"


async def test_status_page_is_public_and_in_dutch(client, dossier):
    counsellor = await dossier.counsellor()
    await dossier.client(counsellor.id, "Jan Janssens")
    response = await client.get("/status")
    assert response.status == 200
    html = await response.text()
    assert "onbekend" in html and "antwoordt niet" in html
    assert HEAD in html
    assert "Jan Janssens" not in html and "an@example.org" not in html
