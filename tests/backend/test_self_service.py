"""Issue #17: the counsellor runs a practice from the dashboard: a new client with the invite
link, QR code and printable invitation, a new link, and their own new password; with the bad
inputs (long or scripted names, forged CSRF, another counsellor's client, weak passwords)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from backend import db
from backend.dossier import accounts
from backend.tables import AuditEntry, ChatDevice, Client, CounsellorSession, RetiredChatId
from backend.web.middleware import CONTENT_SECURITY_POLICY

from .conftest import csrf_from, login
from .fixtures import PASSWORD

pytestmark = pytest.mark.asyncio

NEW_PASSWORD = "tuinkabouter paraplu fietsbel"
_INVITE = re.compile(r'id="invite-url" type="text" readonly value="([^"]+)"')


async def _signed_in(client, dossier):
    counsellor = await dossier.counsellor()
    assert (await login(client)).status == 303
    return counsellor


async def _token(client, path: str = "/") -> str:
    return csrf_from(await (await client.get(path)).text())


async def _clients(client) -> list:
    async with db.session(client.app) as s:
        return list(await s.scalars(select(Client).order_by(Client.id)))


async def _create(client, name: str = "Anaïs De Smet", address: str = "je", **extra):
    data = {"name": name, "address": address, "csrf_token": await _token(client, "/clients/nieuw"), **extra}
    return await client.post("/clients/nieuw", data=data, allow_redirects=False)


# A new client


async def test_new_client_form_is_dutch_and_reachable_from_the_list(client, dossier):
    await _signed_in(client, dossier)
    listing = await (await client.get("/")).text()
    assert 'href="/clients/nieuw"' in listing and "Nieuwe cliënt" in listing
    page = await client.get("/clients/nieuw")
    html = await page.text()
    assert page.status == 200
    assert "Aanspreking" in html and 'value="je" checked' in html and 'value="u"' in html


async def test_a_new_client_gets_a_link_a_qr_code_and_an_invitation(client, dossier):
    counsellor = await _signed_in(client, dossier)
    response = await _create(client, address="u")
    assert response.status == 303
    [new] = await _clients(client)
    assert new.counsellor_id == counsellor.id and new.name == "Anaïs De Smet"
    assert new.formal_address is True
    assert response.headers["Location"] == f"/clients/{new.id}#uitnodiging"

    page = await client.get(f"/clients/{new.id}")
    html = await page.text()
    assert "Je cliënt is aangemaakt." in html
    assert _INVITE.search(html).group(1) == f"http://127.0.0.1:8000/chat/{new.invite_token}"
    assert '<svg role="img" width=' in html and 'class="qr"' in html
    assert "data:" not in html  # the QR code is markup, not a data: URL
    assert 'src="/static/copy.js"' in html and "<script>" not in html
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert f'href="/clients/{new.id}/uitnodiging"' in html
    assert f'href="/clients/{new.id}/nieuwe-link"' in html

    invitation = await client.get(f"/clients/{new.id}/uitnodiging")
    text = await invitation.text()
    assert invitation.status == 200
    assert "computerprogramma" in text and "An Peeters" in text
    assert "1813" in text and "112" in text
    assert "uw begeleider" in text.lower() and "kunt u" in text  # the u-form, as chosen
    assert new.invite_token in text and 'class="qr"' in text
    async with db.session(client.app) as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == new.id)))
    assert "create_client" in actions and "print_invitation" in actions


async def test_the_je_form_is_the_default_of_the_invitation(client, dossier):
    await _signed_in(client, dossier)
    await _create(client, name="Jan Peeters")
    [new] = await _clients(client)
    assert new.formal_address is False
    text = await (await client.get(f"/clients/{new.id}/uitnodiging")).text()
    assert "kun je" in text and "kunt u" not in text


@pytest.mark.parametrize(
    "name, message",
    [
        ("x" * 5000, "Dat is te lang: hoogstens 200 tekens"),
        ("<script>alert(1)</script>", "Een naam kan geen tekens als &lt; &gt;"),
        ("   ", "Vul de naam van je cliënt in."),
    ],
)
async def test_a_bad_name_gets_a_dutch_message_and_stores_nothing(client, dossier, name, message):
    await _signed_in(client, dossier)
    response = await _create(client, name=name)
    html = await response.text()
    assert response.status == 400
    assert "De cliënt is niet aangemaakt." in html and message in html
    assert "<script>alert(1)" not in html
    assert await _clients(client) == []


async def test_a_missing_address_choice_gets_a_dutch_message(client, dossier):
    await _signed_in(client, dossier)
    response = await _create(client, address="jij")
    assert response.status == 400
    assert "met je of met u" in await response.text()
    assert await _clients(client) == []


@pytest.mark.parametrize("token", [None, "vervalst"])
async def test_a_forged_or_missing_csrf_token_is_refused(client, dossier, token):
    counsellor = await _signed_in(client, dossier)
    own = await dossier.client(counsellor.id)
    data = {"name": "Anaïs", "address": "je"}
    if token:
        data["csrf_token"] = token
    assert (await client.post("/clients/nieuw", data=data)).status == 403
    assert (await client.post(f"/clients/{own.id}/nieuwe-link", data=data)).status == 403
    pw = {"current": PASSWORD, "new": NEW_PASSWORD, "repeated": NEW_PASSWORD, **data}
    assert (await client.post("/wachtwoord", data=pw)).status == 403
    clients = await _clients(client)
    assert [c.invite_token for c in clients] == [own.invite_token]
    assert (await login(client, password=NEW_PASSWORD)).status == 401


async def test_the_pages_need_a_login(client, dossier):
    counsellor = await dossier.counsellor()
    own = await dossier.client(counsellor.id)
    for path in ("/clients/nieuw", f"/clients/{own.id}/uitnodiging", f"/clients/{own.id}/nieuwe-link", "/wachtwoord"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login"


async def test_another_counsellors_client_is_not_found(client, dossier):
    await _signed_in(client, dossier)
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    theirs = await dossier.client(bo.id, name="Karel Maes")
    token = await _token(client)
    for path in (f"/clients/{theirs.id}/uitnodiging", f"/clients/{theirs.id}/nieuwe-link", f"/clients/{theirs.id}"):
        response = await client.get(path)
        assert response.status == 404
        assert theirs.invite_token not in await response.text()
    post = await client.post(f"/clients/{theirs.id}/nieuwe-link", data={"csrf_token": token})
    assert post.status == 404
    [after] = await _clients(client)
    assert after.invite_token == theirs.invite_token and after.chat_id == theirs.chat_id


# A new link


async def test_a_new_link_asks_first_then_replaces_the_old_one(client, dossier):
    counsellor = await _signed_in(client, dossier)
    own = await dossier.client(counsellor.id)
    async with db.session(client.app) as s:
        s.add(ChatDevice(client_id=own.id, token_hash="a" * 64, invite_token=own.invite_token))
        await s.commit()
    before = await (await client.get(f"/clients/{own.id}")).text()
    assert "Je cliënt opende de chat al met deze link." in before

    confirm = await client.get(f"/clients/{own.id}/nieuwe-link")
    html = await confirm.text()
    assert "De oude link werkt niet meer." in html and "Ja, maak een nieuwe link" in html
    response = await client.post(
        f"/clients/{own.id}/nieuwe-link", data={"csrf_token": csrf_from(html)}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/clients/{own.id}#uitnodiging"
    [renewed] = await _clients(client)
    assert renewed.invite_token != own.invite_token and renewed.chat_id != own.chat_id
    async with db.session(client.app) as s:
        device = await s.scalar(select(ChatDevice).where(ChatDevice.client_id == own.id))
        assert device.revoked_at is not None  # the bound browser is signed out
        assert await s.get(RetiredChatId, accounts.digest(own.chat_id)) is not None
        assert "new_invite" in set(await s.scalars(select(AuditEntry.action)))
    page = await (await client.get(f"/clients/{own.id}")).text()
    assert "De nieuwe link is klaar. De oude link werkt niet meer." in page
    assert renewed.invite_token in page and own.invite_token not in page
    assert (await client.get(f"/chat/{own.invite_token}")).status == 404


# The counsellor's own password


async def _change(client, current=PASSWORD, new=NEW_PASSWORD, repeated=None):
    data = {
        "current": current, "new": new, "repeated": new if repeated is None else repeated,
        "csrf_token": await _token(client, "/wachtwoord"),
    }
    return await client.post("/wachtwoord", data=data, allow_redirects=False)


async def test_the_menu_leads_to_the_password_page(client, dossier):
    await _signed_in(client, dossier)
    html = await (await client.get("/")).text()
    assert 'href="/wachtwoord"' in html and "Wachtwoord wijzigen" in html


async def test_a_new_password_works_and_ends_the_other_sign_ins(client, dossier, aiohttp_client):
    counsellor = await _signed_in(client, dossier)
    other = await aiohttp_client(client.server)  # a second browser, signed in as well
    assert (await login(other)).status == 303
    response = await _change(client)
    assert response.status == 303 and response.headers["Location"] == "/wachtwoord?gewijzigd=1"
    assert "Je wachtwoord is gewijzigd." in await (await client.get(response.headers["Location"])).text()
    assert (await client.get("/", allow_redirects=False)).status == 200  # this browser stays in
    assert (await other.get("/", allow_redirects=False)).status == 303  # the other is signed out
    async with db.session(client.app) as s:
        live = await s.scalar(
            select(func.count()).select_from(CounsellorSession).where(
                CounsellorSession.counsellor_id == counsellor.id, CounsellorSession.ended_at.is_(None)
            )
        )
    assert live == 1
    assert (await login(other)).status == 401  # the old password no longer works
    assert (await login(other, password=NEW_PASSWORD)).status == 303


@pytest.mark.parametrize(
    "current, new, repeated, message",
    [
        ("fout-wachtwoord", NEW_PASSWORD, None, "Je huidige wachtwoord klopt niet."),
        (PASSWORD, "kort", None, "Je nieuwe wachtwoord is te kort. Kies minstens 12 tekens."),
        (PASSWORD, "Wachtwoord2024!", None, "Dat wachtwoord is te makkelijk te raden."),
        (PASSWORD, "an-an-an-an-an", None, "Dat wachtwoord is te makkelijk te raden."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "De twee nieuwe wachtwoorden zijn niet gelijk."),
        (PASSWORD, PASSWORD, None, "Je nieuwe wachtwoord is hetzelfde als je huidige."),
        (PASSWORD, "lang genoeg\nmet regel", None, "Een wachtwoord kan geen regeleinde"),
    ],
)
async def test_a_refused_password_gets_a_dutch_message(client, dossier, current, new, repeated, message):
    await _signed_in(client, dossier)
    response = await _change(client, current, new, repeated)
    html = await response.text()
    assert response.status == 400
    assert "Je wachtwoord is niet gewijzigd." in html and message in html
    assert f'value="{new}' not in html and f'value="{current}' not in html  # never shown again
    assert (await client.get("/", allow_redirects=False)).status == 200
    assert (await login(client, password=PASSWORD)).status == 303  # the old one still works


async def test_wrong_current_passwords_count_towards_the_login_limit(client, dossier):
    await _signed_in(client, dossier)
    for _ in range(5):
        assert (await _change(client, current="fout-wachtwoord")).status == 400
    response = await _change(client)
    assert response.status == 429
    assert "Je hebt te vaak een fout wachtwoord getypt." in await response.text()
