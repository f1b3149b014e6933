"""The counsellor dashboard: login, client list, one client's confirmed insights."""
from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import secrets
from datetime import datetime
from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from backend import db, queries, validation
from backend.api import PREFIX
from backend.errors import CounsellorNotFound, InvalidInput
from backend.middleware import error_page
from backend.models import EMAIL_MAX
from backend.passwords import hash_password, needs_rehash, verify_password
from backend.ratelimit import LOGIN_LIMITER

logger = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"
_COUNSELLOR_KEY = "counsellor_id"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

WRONG_LOGIN = "E-mailadres of wachtwoord klopt niet."
TOO_MANY_TRIES = (
    "Je hebt te vaak een fout wachtwoord getypt. Wacht 15 minuten en probeer het dan opnieuw."
)

# Crisis first: the counsellor must see it before anything else.
CATEGORY_LABELS = {
    "crisis": "Signalen van crisis",
    "quality": "Kwaliteiten",
    "motive": "Motieven en waarden",
    "network": "Netwerk",
    "labour_market": "Arbeidsmarkt",
    "action": "Acties",
    "question_for_counsellor": "Vragen voor de begeleider",
    "mood": "Stemming",
}


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
        given = (await request.post()).get(CSRF_FIELD)
        if not (
            isinstance(expected, str)
            and isinstance(given, str)
            and hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))
        ):
            logger.info("CSRF check failed on %s %s", request.method, request.path)
            return error_page(request, 403)
    return await handler(request)


async def render(
    request: web.Request, template: str, context: Dict[str, Any], status: int = 200
) -> web.Response:
    session = await get_session(request)
    context = {
        "csrf_token": csrf_token(session),
        "counsellor": request.get("counsellor"),
        **context,
    }
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def login_required(handler):
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        session = await get_session(request)
        counsellor_id = session.get(_COUNSELLOR_KEY)
        if not isinstance(counsellor_id, int):
            raise web.HTTPSeeOther("/login")
        async with db.session(request.app) as s:
            try:
                request["counsellor"] = await queries.counsellor_by_id(s, counsellor_id)
            except CounsellorNotFound:
                session.invalidate()
                raise web.HTTPSeeOther("/login") from None
        return await handler(request)

    return wrapper


def _form_text(form, field: str) -> str:
    value = form.get(field, "")
    return value if isinstance(value, str) else ""


async def login_form(request: web.Request) -> web.Response:
    session = await get_session(request)
    if isinstance(session.get(_COUNSELLOR_KEY), int):
        raise web.HTTPSeeOther("/")
    return await render(request, "login.html", {"email": "", "error": None})


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    email_raw = _form_text(form, "email")
    password_raw = _form_text(form, "password")
    limiter = request.app[LOGIN_LIMITER]
    # Cut to the longest valid address: the key must not let a client fill the memory.
    key = (email_raw.strip().lower()[:EMAIL_MAX], request.remote)
    context = {"email": email_raw.strip()}
    if limiter.blocked(key):
        return await render(request, "login.html", {**context, "error": TOO_MANY_TRIES}, status=429)

    counsellor = None
    password = ""
    try:
        email = validation.email(email_raw)
        password = validation.password(password_raw)
        async with db.session(request.app) as s:
            counsellor = await queries.counsellor_by_email(s, email)
    except (InvalidInput, CounsellorNotFound):
        pass
    loop = asyncio.get_running_loop()
    password_hash = counsellor.password_hash if counsellor else None
    ok = await loop.run_in_executor(None, verify_password, password_hash, password)
    if not ok or counsellor is None:
        limiter.failed(key)
        logger.info("failed dashboard login from %s", request.remote)
        return await render(request, "login.html", {**context, "error": WRONG_LOGIN}, status=401)

    limiter.succeeded(key)
    if needs_rehash(counsellor.password_hash):
        new_hash = await loop.run_in_executor(None, hash_password, password)
        async with db.session(request.app) as s:
            await queries.set_password_hash(s, counsellor.id, new_hash)
    # A fresh session (and CSRF token) at login, so nothing set before it carries over.
    session = await new_session(request)
    session[_COUNSELLOR_KEY] = counsellor.id
    csrf_token(session)
    logger.info("counsellor %s logged in", counsellor.id)
    raise web.HTTPSeeOther("/")


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/login")


@login_required
async def client_list(request: web.Request) -> web.Response:
    async with db.session(request.app) as s:
        clients = await queries.clients_overview(s, request["counsellor"].id)
    return await render(request, "clients.html", {"clients": clients})


@login_required
async def client_detail(request: web.Request) -> web.Response:
    client_id = int(request.match_info["client_id"])
    async with db.session(request.app) as s:
        client = await queries.client_of_counsellor(s, request["counsellor"].id, client_id)
        insights = await queries.confirmed_insights(s, client.id)
    groups = [
        {"category": category, "label": label, "insights": items}
        for category, label in CATEGORY_LABELS.items()
        if (items := [i for i in insights if i.category == category])
    ]
    return await render(request, "client.html", {"client": client, "groups": groups})


# Template filters: Dutch dates in Belgian time.

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


@functools.lru_cache(maxsize=1)
def _local_zone():
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Brussels")
    except Exception:  # no tz database on this machine: UTC is still a correct time
        from datetime import timezone

        return timezone.utc


def datum(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    local = value.astimezone(_local_zone())
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def datumtijd(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    local = value.astimezone(_local_zone())
    return f"{datum(value)}, {local:%H:%M}"


FILTERS = {"datum": datum, "datumtijd": datumtijd}
