"""The JSON API for the action server (docs/architecture.md)."""
from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web

from backend import db, queries, serializers, validation
from backend.config import CONFIG
from backend.errors import InvalidInput

PREFIX = "/api/"
# Everything else under /api/ needs the service token.
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/status"})


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def _token_ok(request: web.Request) -> bool:
    expected = request.app[CONFIG].service_token or ""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or not expected:
        return False
    # surrogatepass: header bytes that are not UTF-8 arrive as surrogates and must not raise.
    return hmac.compare_digest(token.strip().encode("utf-8", "surrogatepass"), expected.encode())


@web.middleware
async def service_token_middleware(request: web.Request, handler):
    if request.path.startswith(PREFIX) and request.path not in PUBLIC_PATHS:
        if not _token_ok(request):
            response = json_error(401, "unauthorized", "missing or wrong service token")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
    return await handler(request)


async def _json_body(request: web.Request) -> Any:
    raw = await request.read()  # raises 413 past client_max_size
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise InvalidInput("the body is not valid JSON") from None


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def get_profile(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        client = await queries.client_by_chat_id(s, request.match_info["chat_id"])
        return web.json_response(serializers.profile(client))


async def put_consent(request: web.Request) -> web.Response:
    consent = validation.consent_input(await _json_body(request))
    async with db.session(request.app) as s:
        client = await queries.set_consent(s, request.match_info["chat_id"], consent)
        return web.json_response(serializers.profile(client))


async def post_insight(request: web.Request) -> web.Response:
    data = validation.insight_input(await _json_body(request))
    async with db.session(request.app) as s:
        insight_id, created = await queries.add_insight(s, request.match_info["chat_id"], data)
    return web.json_response(
        {"insight_id": insight_id, "created": created}, status=201 if created else 200
    )


async def list_insights(request: web.Request) -> web.Response:
    category = validation.category_filter(request.query.get("category"))
    async with db.session(request.app) as s:
        client = await queries.client_by_chat_id(s, request.match_info["chat_id"])
        insights = await queries.confirmed_insights(s, client.id, category)
        return web.json_response({"insights": [serializers.insight(i) for i in insights]})
