"""The nasty input set at the counsellor's dashboard: every text in every form field (login,
notes, homework, search) and as a client's name, every text stored through the bot's API, and
wrong encodings at the forms. Then every page that shows the stored values is rendered: it must
show them as text (escaped markup, template syntax as typed), never run them."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import List
from urllib.parse import quote, urlencode

import pytest
from docx import Document

from backend import db
from backend.clock import local_today
from backend.dossier import accounts, validation
from backend.errors import InvalidInput
from backend.tables import NOTE_MAX, TEXT_MAX

from ..backend.conftest import csrf_from, login
from .inputs import BODIES, ORDINARY, TEXTS, by_id, escaped, raw_markup, templates_literal

pytestmark = pytest.mark.asyncio

NEXT_WEEK = (local_today() + timedelta(days=7)).isoformat()
FORM = "application/x-www-form-urlencoded"
# A fresh connection for each malformed body: aiohttp 3.9's client reuses a connection whose
# request body the server answered before reading it all, and the next request then fails.
CLOSE = {"Connection": "close"}


def page_problems(what: str, html: str) -> List[str]:
    found = raw_markup(html)
    return [f"{what}: unescaped {found}"] if found else []


async def form_post(client, path: str, fields: dict, token: str):
    return await client.post(path, data={**fields, "csrf_token": token}, allow_redirects=False)


async def signed_in(client, dossier):
    counsellor = await dossier.counsellor()
    jan = await dossier.client(counsellor.id, "Jan Janssens")
    response = await login(client)
    assert response.status == 303
    token = csrf_from(await (await client.get(f"/clients/{jan.id}")).text())
    return counsellor, jan, token


async def test_every_text_at_the_login_form(client, dossier):
    await dossier.counsellor()
    token = csrf_from(await (await client.get("/login")).text())
    problems, checks = [], 0
    for field, other in (("email", {"password": "fout-wachtwoord-1"}), ("password", {"email": "niemand@example.org"})):
        for text in TEXTS:
            response = await form_post(client, "/login", {field: text.text, **other}, token)
            checks += 1
            html = await response.text()
            if response.status not in (401, 429):  # a failed login (or too many), never a 500
                problems.append(f"login {field} {text.id}: {response.status}")
            problems += page_problems(f"login {field} {text.id}", html)
    assert not problems, "\n".join(problems)
    # The right password still works afterwards.
    assert (await login(client)).status == 303


async def test_every_text_in_notes_homework_and_search_is_kept_or_refused_and_shown_as_text(client, dossier):
    _, jan, token = await signed_in(client, dossier)
    base = f"/clients/{jan.id}"
    problems, checks = [], 0
    forms = [
        ("notes", "text", {}),
        ("homework", "text", {"due_date": NEXT_WEEK}),
        ("homework", "due_date", {"text": "Els bellen"}),
        ("homework", "reminder_at", {"text": "Els bellen", "due_date": NEXT_WEEK}),
        ("afsluiten", "ended_on", {}),
        ("overdragen", "colleague", {}),
    ]
    for form, field, others in forms:
        for text in TEXTS:
            response = await form_post(client, f"{base}/{form}", {**others, field: text.text}, token)
            checks += 1
            if response.status not in (303, 400, 413):
                problems.append(f"{form} {field} {text.id}: {response.status}")
            if response.status == 400:  # the form again, with what was typed in it
                html = await response.text()
                problems += page_problems(f"{form} {field} {text.id}", html)
            limit = NOTE_MAX if form == "notes" else TEXT_MAX
            if text.kind == "ordinary" and field == "text" and len(text.text) <= limit and response.status != 303:
                problems.append(f"{form} {field} {text.id}: refused ({response.status}), though it is ordinary text")
    for text in TEXTS:
        for query in (f"/?q={quote(text.text[:3000], safe='')}", f"/?pagina={quote(text.text[:3000], safe='')}"):
            response = await client.get(query)
            checks += 1
            if response.status not in (200, 400, 414, 431):
                problems.append(f"GET {query[:40]} ({text.id}): {response.status}")
            elif response.status == 200:
                problems += page_problems(f"search {text.id}", await response.text())
    assert not problems, f"{len(problems)} problems in {checks} checks:\n" + "\n".join(problems)

    detail = await (await client.get(base)).text()
    assert not page_problems("client page", detail), page_problems("client page", detail)
    assert templates_literal(detail), "notes and homework with {{ }} and {% %} are shown as typed"
    assert escaped(by_id("name_with_script").text) in detail
    assert escaped(by_id("attribute_breakout").text) in detail


async def seed_everything(client, auth, chat: str, texts) -> None:
    """Every text in every free-text field the bot can write, as the action server would."""
    api = f"/api/v1/chats/{chat}"
    for n, text in enumerate(texts):
        words = text.text
        writes = [
            ("insights", {"key": f"q{n}", "category": "quality", "value": "geduldig", "sentence": words, "status": "confirmed"}),
            ("insights", {"key": f"m{n}", "category": "motive", "value": words[:200], "sentence": words, "status": "confirmed"}),
            ("contacts", {"key": f"c{n}", "name": words[:200], "circle": "friends", "organisation": words[:200], "help": words[:1000], "sentence": words}),
            ("actions", {"key": f"a{n}", "text": words[:1000], "due_date": NEXT_WEEK, "measure": words[:1000]}),
            ("mood", {"key": f"md{n}", "mood": "bad", "sentence": words}),
            ("flags", {"key": f"f{n}", "kind": "stuck", "message": words}),
        ]
        for path, body in writes:
            response = await client.post(f"{api}/{path}", json=body, headers=auth)
            assert response.status in (200, 201, 400), (path, text.id, response.status)
            if path == "actions" and response.status == 201:
                action_id = (await response.json())["action_id"]
                patched = await client.patch(f"{api}/actions/{action_id}", json={"status": "blocked", "obstacle": words}, headers=auth)
                assert patched.status == 200, (text.id, await patched.text())


async def test_stored_texts_are_shown_escaped_on_every_page(client, auth, dossier):
    counsellor = await dossier.counsellor()
    # Every text that is a valid name (as `clients create` checks it) becomes a client's name.
    named = []
    async with db.session(client.app) as s:
        for text in TEXTS:
            try:
                name = validation.name(text.text)
            except InvalidInput:
                continue
            named.append((text, await accounts.create_client(s, counsellor.id, name)))
    assert {t.id for t, _ in named} >= {"name_with_script", "sql_drop_table", "jinja_expression", "rtl_arabic", "emoji_only"}
    jan = named[0][1]
    await client.put(f"/api/v1/chats/{jan.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await seed_everything(client, auth, jan.chat_id, ORDINARY)
    assert (await login(client)).status == 303

    problems, checks = [], 0
    for text, named_client in named:
        for path in (f"/clients/{named_client.id}", f"/clients/{named_client.id}/pop"):
            response = await client.get(path)
            checks += 1
            html = await response.text()
            if response.status != 200:
                problems.append(f"{path} ({text.id}): {response.status}")
            problems += page_problems(f"{path} ({text.id})", html)
        docx = await client.get(f"/clients/{named_client.id}/pop.docx")
        checks += 1
        if docx.status != 200:
            problems.append(f"pop.docx ({text.id}): {docx.status}")
        else:
            Document(io.BytesIO(await docx.read()))  # a document Word can open
    listing = await (await client.get("/")).text()
    problems += page_problems("client list", listing)
    assert not problems, f"{len(problems)} problems in {checks} pages:\n" + "\n".join(problems)

    detail = await (await client.get(f"/clients/{jan.id}")).text()
    assert templates_literal(detail), "{{ 7*7 }} and {% debug %} are shown as the client typed them"
    for entry in ("name_with_script", "img_onerror", "attribute_breakout", "html_comment_and_entities", "sql_drop_table"):
        assert escaped(by_id(entry).text) in detail, entry
    assert escaped(by_id("name_with_script").text) in listing
    pop_page = await (await client.get(f"/clients/{jan.id}/pop")).text()
    assert not raw_markup(pop_page) and "{{ 7*7 }}" in pop_page


def form_body(entry, token: str) -> bytes:
    """A YAML body entry as a dashboard form: the literal body as it is, or the text as the note,
    in the entry's (wrong) encoding, not percent-encoded (as a careless client would send it)."""
    if entry.literal is not None:
        return entry.literal
    marker = "NASTYTEXT"
    raw = urlencode({"csrf_token": token, "text": marker}).encode("ascii")
    value = entry.text.encode(entry.encoding, "surrogatepass") + entry.inject
    return raw.replace(marker.encode(), value)


def form_content_type(entry) -> str:
    if entry.literal is not None:
        return entry.content_type
    charset = re.search(r"charset=([\w-]+)", entry.content_type)
    return FORM + (f"; charset={charset.group(1)}" if charset else "")


async def test_wrong_encodings_at_every_form(client, dossier):
    _, jan, token = await signed_in(client, dossier)
    invited = await dossier.client((await dossier.counsellor("b@example.org")).id, "Bea")
    # /logout last: it ends the session the other forms need.
    forms = ["/login", f"/clients/{jan.id}/notes", f"/clients/{jan.id}/homework", f"/clients/{jan.id}/afsluiten", f"/clients/{jan.id}/overdragen", f"/chat/{invited.invite_token}/open", "/logout"]
    problems, checks = [], 0
    for path in forms:
        for entry in BODIES:
            data = form_body(entry, token)
            response = await client.post(
                path, data=io.BytesIO(data), headers={**CLOSE, "Content-Type": form_content_type(entry)}, allow_redirects=False
            )
            checks += 1
            allowed = {413} if entry.expect == "too_large" else {303, 400, 401, 403}
            if response.status not in allowed:
                problems.append(f"POST {path} {entry.id}: {response.status}")
            elif response.status < 500:
                problems += page_problems(f"POST {path} {entry.id}", await response.text())
    assert not problems, f"{len(problems)} problems in {checks} posts:\n" + "\n".join(problems)
    assert (await login(client)).status == 303, "still serving"
    assert (await client.get(f"/clients/{jan.id}")).status == 200
