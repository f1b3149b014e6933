"""Who may open a client's chat page, on the backend alone: the invite link binds one browser,
more browsers come in with a one-time device link, a wrong or reused link gets a plain Dutch
page and nothing of anyone's conversation; the Telegram link codes behave the same way."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import pytest_asyncio
from sqlalchemy import update

from backend import db
from backend.chat import access
from backend.chat.settings import CHANNEL_SETTINGS
from backend.tables import LinkCode

from ..reminders import tracker_rows as rows

NOW = datetime.now(timezone.utc)
_CSRF = re.compile(r'data-csrf="([^"]+)"')
_FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest_asyncio.fixture
async def invited(dossier):
    counsellor = await dossier.counsellor()
    return await dossier.client(counsellor.id, "Anaïs De Smet")


def page_csrf(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the chat page carries a form token"
    return match.group(1)


async def press_open(client, invited, html):
    """The welcome page's one button; returns the chat page it leads to."""
    form = {"csrf_token": _FORM_CSRF.search(html).group(1)}
    code = re.search(r'name="toestel" value="([^"]+)"', html)
    if code:
        form["toestel"] = code.group(1)
    return await client.post(f"/chat/{invited.invite_token}/open", data=form)


async def open_chat(client, invited):
    """Opens the link as a client does: the welcome page the first time, then the chat."""
    response = await client.get(f"/chat/{invited.invite_token}")
    assert response.status == 200
    html = await response.text()
    if "Open mijn chat" in html:
        response = await press_open(client, invited, html)
        assert response.status == 200
        html = await response.text()
    return html


def other_browser(client):
    """The same test client with its cookies gone: to the server, another browser."""
    client.session.cookie_jar.clear()


async def test_the_first_browser_gets_the_chat_and_keeps_it(client, invited):
    html = await open_chat(client, invited)
    assert f'data-session="{invited.chat_id}"' in html
    assert "computerprogramma" in html
    cookies = {c.key: c for c in client.session.cookie_jar}
    device = cookies["chat_device"]
    assert device["path"] == f"/chat/{invited.invite_token}"
    assert device["httponly"] and device["samesite"] == "Lax"
    assert int(device["max-age"]) >= 90 * 24 * 3600, "a return weeks later still works"
    # A reload, or a return the next day: same browser, same chat.
    assert f'data-session="{invited.chat_id}"' in await open_chat(client, invited)


async def test_opening_the_link_does_not_use_it_up_only_the_button_does(client, invited, tmp_path):
    # Mail scanners and link previews fetch links: that must not lock the client out.
    for _ in range(3):
        other_browser(client)
        response = await client.get(f"/chat/{invited.invite_token}")
        html = await response.text()
        assert response.status == 200 and "Welkom bij je loopbaanchat" in html
        assert invited.chat_id not in html, "the welcome page holds nothing of the conversation"
    slow_browser, slow_html = tmp_path / "slow-browser-cookies", html
    client.session.cookie_jar.save(slow_browser)

    other_browser(client)
    fast_html = await (await client.get(f"/chat/{invited.invite_token}")).text()
    response = await press_open(client, invited, fast_html)
    assert f'data-session="{invited.chat_id}"' in await response.text()

    # The browser that had the welcome page open too presses the button afterwards: too late.
    other_browser(client)
    client.session.cookie_jar.load(slow_browser)
    late = await press_open(client, invited, slow_html)
    assert late.status == 403
    late_html = await late.text()
    assert "Deze link is al gebruikt" in late_html and invited.chat_id not in late_html


async def test_a_reused_link_in_another_browser_gets_a_dutch_refusal_and_no_conversation(client, invited):
    await open_chat(client, invited)
    other_browser(client)
    response = await client.get(f"/chat/{invited.invite_token}")
    html = await response.text()
    assert response.status == 403
    assert "Deze link is al gebruikt" in html
    assert invited.chat_id not in html
    assert "chat_device" not in {c.key for c in client.session.cookie_jar}
    history = await client.get(f"/chat/{invited.invite_token}/history")
    assert history.status == 403
    assert (await history.json())["error"] == "no_access"


@pytest.mark.parametrize("token", ["does-not-exist-123", "x", "a" * 300, "%00%01", "..%2F..%2Fetc"])
async def test_an_invalid_link_gets_a_dutch_page(client, invited, token):
    response = await client.get(f"/chat/{token}")
    assert response.status == 404
    html = await response.text()
    assert "Deze link werkt niet" in html and 'lang="nl"' in html
    assert invited.chat_id not in html


async def test_the_page_has_no_inline_script_or_style_and_may_reach_rasa(client, invited):
    await open_chat(client, invited)
    response = await client.get(f"/chat/{invited.invite_token}")
    html = await response.text()
    csp = response.headers["Content-Security-Policy"]
    rasa = client.app[CHANNEL_SETTINGS].rasa_public_url
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert f"connect-src 'self' {rasa} {rasa.replace('http', 'ws')}" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer", "the invite token never leaves in a Referer"
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "style=" not in html and "<style" not in html
    assert re.search(r'<label for="message">Jouw bericht</label>', html)
    assert 'role="log"' in html and 'aria-live="polite"' in html


async def test_the_socket_io_client_is_served_from_the_npm_install(client):
    response = await client.get("/static/vendor/socket.io.min.js")
    assert response.status == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "Socket.IO" in (await response.text())[:400]


async def test_history_shows_what_the_client_saw(client, invited, config):
    rows.write(config.tracker_store_url, invited.chat_id, [
        rows.user(NOW - timedelta(minutes=10), "hallo"),
        rows.bot(NOW - timedelta(minutes=9), "Dag! Geef je toestemming?", [
            {"title": "Ja, dat mag", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"},
        ]),
        rows.user(NOW - timedelta(minutes=8), "/affirm"),
        rows.reminder_event(NOW - timedelta(minutes=5), channel="socketio"),
        rows.bot(NOW - timedelta(minutes=5), "Je huistaak: Mail Karel. Hoe ging het?", [
            {"title": "Gedaan", "payload": "/report_action_done"},
        ]),
    ])
    rows.write(config.tracker_store_url, "someone-else", [rows.user(NOW, "geheim van iemand anders")])
    await open_chat(client, invited)
    response = await client.get(f"/chat/{invited.invite_token}/history")
    messages = (await response.json())["messages"]
    assert [(m["who"], m["text"]) for m in messages] == [
        ("client", "hallo"),
        ("bot", "Dag! Geef je toestemming?"),
        ("client", "Ja, dat mag"),  # the button's title, as the client saw it
        ("bot", "Je huistaak: Mail Karel. Hoe ging het?"),
    ]
    assert messages[-1]["buttons"] == [{"title": "Gedaan", "payload": "/report_action_done"}]
    assert "buttons" not in messages[1], "old buttons are not offered again"


async def post_form(client, invited, path, html):
    return await client.post(f"/chat/{invited.invite_token}{path}", data={"csrf_token": page_csrf(html)})


async def test_another_browser_of_the_client_comes_in_with_a_one_time_device_link(client, invited):
    html = await open_chat(client, invited)
    assert (await client.post(f"/chat/{invited.invite_token}/device/code")).status == 403, "no form token, no link"
    response = await post_form(client, invited, "/device/code", html)
    assert response.status == 200
    link = (await response.json())["url"]
    assert link.startswith(f"http://127.0.0.1:8000/chat/{invited.invite_token}?toestel=")
    path = link.replace("http://127.0.0.1:8000", "")

    other_browser(client)
    welcome = await client.get(path)
    assert welcome.status == 200
    html = await welcome.text()
    assert "Open mijn chat" in html and invited.chat_id not in html
    form = {"csrf_token": _FORM_CSRF.search(html).group(1), "toestel": path.rsplit("=", 1)[1]}
    response = await client.post(f"/chat/{invited.invite_token}/open", data=form, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"/chat/{invited.invite_token}", "the code leaves the address bar"
    assert f'data-session="{invited.chat_id}"' in await open_chat(client, invited)

    other_browser(client)  # a third browser with the same device link: used
    response = await client.get(path)
    assert response.status == 403
    assert "Deze toestellink werkt niet" in await response.text()


async def test_an_expired_or_made_up_device_link_does_not_open_the_chat(client, invited):
    html = await open_chat(client, invited)
    link = (await (await post_form(client, invited, "/device/code", html)).json())["url"]
    async with db.session(client.app) as s:
        await s.execute(update(LinkCode).values(expires_at=NOW - timedelta(minutes=1)))
        await s.commit()
    other_browser(client)
    response = await client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status == 403 and invited.chat_id not in await response.text()
    for _ in range(5):
        await client.get(f"/chat/{invited.invite_token}?toestel=ABCDEFGHJK")
    response = await client.get(f"/chat/{invited.invite_token}?toestel=ABCDEFGHJK")
    assert response.status == 429, "guessing device links is cut off"
    assert "Even wachten" in await response.text()


async def test_a_new_invite_link_signs_out_every_browser(client, invited):
    await open_chat(client, invited)
    moved = []

    async def move_conversation(old_chat_id: str, new_chat_id: str) -> int:
        moved.append((old_chat_id, new_chat_id))
        return 2

    async with db.session(client.app) as s:
        renewed, signed_out, telegram_unlinked = await access.reissue_invite(s, invited.id, move_conversation)
    assert (signed_out, telegram_unlinked) == (1, False)
    old = await client.get(f"/chat/{invited.invite_token}")
    assert old.status == 404 and "Deze link werkt niet" in await old.text()
    html = await open_chat(client, renewed)
    assert renewed.chat_id != invited.chat_id and moved == [(invited.chat_id, renewed.chat_id)]
    assert f'data-session="{renewed.chat_id}"' in html, "the conversation, moved to the new chat id"


async def test_telegram_is_offered_only_when_configured_and_says_it_is_not_end_to_end_encrypted(client, invited, app):
    html = await open_chat(client, invited)
    assert "Telegram" not in html
    response = await post_form(client, invited, "/telegram/code", html)
    assert response.status == 404


@pytest.fixture
def app(config):
    from dataclasses import replace

    from backend.app import create_app

    application = create_app(config)
    application[CHANNEL_SETTINGS] = replace(application[CHANNEL_SETTINGS], telegram_bot_username=None)
    return application


@pytest_asyncio.fixture
async def telegram_client(aiohttp_client, config):
    from dataclasses import replace

    from backend.app import create_app

    application = create_app(config)
    application[CHANNEL_SETTINGS] = replace(application[CHANNEL_SETTINGS], telegram_bot_username="LoopbaanTestBot")
    return await aiohttp_client(application)


@pytest_asyncio.fixture
async def telegram_invited(telegram_client):
    from tests.backend.fixtures import Dossier

    dossier = Dossier(telegram_client.app)
    counsellor = await dossier.counsellor()
    return await dossier.client(counsellor.id, "Anaïs De Smet")


async def test_telegram_codes_link_once(telegram_client, telegram_invited, auth):
    client, invited = telegram_client, telegram_invited
    html = await open_chat(client, invited)
    assert "niet end-to-end versleuteld" in html
    assert "webchat op deze pagina is de standaard" in html
    answer = await (await post_form(client, invited, "/telegram/code", html)).json()
    code = answer["code"]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", code)
    assert answer["command"] == f"/start {code}"
    assert answer["link"] == f"https://t.me/LoopbaanTestBot?start={code}"

    lookup = await client.get("/api/v1/telegram/chats/4242", headers=auth)
    assert lookup.status == 404
    typed = f"{code[:5].lower()} {code[5:]}"  # typed on a phone: lower case, a space
    linked = await client.post("/api/v1/telegram/links", json={"code": typed, "telegram_chat_id": 4242}, headers=auth)
    assert linked.status == 201
    assert (await linked.json())["chat_id"] == invited.chat_id
    assert (await (await client.get("/api/v1/telegram/chats/4242", headers=auth)).json()) == {"chat_id": invited.chat_id}
    back = await client.get(f"/api/v1/chats/{invited.chat_id}/telegram", headers=auth)
    assert (await back.json()) == {"telegram_chat_id": "4242"}

    again = await client.post("/api/v1/telegram/links", json={"code": code, "telegram_chat_id": 777}, headers=auth)
    assert again.status == 409 and (await again.json())["error"] == "code_used"
    assert (await client.get("/api/v1/telegram/chats/777", headers=auth)).status == 404

    html = await open_chat(client, invited)
    assert 'data-linked="true"' in html
    unlinked = await post_form(client, invited, "/telegram/unlink", html)
    assert unlinked.status == 200
    assert (await client.get("/api/v1/telegram/chats/4242", headers=auth)).status == 404


async def test_wrong_telegram_codes(telegram_client, telegram_invited, auth):
    client, invited = telegram_client, telegram_invited
    html = await open_chat(client, invited)
    code = (await (await post_form(client, invited, "/telegram/code", html)).json())["code"]
    newer = (await (await post_form(client, invited, "/telegram/code", html)).json())["code"]
    url = "/api/v1/telegram/links"

    async def link(code_value, telegram_id=5151):
        response = await client.post(url, json={"code": code_value, "telegram_chat_id": telegram_id}, headers=auth)
        return response.status, (await response.json()).get("error")

    assert await link(code) == (409, "code_used"), "a newer code replaces the older one"
    assert await link("ABCDEFGHJK") == (404, "code_unknown")
    assert await link("") == (404, "code_unknown")
    assert await link(None) == (404, "code_unknown")
    async with db.session(client.app) as s:
        await s.execute(update(LinkCode).values(expires_at=NOW - timedelta(seconds=1)))
        await s.commit()
    assert await link(newer, 6161) == (410, "code_expired")
    assert (await client.post(url, json={"code": newer, "telegram_chat_id": "12a"}, headers=auth)).status == 400
    assert (await client.post(url, json={"code": newer, "telegram_chat_id": True}, headers=auth)).status == 400
    assert (await client.post(url, data=b"[", headers=auth)).status == 400
    assert (await client.post(url, json={"code": newer, "telegram_chat_id": 1})).status == 401
    for _ in range(3):
        await link("ABCDEFGHJK")
    assert await link("ABCDEFGHJK") == (429, "too_many_attempts"), "five wrong codes from one Telegram chat"
