"""One place where failures become answers: JSON under /api/, a Dutch page elsewhere."""
from __future__ import annotations

import asyncio
import logging
from typing import Dict, Tuple, Type

import aiohttp_jinja2
from aiohttp import web

from backend.config import CONFIG
from backend.errors import (
    ActionNotFound,
    ChatRetired,
    ClientNotFound,
    ContactNotFound,
    CounsellorNotFound,
    DossierError,
    DuplicateEmail,
    FlagNotFound,
    InvalidInput,
    ItemNotFound,
    NoConsent,
)
from backend.web.json_api import PREFIX, json_error
from backend.web.log_redaction import loggable_path

logger = logging.getLogger(__name__)

CHAT_PREFIX = "/chat/"

DOMAIN_ERRORS: Dict[Type[DossierError], Tuple[int, str]] = {
    ClientNotFound: (404, "client_not_found"),
    ChatRetired: (410, "chat_retired"),
    ActionNotFound: (404, "action_not_found"),
    ContactNotFound: (404, "contact_not_found"),
    FlagNotFound: (404, "flag_not_found"),
    ItemNotFound: (404, "item_not_found"),
    CounsellorNotFound: (404, "counsellor_not_found"),
    DuplicateEmail: (409, "duplicate_email"),
    NoConsent: (403, "no_consent"),
    InvalidInput: (400, "invalid_input"),
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "too_many_requests",
}

# Plain B1 Dutch for the dashboard's error pages.
PAGE_TEXTS = {
    400: ("Dat lukte niet", "Er klopt iets niet in wat je stuurde. Probeer het opnieuw."),
    403: (
        "Dat mag niet",
        "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.",
    ),
    404: ("Niet gevonden", "Deze pagina bestaat niet, of je hebt er geen toegang toe."),
    405: ("Dat lukte niet", "Deze pagina kan dat niet doen."),
    413: ("Te groot", "Wat je stuurde is te groot."),
    500: ("Er ging iets mis", "Er ging iets mis bij ons. Probeer het later opnieuw."),
}


def error_page(request: web.Request, status: int) -> web.Response:
    title, text = PAGE_TEXTS.get(status, PAGE_TEXTS[400] if status < 500 else PAGE_TEXTS[500])
    # The client's pages (under /chat/) have their own look and no way into the dashboard.
    template = "chat_message.html" if request.path.startswith(CHAT_PREFIX) else "error.html"
    try:
        response = aiohttp_jinja2.render_template(template, request, {"title": title, "text": text}, status=status)
    except Exception:  # a broken template must not hide the original error
        logger.exception("could not render the error page")
        response = web.Response(text=f"{title}. {text}", status=status)
    return response


def _answer(request: web.Request, status: int, code: str, message: str) -> web.Response:
    if request.path.startswith(PREFIX):
        return json_error(status, code, message)
    return error_page(request, status)


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = HTTP_CODES.get(exc.status, "error")
        response = _answer(request, exc.status, code, exc.reason)
        if exc.status == 413:
            # The rest of the body is still on its way: kept alive, the connection's next
            # request would be read from the middle of it (or fail). Close it instead.
            response.force_close()
        return response
    except DossierError as exc:
        status, code = DOMAIN_ERRORS.get(type(exc), (400, "invalid_input"))
        return _answer(request, status, code, str(exc))
    except asyncio.CancelledError:
        raise
    except Exception:
        # Bodies (personal data) are never logged, nor the secrets in addresses.
        logger.exception("unexpected error on %s %s", request.method, loggable_path(request))
        return _answer(request, 500, "internal_error", "unexpected error; see the backend log")


# No inline scripts or style attributes anywhere: the pages draw their pictures as SVG with
# classes, styled from /static/dashboard.css.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Behind https (PUBLIC_URL), browsers are told to come back on https only, for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


@web.middleware
async def security_headers_middleware(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.app[CONFIG].public_url.lower().startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if not request.path.startswith("/static/"):
        # Dossier pages hold personal data: no copies in shared or browser caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
