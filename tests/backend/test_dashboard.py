"""The counsellor dashboard: login, own clients only, escaping, CSRF, logout, rate limit."""
from __future__ import annotations

import pytest

from backend.web.ratelimit import LOGIN_LIMITER

from .conftest import PASSWORD, csrf_from, insight_body, login
from .fixtures import Dossier

pytestmark = pytest.mark.asyncio

WRONG = "E-mailadres of wachtwoord klopt niet."


async def test_login_page_is_dutch_with_a_csrf_field(client):
    response = await client.get("/login")
    assert response.status == 200
    html = await response.text()
    assert '<html lang="nl">' in html
    assert "Wachtwoord" in html and "E-mailadres" in html
    assert csrf_from(html)
    assert "<script" not in html


async def test_session_cookie_is_httponly_and_lax(client):
    response = await client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # COOKIE_SECURE is off in the tests (plain http)


async def test_pages_need_a_login(client, dossier):
    counsellor = await dossier.counsellor()
    own = await dossier.client(counsellor.id)
    for path in ("/", f"/clients/{own.id}"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/login"


async def test_wrong_password_shows_the_dutch_message(client, dossier):
    await dossier.counsellor()
    response = await login(client, password="fout")
    assert response.status == 401
    html = await response.text()
    assert WRONG in html
    assert 'value="an@example.org"' in html
    home = await client.get("/", allow_redirects=False)
    assert home.status == 303


async def test_unknown_email_gets_the_same_message(client, dossier):
    await dossier.counsellor()
    response = await login(client, email="niemand@example.org")
    assert response.status == 401
    assert WRONG in await response.text()


@pytest.mark.parametrize("email", ["geen-adres", "a\x00b@example.org", "x" * 500 + "@example.org", ""])
async def test_nonsense_email_is_a_failed_login_not_an_error(client, dossier, email):
    await dossier.counsellor()
    response = await login(client, email=email)
    assert response.status == 401
    assert WRONG in await response.text()


async def test_login_then_client_list_shows_only_own_clients(client, dossier, auth):
    an = await dossier.counsellor()
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    mine = await dossier.client(an.id, "Jan Janssens")
    await dossier.client(an.id, "Marie Peeters")
    await dossier.client(bo.id, "Geheime Cliënt")

    response = await login(client, email="AN@example.org ")
    assert response.status == 303
    assert response.headers["Location"] == "/"

    page = await client.get("/")
    assert page.status == 200
    html = await page.text()
    assert "An Peeters" in html
    assert "Jan Janssens" in html and "Marie Peeters" in html
    assert "Geheime Cliënt" not in html
    assert f'href="/clients/{mine.id}"' in html
    assert "nog geen" in html[html.index("Marie Peeters"):]

    # After a visit, Jan's new confirmed insights count; the proposed one does not.
    await client.get(f"/clients/{mine.id}")
    await client.put(f"/api/v1/chats/{mine.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    for key, status in (("1", "confirmed"), ("2", "confirmed"), ("3", "proposed")):
        await client.post(f"/api/v1/chats/{mine.chat_id}/insights", json=insight_body(key=key, status=status), headers=auth)
    html = await (await client.get("/")).text()
    row = html[html.index("Jan Janssens"):html.index("Marie Peeters")]
    assert "2 inzichten" in row


async def test_client_page_groups_confirmed_insights_with_the_clients_words(client, dossier, auth):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    path = f"/api/v1/chats/{jan.chat_id}/insights"
    await client.put(f"/api/v1/chats/{jan.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await client.post(path, json=insight_body(key="1", value="geduldig", said_at="2024-05-01T10:00:00Z"), headers=auth)
    await client.post(path, json=insight_body(key="2", category="motive", value="autonomie", sentence="Ik wil zelf kiezen."), headers=auth)
    await client.post(path, json=insight_body(key="3", value="verworpen", status="dropped"), headers=auth)
    await login(client)

    response = await client.get(f"/clients/{jan.id}")
    assert response.status == 200
    html = await response.text()
    assert "Kwaliteiten" in html and "Motieven en waarden" in html
    assert "category-network" not in html  # no empty groups
    assert "geduldig" in html and "Ik heb de boze klant rustig geholpen." in html
    assert "Ik wil zelf kiezen." in html
    assert "1 mei 2024" in html
    assert "verworpen" not in html
    assert "gegeven op" in html


async def test_another_counsellors_client_is_404_like_a_missing_one(client, dossier):
    await dossier.counsellor()
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    theirs = await dossier.client(bo.id, "Geheime Cliënt")
    await login(client)

    foreign = await client.get(f"/clients/{theirs.id}")
    missing = await client.get("/clients/999999")
    huge = await client.get("/clients/99999999999999")
    for response in (foreign, missing, huge):
        assert response.status == 404
        html = await response.text()
        assert "Niet gevonden" in html
        assert "Geheime Cliënt" not in html
    assert (await client.get("/clients/abc")).status == 404


async def test_script_in_name_and_sentence_is_escaped(client, dossier, auth):
    an = await dossier.counsellor()
    evil = await dossier.client(an.id, "<script>alert('naam')</script>")
    await client.put(f"/api/v1/chats/{evil.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await client.post(
        f"/api/v1/chats/{evil.chat_id}/insights",
        json=insight_body(value="<b>vet</b>", sentence="<script>alert('zin')</script> & meer"),
        headers=auth,
    )
    await login(client)

    for path in ("/", f"/clients/{evil.id}"):
        html = await (await client.get(path)).text()
        # Only our own static scripts (the client page's copy button), never the client's text.
        assert html.replace('<script src="/static/copy.js" defer></script>', "").count("<script") == 0
        assert "&lt;script&gt;alert(" in html
    detail = await (await client.get(f"/clients/{evil.id}")).text()
    assert "&lt;script&gt;alert(&#39;zin&#39;)&lt;/script&gt; &amp; meer" in detail
    assert "&lt;b&gt;vet&lt;/b&gt;" in detail


async def test_forged_csrf_token_is_403(client, dossier):
    await dossier.counsellor()
    await client.get("/login")
    response = await client.post("/login", data={"email": "an@example.org", "password": PASSWORD, "csrf_token": "forged"}, allow_redirects=False)
    assert response.status == 403
    assert "Het formulier is verlopen of ongeldig" in await response.text()
    assert (await client.get("/", allow_redirects=False)).status == 303

    missing = await client.post("/login", data={"email": "an@example.org", "password": PASSWORD}, allow_redirects=False)
    assert missing.status == 403


async def test_logout_needs_csrf_and_ends_the_session(client, dossier):
    await dossier.counsellor()
    await login(client)
    home = await client.get("/")
    assert home.status == 200
    token = csrf_from(await home.text())

    forged = await client.post("/logout", data={"csrf_token": "forged"}, allow_redirects=False)
    assert forged.status == 403
    assert (await client.get("/", allow_redirects=False)).status == 200

    response = await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login?afgemeld=1"
    assert "Je bent afgemeld." in await (await client.get("/login?afgemeld=1")).text()
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_login_rotates_the_csrf_token(client, dossier):
    await dossier.counsellor()
    before = csrf_from(await (await client.get("/login")).text())
    await client.post("/login", data={"email": "an@example.org", "password": PASSWORD, "csrf_token": before}, allow_redirects=False)
    after = csrf_from(await (await client.get("/")).text())
    assert after != before


async def test_five_failed_logins_block_even_the_right_password(client, dossier):
    await dossier.counsellor()
    for _ in range(5):
        assert (await login(client, password="fout")).status == 401
    blocked = await login(client)
    assert blocked.status == 429
    assert "te vaak" in await blocked.text()
    assert (await client.get("/", allow_redirects=False)).status == 303

    # Another address from the same browser is not blocked.
    await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    assert (await login(client, email="bo@example.org")).status == 303


async def test_the_block_ends_after_the_window(client, dossier):
    await dossier.counsellor()
    limiter = client.app[LOGIN_LIMITER]
    now = [1000.0]
    limiter.failures.clock = lambda: now[0]
    for _ in range(5):
        await login(client, password="fout")
    assert (await login(client)).status == 429
    now[0] += 15 * 60 + 1
    assert (await login(client)).status == 303


async def test_successful_login_resets_the_count(client, dossier):
    await dossier.counsellor()
    for _ in range(4):
        await login(client, password="fout")
    assert (await login(client)).status == 303
    token = csrf_from(await (await client.get("/")).text())
    await client.post("/logout", data={"csrf_token": token})
    for _ in range(4):
        assert (await login(client, password="fout")).status == 401
    assert (await login(client)).status == 303


async def test_unknown_page_is_a_dutch_404(client):
    response = await client.get("/bestaat-niet")
    assert response.status == 404
    assert "Deze pagina bestaat niet" in await response.text()


async def test_dashboard_pages_are_not_cached(client, dossier):
    await dossier.counsellor()
    await login(client)
    response = await client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_stylesheet_is_served(client):
    response = await client.get("/static/dashboard.css")
    assert response.status == 200
    assert "font" in await response.text()


async def _failed_logins_from(client, addresses, email="an@example.org"):
    statuses = []
    for address in addresses:
        headers = {"X-Forwarded-For": address}
        form = await (await client.get("/login", headers=headers)).text()
        response = await client.post(
            "/login", data={"email": email, "password": "fout-wachtwoord", "csrf_token": csrf_from(form)},
            headers=headers, allow_redirects=False,
        )
        statuses.append(response.status)
    return statuses


async def test_guessing_one_account_from_many_addresses_is_limited_too(aiohttp_client, config, dossier):
    """Behind a trusted proxy each guess seems to come from elsewhere: the account's own limit holds."""
    import dataclasses

    from backend.app import create_app
    from backend.web.ratelimit import PER_ACCOUNT

    client = await aiohttp_client(create_app(dataclasses.replace(config, trusted_proxies=frozenset({"127.0.0.1"}))))
    await Dossier(client.app).counsellor()
    statuses = await _failed_logins_from(client, [f"198.51.100.{i}" for i in range(PER_ACCOUNT + 1)])
    assert statuses[:PER_ACCOUNT] == [401] * PER_ACCOUNT and statuses[PER_ACCOUNT] == 429
    # Another counsellor, from one of those addresses, is not locked out with them.
    others = await _failed_logins_from(client, ["198.51.100.1"], email="bo@example.org")
    assert others == [401]


async def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, dossier):
    await dossier.counsellor()
    statuses = await _failed_logins_from(client, [f"203.0.113.{i}" for i in range(6)])
    assert statuses == [401] * 5 + [429], "without TRUSTED_PROXIES every try counts for the real peer"
