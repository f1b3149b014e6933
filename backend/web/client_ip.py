"""The address a request comes from, for rate limits and the log: the peer, or, when the peer is
one of TRUSTED_PROXIES, the nearest address in X-Forwarded-For that is not a trusted proxy."""
from __future__ import annotations

from aiohttp import web

from backend.config import CONFIG

UNKNOWN = "unknown"


def client_ip(request: web.Request) -> str:
    peer = request.remote or UNKNOWN
    trusted = request.app[CONFIG].trusted_proxies
    if peer not in trusted:
        return peer
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):  # the proxy appends: the last untrusted hop is the client
        if hop not in trusted:
            return hop[:64]
    return peer
