"""The counsellor dashboard's access: login, logout, sessions (CSRF: backend.web.csrf). The pages
are in backend.dashboard.pages."""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from backend import db
from backend.config import CONFIG
from backend.dashboard import sessions
from backend.dashboard.passwords import hash_password, needs_rehash, verify_password
from backend.dossier import accounts, validation
from backend.errors import CounsellorNotFound, InvalidInput
from backend.tables import EMAIL_MAX, Counsellor
from backend.web.client_ip import client_ip
from backend.web.csrf import csrf_token
from backend.web.ratelimit import LOGIN_LIMITER, login_keys
from backend.web.urls import url_for

logger = logging.getLogger(__name__)

_SIGN_IN_KEY = "sign_in"  # the token of the server-side sign-in (backend.dashboard.sessions)

WRONG_LOGIN = "E-mailadres of wachtwoord klopt niet."
TOO_MANY_TRIES = (
    "Je hebt te vaak een fout wachtwoord getypt. Wacht 15 minuten en probeer het dan opnieuw."
)

SESSION_EXPIRED = "Je sessie is verlopen. Meld je opnieuw aan."
ACCOUNT_DISABLED = "Dit account is uitgeschakeld. Vraag de beheerder van het loopbaandossier om hulp."
LOGGED_OUT = "Je bent afgemeld."
# A plain marker cookie: with it, a missing session means "expired", not "never signed in".
SIGNED_IN_COOKIE = "dossier_signed_in"
SIGNED_IN_MAX_AGE = 30 * 24 * 3600


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


async def current_counsellor(request: web.Request) -> Optional[Counsellor]:
    """The counsellor of the request's live sign-in, or None."""
    token = (await get_session(request)).get(_SIGN_IN_KEY)
    if not isinstance(token, str):
        return None
    async with db.session(request.app) as s:
        return await sessions.counsellor_of(s, token)


async def signed_in(request: web.Request) -> bool:
    """Whether the request comes from a counsellor with a live sign-in."""
    return await current_counsellor(request) is not None


def login_required(handler):
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        counsellor = await current_counsellor(request)
        if counsellor is None:
            session = await get_session(request)
            had_one = _SIGN_IN_KEY in session
            session.invalidate()
            expired = had_one or SIGNED_IN_COOKIE in request.cookies
            login = url_for(request, "login")
            raise web.HTTPSeeOther(f"{login}?verlopen=1" if expired else login)
        request["counsellor"] = counsellor
        return await handler(request)

    return wrapper


def form_text(form, field: str) -> str:
    value = form.get(field, "")
    return value if isinstance(value, str) else ""


async def login_form(request: web.Request) -> web.Response:
    if await signed_in(request):
        raise web.HTTPSeeOther(url_for(request, "client_list"))
    notice = None
    if "verlopen" in request.query:
        notice = SESSION_EXPIRED
    elif "afgemeld" in request.query:
        notice = LOGGED_OUT
    response = await render(request, "login.html", {"email": "", "error": None, "notice": notice})
    if SIGNED_IN_COOKIE in request.cookies:
        response.del_cookie(SIGNED_IN_COOKIE)  # said once; a later visit is a plain login
    return response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    email_raw = form_text(form, "email")
    password_raw = form_text(form, "password")
    limiter = request.app[LOGIN_LIMITER]
    # Cut to the longest valid address: the key must not let a client fill the memory.
    account, address = email_raw.strip().lower()[:EMAIL_MAX], client_ip(request)
    keys = login_keys(account, address)
    context = {"email": email_raw.strip()}
    if limiter.blocked_any(keys):
        return await render(request, "login.html", {**context, "error": TOO_MANY_TRIES}, status=429)

    counsellor = None
    password = ""
    try:
        email = validation.email(email_raw)
        password = validation.password(password_raw)
        async with db.session(request.app) as s:
            counsellor = await accounts.counsellor_by_email(s, email)
    except (InvalidInput, CounsellorNotFound):
        pass
    loop = asyncio.get_running_loop()
    password_hash = counsellor.password_hash if counsellor else None
    ok = await loop.run_in_executor(None, verify_password, password_hash, password)
    if not ok or counsellor is None:
        limiter.failed_all(keys)
        logger.info("failed dashboard login from %s", address)
        return await render(request, "login.html", {**context, "error": WRONG_LOGIN}, status=401)
    if counsellor.disabled_at is not None:
        logger.info("login refused: counsellor %s is disabled", counsellor.id)
        return await render(request, "login.html", {**context, "error": ACCOUNT_DISABLED}, status=403)

    limiter.succeeded(keys[0][0])  # a typo streak ends; the wider counts stay
    if needs_rehash(counsellor.password_hash):
        new_hash = await loop.run_in_executor(None, hash_password, password)
        async with db.session(request.app) as s:
            await accounts.set_password_hash(s, counsellor.id, new_hash)
    await sign_in(request, counsellor.id)
    logger.info("counsellor %s logged in", counsellor.id)
    response = web.HTTPSeeOther(url_for(request, "client_list"))
    response.set_cookie(
        SIGNED_IN_COOKIE, "1", max_age=SIGNED_IN_MAX_AGE, httponly=True, samesite="Lax",
        secure=request.app[CONFIG].cookie_secure,
    )
    raise response


async def sign_in(request: web.Request, counsellor_id: int) -> None:
    """A new server-side sign-in in a fresh session (and CSRF token), so that nothing set before
    it carries over: at login, and after a new password has ended the other sign-ins."""
    async with db.session(request.app) as s:
        token = await sessions.start(s, counsellor_id)
    session = await new_session(request)
    session[_SIGN_IN_KEY] = token
    csrf_token(session)


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    async with db.session(request.app) as s:
        await sessions.end(s, session.get(_SIGN_IN_KEY))  # a copy of the cookie stops working too
    session.invalidate()
    response = web.HTTPSeeOther(url_for(request, "login") + "?afgemeld=1")
    response.del_cookie(SIGNED_IN_COOKIE)
    raise response
