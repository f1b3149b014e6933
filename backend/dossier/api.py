"""The JSON API for the action server (docs/architecture.md)."""
from __future__ import annotations

from aiohttp import web

from backend import db
from backend.config import CONFIG
from backend.dossier import accounts, client_edits, inputs, reading, serializers, store
from backend.tables import Client
from backend.web.json_api import read_json


def _profile(request: web.Request, client: Client) -> web.Response:
    return web.json_response(serializers.profile(client, request.app[CONFIG].consent_withdrawal_grace_days))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def get_profile(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        client = await accounts.client_by_chat_id(s, request.match_info["chat_id"])
        return _profile(request, client)


async def put_consent(request: web.Request) -> web.Response:
    consent = inputs.consent_input(await read_json(request))
    async with db.session(request.app) as s:
        client = await store.set_consent(s, request.match_info["chat_id"], consent)
        if consent.share_transcript is not None:
            client = await client_edits.set_transcript_sharing(s, client.id, consent.share_transcript)
        return _profile(request, client)


async def post_insight(request: web.Request) -> web.Response:
    data = inputs.insight_input(await read_json(request))
    async with db.session(request.app) as s:
        insight_id, created = await store.add_insight(s, request.match_info["chat_id"], data)
    return web.json_response(
        {"insight_id": insight_id, "created": created}, status=201 if created else 200
    )


async def list_insights(request: web.Request) -> web.Response:
    category = inputs.category_filter(request.query.get("category"))
    async with db.session(request.app) as s:
        client = await accounts.client_by_chat_id(s, request.match_info["chat_id"])
        insights = await store.confirmed_insights(s, client.id, category)
        return web.json_response({"insights": [serializers.insight(i) for i in insights]})


def _written(id_field: str, row_id: int, created: bool) -> web.Response:
    return web.json_response({id_field: row_id, "created": created}, status=201 if created else 200)


def _chat_id(request: web.Request) -> str:
    return request.match_info["chat_id"]


async def get_summary(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        data = await reading.summary(s, _chat_id(request))
        return web.json_response(serializers.summary(data))


async def put_topic(request: web.Request) -> web.Response:
    topic = inputs.topic_input(await read_json(request))
    async with db.session(request.app) as s:
        await store.set_topic(s, _chat_id(request), topic)
    return web.Response(status=204)


async def put_address(request: web.Request) -> web.Response:
    formal = inputs.address_input(await read_json(request))
    async with db.session(request.app) as s:
        client = await store.set_address(s, _chat_id(request), formal)
        return _profile(request, client)


async def post_contact(request: web.Request) -> web.Response:
    data = inputs.contact_input(await read_json(request))
    async with db.session(request.app) as s:
        return _written("contact_id", *await store.add_contact(s, _chat_id(request), data))


async def patch_contact(request: web.Request) -> web.Response:
    contacted = inputs.contact_update(await read_json(request))
    contact_id = int(request.match_info["contact_id"])
    async with db.session(request.app) as s:
        contact = await store.set_contacted(s, _chat_id(request), contact_id, contacted)
        return web.json_response(serializers.contact(contact))


async def post_action(request: web.Request) -> web.Response:
    data = inputs.action_input(await read_json(request))
    async with db.session(request.app) as s:
        return _written("action_id", *await store.add_client_action(s, _chat_id(request), data))


async def list_actions(request: web.Request) -> web.Response:
    status = inputs.action_status_filter(request.query.get("status"))
    async with db.session(request.app) as s:
        client = await accounts.client_by_chat_id(s, _chat_id(request))
        actions = await store.actions_of(s, client.id, status)
        return web.json_response({"actions": [serializers.action(a) for a in actions]})


async def patch_action(request: web.Request) -> web.Response:
    update = inputs.action_update(await read_json(request))
    action_id = int(request.match_info["action_id"])
    async with db.session(request.app) as s:
        action = await store.update_action(s, _chat_id(request), action_id, update)
        return web.json_response(serializers.action(action))


async def post_mood(request: web.Request) -> web.Response:
    data = inputs.mood_input(await read_json(request))
    async with db.session(request.app) as s:
        return _written("mood_id", *await store.add_mood(s, _chat_id(request), data))


async def post_flag(request: web.Request) -> web.Response:
    data = inputs.flag_input(await read_json(request))
    async with db.session(request.app) as s:
        return _written("flag_id", *await store.add_flag(s, _chat_id(request), data))
