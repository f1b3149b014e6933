"""CSRF protection of the HTML forms (the dashboard's and the chat page's): a random token in
the session that every state-changing form posts back. The JSON API uses its bearer token."""
from __future__ import annotations

import hmac
import logging
import secrets

from aiohttp import web
from aiohttp_session import Session, get_session

from backend.web.json_api import PREFIX
from backend.web.log_redaction import loggable_path
from backend.web.middleware import error_page

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(session: Session) -> str:
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


@web.middleware
async def csrf_middleware(request: web.Request, handler):
    """Every state-changing form carries the session's token; the API uses its bearer token."""
    if request.method in _UNSAFE_METHODS and not request.path.startswith(PREFIX):
        session = await get_session(request)
        expected = session.get(_CSRF_KEY)
        try:
            form = await request.post()  # read here first, so the handlers get it parsed
        except (ValueError, LookupError, AssertionError):
            # Bytes that are not in the declared charset, an unknown charset, broken multipart
            # (aiohttp asserts on some): the sender's mistake, not ours.
            logger.info("unreadable form on %s %s", request.method, loggable_path(request))
            return error_page(request, 400)
        given = form.get(CSRF_FIELD)
        if not (
            isinstance(expected, str)
            and isinstance(given, str)
            and hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))
        ):
            logger.info("CSRF check failed on %s %s", request.method, loggable_path(request))
            return error_page(request, 403)
    return await handler(request)
