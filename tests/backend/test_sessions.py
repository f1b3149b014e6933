"""Dashboard sign-ins live on the server: logout ends a copied cookie too, an idle sign-in ends,
and the admin CLI disables an account or sets a new password, which ends every sign-in."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from backend import db
from backend.dashboard import sessions
from backend.tables import CounsellorSession, utcnow

from .conftest import csrf_from, login
from .test_cli import failed, ok_json, run_cli


async def _dashboard_status(client, cookies) -> int:
    """The client list with exactly these cookies (as a copied cookie would be sent)."""
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(cookies)
    response = await client.get("/", allow_redirects=False)
    return response.status


async def test_logout_ends_a_copied_session_cookie_too(client, dossier):
    await dossier.counsellor()
    await login(client)
    copied = {cookie.key: cookie.value for cookie in client.session.cookie_jar}
    assert (await client.get("/", allow_redirects=False)).status == 200
    token = csrf_from(await (await client.get("/")).text())
    await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert await _dashboard_status(client, copied) == 303, "the copy of the cookie is signed out too"


async def test_an_idle_sign_in_ends_and_the_counsellor_hears_why(client, dossier):
    await dossier.counsellor()
    await login(client)
    assert (await client.get("/", allow_redirects=False)).status == 200
    async with db.session(client.app) as s:
        long_ago = utcnow() - sessions.IDLE - timedelta(minutes=1)
        await s.execute(update(CounsellorSession).values(last_seen_at=long_ago))
        await s.commit()
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login?verlopen=1"
    page = await (await client.get("/login?verlopen=1")).text()
    assert "Je sessie is verlopen" in page


async def test_a_disabled_counsellor_is_signed_out_and_cannot_log_in_until_enabled(client, dossier, database_url):
    await dossier.counsellor()
    await login(client)
    assert (await client.get("/", allow_redirects=False)).status == 200

    disabled = ok_json(run_cli(database_url, "counsellors", "disable", "--email", "an@example.org"))
    assert (disabled["disabled"], disabled["ended_sign_ins"]) == (True, 1)
    assert (await client.get("/", allow_redirects=False)).status == 303
    response = await login(client)
    assert response.status == 403 and "uitgeschakeld" in await response.text()

    assert ok_json(run_cli(database_url, "counsellors", "enable", "--email", "an@example.org"))["disabled"] is False
    assert (await login(client)).status == 303


async def test_a_new_password_ends_every_sign_in_and_follows_the_policy(client, dossier, database_url):
    await dossier.counsellor()
    await login(client)
    weak = run_cli(database_url, "counsellors", "reset-password", "--email", "an@example.org", "--password-stdin", stdin="welkom2025\n")
    assert "at least 12 characters" in failed(weak)
    reset = ok_json(run_cli(database_url, "counsellors", "reset-password", "--email", "an@example.org", "--password-stdin", stdin="drie losse woorden hier\n"))
    assert reset["ended_sign_ins"] == 1
    assert (await client.get("/", allow_redirects=False)).status == 303
    assert (await login(client)).status == 401, "the old password no longer works"
    assert (await login(client, password="drie losse woorden hier")).status == 303
