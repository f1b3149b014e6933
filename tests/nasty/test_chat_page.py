"""The nasty input set at the client's chat page and its invite and device links
(backend/chat/page.py, backend/chat/access.py): as the invite token, as a device code, as the form
token, as the device cookie. Each answer is a Dutch page or a JSON error, never a 500, and
nothing of the input is echoed as markup."""
from __future__ import annotations

import re
from urllib.parse import quote

import aiohttp
import pytest
import pytest_asyncio

from .inputs import TEXTS, raw_markup

pytestmark = pytest.mark.asyncio

_FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_PAGE_CSRF = re.compile(r'data-csrf="([^"]+)"')
PAGE_POSTS = ["/open", "/visit", "/telegram/code", "/telegram/unlink", "/device/code"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@pytest_asyncio.fixture
async def invited(dossier):
    counsellor = await dossier.counsellor()
    return await dossier.client(counsellor.id, "Anaïs De Smet")


def header_safe(text: str) -> str:
    """As much of the text as an HTTP header can carry."""
    return _CONTROL.sub("", text)[:4000]


async def fresh_browser(client) -> None:
    client.session.cookie_jar.clear()


async def test_every_text_as_invite_token_and_device_code(client, invited):
    base = f"/chat/{invited.invite_token}"
    problems, checks = [], 0
    for text in TEXTS:
        await fresh_browser(client)
        for path, allowed in (
            (f"/chat/{quote(text.text, safe='')}", {404, 400, 414, 431}),
            (f"/chat/{quote(text.text, safe='')}/history", {403, 404, 400, 414, 431}),
            (f"{base}?toestel={quote(text.text, safe='')}", {200, 403, 429, 400, 414, 431}),
        ):
            response = await client.get(path)
            checks += 1
            body = await response.text()
            if response.status not in allowed:
                problems.append(f"GET {path[:60]} ({text.id}): {response.status}")
            if raw_markup(body) or invited.chat_id in body:
                problems.append(f"GET {path[:60]} ({text.id}): echoed markup or the chat id")
        # The welcome page's button with the text as a device code, in a new browser.
        welcome = await client.get(base)
        token = _FORM_CSRF.search(await welcome.text())
        if token:  # the link is not used yet in this run
            response = await client.post(f"{base}/open", data={"csrf_token": token.group(1), "toestel": text.text}, allow_redirects=False)
            checks += 1
            if response.status not in (303, 403, 429, 413):
                problems.append(f"POST /open toestel ({text.id}): {response.status}")
            if raw_markup(await response.text()):
                problems.append(f"POST /open toestel ({text.id}): echoed markup")
    assert not problems, f"{len(problems)} problems in {checks} requests:\n" + "\n".join(problems)


async def open_chat(client, invited) -> str:
    await fresh_browser(client)
    html = await (await client.get(f"/chat/{invited.invite_token}")).text()
    if "Open mijn chat" in html:
        response = await client.post(f"/chat/{invited.invite_token}/open", data={"csrf_token": _FORM_CSRF.search(html).group(1)})
        html = await response.text()
    assert f'data-session="{invited.chat_id}"' in html, html[:300]
    return _PAGE_CSRF.search(html).group(1)


async def test_every_text_as_form_token_form_field_and_device_cookie(client, invited):
    base = f"/chat/{invited.invite_token}"
    csrf = await open_chat(client, invited)
    device = {c.key: c.value for c in client.session.cookie_jar}["chat_device"]
    problems, checks = [], 0
    for text in TEXTS:
        for path in PAGE_POSTS:
            # A wrong form token: 403, whatever it holds.
            response = await client.post(base + path, data={"csrf_token": text.text}, allow_redirects=False)
            checks += 1
            if response.status not in (403, 413):
                problems.append(f"POST {path} csrf ({text.id}): {response.status}")
            # The right token with the text in a field the page does not send: ignored.
            response = await client.post(base + path, data={"csrf_token": csrf, "toestel": text.text, "x": text.text}, allow_redirects=False)
            checks += 1
            if response.status not in (200, 303, 404, 413):
                problems.append(f"POST {path} field ({text.id}): {response.status}")
            if raw_markup(await response.text()):
                problems.append(f"POST {path} ({text.id}): echoed markup")
        # Another browser with the text as its device cookie: no access, a plain page.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other:
            cookie = {"Cookie": f"chat_device={quote(header_safe(text.text))}"}
            async with other.get(client.make_url(base), headers=cookie) as response:
                checks += 1
                body = await response.text()
                if response.status != 403:  # the link is used: "Deze link is al gebruikt"
                    problems.append(f"GET with device cookie ({text.id}): {response.status}")
                if invited.chat_id in body or raw_markup(body):
                    problems.append(f"GET with device cookie ({text.id}): leaked or echoed")
    assert not problems, f"{len(problems)} problems in {checks} requests:\n" + "\n".join(problems)
    # The client's own browser still has its chat.
    await fresh_browser(client)
    response = await client.get(base, headers={"Cookie": f"chat_device={device}"})
    assert response.status == 200 and f'data-session="{invited.chat_id}"' in await response.text()
