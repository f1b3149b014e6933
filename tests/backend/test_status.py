"""/status and /api/v1/status: whether the parts answer for anyone; versions, the migration and
the model's pipeline only with the service token or a counsellor's login; never personal data."""
from __future__ import annotations

import dataclasses

import pytest
from aiohttp import web
from alembic.script import ScriptDirectory

from backend import db
from backend.app import create_app

from .conftest import login
from .fixtures import SERVICE_TOKEN

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

    async def hello(request):
        return web.Response(text="Hello from Rasa: 3.6.21")

    app = web.Application()
    app.router.add_post("/model/parse", parse)
    app.router.add_get("/", hello)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/"), seen


async def test_status_when_rasa_is_down(client, config, auth):
    response = await client.get("/api/v1/status", headers=auth)
    assert response.status == 200
    status = await response.json()
    assert status["database"] == {"dialect": config.dialect, "reachable": True, "revision": HEAD}
    assert status["rasa"] == {"reachable": False}
    assert status["spacy_pipeline"] == "onbekend"
    assert status["version"]


async def test_status_names_the_spacy_pipeline_of_the_loaded_model(aiohttp_client, aiohttp_server, config, auth, dossier):
    rasa_url, seen = await fake_rasa(
        aiohttp_server, {"text": "hallo", "intent": {"name": "greet"}, "spacy_pipeline": "nl_core_news_sm"}
    )
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))

    status = await (await client.get("/api/v1/status", headers=auth)).json()
    assert status["rasa"] == {"reachable": True}
    assert status["spacy_pipeline"] == "nl_core_news_sm"
    assert seen == [{"text": "hallo"}]

    # Without the token or a login: only whether the parts answer, and no model parse.
    public = await (await client.get("/api/v1/status")).json()
    assert public == {"database": {"reachable": True}, "rasa": {"reachable": True}}
    page = await client.get("/status")
    assert page.status == 200
    html = await page.text()
    assert "antwoordt" in html and "nl_core_news_sm" not in html and HEAD not in html
    assert "Set-Cookie" not in page.headers
    assert seen == [{"text": "hallo"}]

    await dossier.counsellor()
    await login(client)
    html = await (await client.get("/status")).text()
    assert "nl_core_news_sm" in html and HEAD in html


async def test_status_sends_rasa_token_to_rasas_api(aiohttp_client, aiohttp_server, config, monkeypatch):
    monkeypatch.setenv("RASA_TOKEN", "rasa-api-token")
    rasa_url, seen = await fake_rasa(aiohttp_server, {"text": "hallo", "spacy_pipeline": "nl_core_news_sm"}, token="rasa-api-token")
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))
    status = await (await client.get("/api/v1/status", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})).json()
    assert status["spacy_pipeline"] == "nl_core_news_sm" and seen == [{"text": "hallo"}]


async def test_rasa_without_the_pipeline_key_is_onbekend(aiohttp_client, aiohttp_server, config, auth):
    rasa_url, _ = await fake_rasa(aiohttp_server, {"text": "hallo"})
    client = await aiohttp_client(create_app(dataclasses.replace(config, rasa_url=rasa_url)))
    status = await (await client.get("/api/v1/status", headers=auth)).json()
    assert status["rasa"] == {"reachable": True}
    assert status["spacy_pipeline"] == "onbekend"


async def test_status_page_is_public_and_in_dutch(client, dossier):
    counsellor = await dossier.counsellor()
    await dossier.client(counsellor.id, "Jan Janssens")
    response = await client.get("/status")
    assert response.status == 200
    html = await response.text()
    assert "antwoordt niet" in html and "aanmelden" in html
    assert HEAD not in html, "no versions for strangers"
    await login(client)
    html = await (await client.get("/status")).text()
    assert "onbekend" in html and "antwoordt niet" in html and HEAD in html
    assert 'class="logout"' in html, "signed in, the page has the dashboard's menu with logout"
    assert "Jan Janssens" not in html and "an@example.org" not in html
