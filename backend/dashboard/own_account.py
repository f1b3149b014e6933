"""'Wachtwoord wijzigen': a counsellor sets a new password with their current one. The policy is
passwords.check_new_password; the new password ends every other sign-in of the account
(account_admin.set_new_password, as `counsellors reset-password`) and this browser gets a fresh
one. Wrong current passwords count towards the login limits."""
from __future__ import annotations

import asyncio
import logging
from typing import Dict

from aiohttp import web

from backend import db
from backend.dashboard.account_admin import set_new_password
from backend.dashboard.auth import TOO_MANY_TRIES, form_text, login_required, render, sign_in
from backend.dashboard.passwords import MIN_LENGTH, check_new_password, hash_password, verify_password
from backend.dossier import validation
from backend.errors import InvalidInput
from backend.web.client_ip import client_ip
from backend.web.ratelimit import LOGIN_LIMITER, login_keys
from backend.web.urls import url_for

logger = logging.getLogger(__name__)

WRONG_CURRENT = "Je huidige wachtwoord klopt niet."
TOO_SHORT = f"Je nieuwe wachtwoord is te kort. Kies minstens {MIN_LENGTH} tekens."
TOO_EASY = (
    "Dat wachtwoord is te makkelijk te raden. Kies een paar losse woorden die niet bij elkaar "
    "horen, of gebruik een wachtwoordbeheerder."
)
NOT_ALLOWED = "Een wachtwoord kan geen regeleinde of stuurteken hebben en hoogstens 1024 tekens."
MISMATCH = "De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze opnieuw."
SAME = "Je nieuwe wachtwoord is hetzelfde als je huidige. Kies een ander."
CHANGED = "Je wachtwoord is gewijzigd. Op je andere toestellen ben je afgemeld."


def _page(request: web.Request, errors: Dict[str, str], status: int = 200, notice: str = ""):
    return render(request, "password.html", {"errors": errors, "notice": notice}, status=status)


@login_required
async def password_form(request: web.Request) -> web.Response:
    notice = CHANGED if "gewijzigd" in request.query else ""
    return await _page(request, {}, notice=notice)


def _new_password_errors(new: str, repeated: str, email: str) -> Dict[str, str]:
    try:
        validation.password(new)
    except InvalidInput:
        return {"new": NOT_ALLOWED}
    if len(new) < MIN_LENGTH:
        return {"new": TOO_SHORT}
    try:
        check_new_password(new, email)
    except InvalidInput:
        return {"new": TOO_EASY}
    if new != repeated:
        return {"repeated": MISMATCH}
    return {}


@login_required
async def change_password(request: web.Request) -> web.Response:
    counsellor = request["counsellor"]
    form = await request.post()
    current, new, repeated = (form_text(form, name) for name in ("current", "new", "repeated"))
    limiter = request.app[LOGIN_LIMITER]
    keys = login_keys(counsellor.email, client_ip(request))
    if limiter.blocked_any(keys):
        return await _page(request, {"current": TOO_MANY_TRIES}, status=429)
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, verify_password, counsellor.password_hash, current):
        limiter.failed_all(keys)
        logger.info("password change refused: wrong current password of counsellor %s", counsellor.id)
        return await _page(request, {"current": WRONG_CURRENT}, status=400)
    errors = _new_password_errors(new, repeated, counsellor.email)
    if not errors and new == current:
        errors = {"new": SAME}
    if errors:
        return await _page(request, errors, status=400)
    new_hash = await loop.run_in_executor(None, hash_password, new)
    async with db.session(request.app) as s:
        ended = await set_new_password(s, counsellor.id, new_hash)
    await sign_in(request, counsellor.id)  # this browser stays signed in, with a new sign-in
    logger.info("counsellor %s changed their password; %s sign-ins ended", counsellor.id, ended)
    raise web.HTTPSeeOther(url_for(request, "password") + "?gewijzigd=1")
