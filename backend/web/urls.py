"""Links to our own pages, from the route names of backend.web.routes (the templates use
aiohttp_jinja2's `url(...)` for the same)."""
from __future__ import annotations

from aiohttp import web


def url_for(request: web.Request, name: str, fragment: str = "", **parts: object) -> str:
    """The path of route `name` with `parts` filled in, e.g. url_for(request, "client", client_id=7)."""
    url = request.app.router[name].url_for(**{key: str(value) for key, value in parts.items()})
    return str(url.with_fragment(fragment) if fragment else url)
