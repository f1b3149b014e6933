"""The one call the backend makes to Rasa's HTTP API: trigger_intent with the homework, against
a small HTTP server that answers as Rasa would."""
from __future__ import annotations

from datetime import date

import aiohttp
from aiohttp import web

from backend.rasa.trigger import DELIVERED, REFUSED, UNREACHABLE, Homework, RasaTrigger


async def test_the_trigger_carries_the_homework_as_entities(aiohttp_server):
    seen = []

    async def trigger_intent(request: web.Request) -> web.Response:
        seen.append((request.match_info["chat_id"], dict(request.query), await request.json()))
        return web.json_response({"tracker": {}})

    app = web.Application()
    app.router.add_post("/conversations/{chat_id}/trigger_intent", trigger_intent)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as http:
        trigger = RasaTrigger(http, str(server.make_url("/")), token="rasa-token")
        homework = Homework(action_id=7, text="Drie vacatures zoeken", due_date=date(2026, 12, 11))
        assert await trigger("chat/1", "telegram", homework) == DELIVERED
    [(chat_id, query, body)] = seen
    assert chat_id == "chat/1"
    assert query == {"output_channel": "telegram", "include_events": "NONE", "token": "rasa-token"}
    assert body == {
        "name": "EXTERNAL_homework_reminder",
        "entities": {"homework": "Drie vacatures zoeken", "homework_action_id": 7, "homework_due_date": "2026-12-11"},
    }


async def test_a_rasa_without_the_intent_refused_and_no_rasa_is_unreachable(aiohttp_server, unused_tcp_port):
    async def no_model(request: web.Request) -> web.Response:
        return web.json_response({"error": "no model"}, status=409)

    app = web.Application()
    app.router.add_post("/conversations/{chat_id}/trigger_intent", no_model)
    server = await aiohttp_server(app)
    homework = Homework(action_id=7, text="cv", due_date=None)
    async with aiohttp.ClientSession() as http:
        assert await RasaTrigger(http, str(server.make_url("/")))("c", "telegram", homework) == REFUSED
        assert await RasaTrigger(http, f"http://127.0.0.1:{unused_tcp_port}")("c", "telegram", homework) == UNREACHABLE
