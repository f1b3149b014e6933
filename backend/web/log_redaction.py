"""What the backend's logs show of a request's address: never a secret it carries.

The chat page's address holds the client's invite token, a credential (`/chat/<token>`), and its
query a one-time device code; the bot's API addresses hold the client's chat id, with which
anyone can write in the client's conversation at Rasa's REST channel (`/api/v1/chats/<chat_id>`).
The access log (RedactingAccessLogger, given to aiohttp by `python -m backend serve`) and our
own log lines show those addresses with placeholders instead.
"""
from __future__ import annotations

import re
from typing import Optional

from aiohttp import hdrs, web
from aiohttp.web_log import AccessLogger
from multidict import CIMultiDict

# An address may be a path or, in a Referer header, a whole URL.
_ORIGIN = r"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?"
_CHAT_PAGE = re.compile(rf"^({_ORIGIN}/chat/)[^/?#]+([^?#]*)(?:\?([^#]*))?")
_BOT_API = re.compile(rf"^({_ORIGIN}/api/v1/chats/)[^/?#]+")


def redact(address: str) -> str:
    """`address` with the invite token, the query values of the chat page and the chat id
    replaced by placeholders; any other address unchanged."""
    page = _CHAT_PAGE.match(address)
    if page is None:
        return _BOT_API.sub(r"\1<chat_id>", address, count=1)
    prefix, rest, query = page.groups()
    if not query:
        return f"{prefix}<token>{rest}"
    names = (pair.partition("=")[0] for pair in query.split("&"))
    return f"{prefix}<token>{rest}?" + "&".join(f"{name}=<hidden>" for name in names)


def loggable_path(request: web.BaseRequest) -> str:
    """For our own log lines about a request."""
    return redact(request.path)


class _RedactedRequest:
    """What AccessLogger reads of a request (method, path, version, headers, remote), with the
    secrets of its address and of its Referer replaced."""

    def __init__(self, request: web.BaseRequest) -> None:
        self._request = request
        self.path_qs = redact(request.path_qs)
        self.headers = request.headers
        referer = request.headers.get(hdrs.REFERER)
        if referer is not None and redact(referer) != referer:
            self.headers = CIMultiDict(request.headers)
            self.headers[hdrs.REFERER] = redact(referer)

    def __getattr__(self, name: str):
        return getattr(self._request, name)


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access log (same format), without the secrets in addresses."""

    def log(self, request: Optional[web.BaseRequest], response: web.StreamResponse, time: float) -> None:
        super().log(None if request is None else _RedactedRequest(request), response, time)  # type: ignore[arg-type]
