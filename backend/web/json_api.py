"""What the JSON endpoints share: the /api/ prefix and its service token (for the action
server), reading a JSON body, and the error shape {"error": code, "message": text}."""
from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web

from backend.config import CONFIG
from backend.errors import InvalidInput

PREFIX = "/api/"
# Everything else under /api/ needs the service token.
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/status"})


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def service_token_ok(request: web.Request) -> bool:
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
        if not service_token_ok(request):
            response = json_error(401, "unauthorized", "missing or wrong service token")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
    return await handler(request)


async def read_json(request: web.Request) -> Any:
    raw = await request.read()  # raises 413 past client_max_size
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise InvalidInput("the body is not valid JSON") from None
