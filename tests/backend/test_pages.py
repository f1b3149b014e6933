"""The counsellor's pages: list, client page, homework, notes, flags, POP, audit, access."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from sqlalchemy import func, select

from backend import db
from backend.app import create_app
from backend.clock import local_today
from backend.dashboard import queries
from backend.tables import Action, AuditEntry, Note, Reminder

from .conftest import csrf_from, insight_body, login
from .tracker import write_events

pytestmark = pytest.mark.asyncio

TOMORROW = (local_today() + timedelta(days=1)).isoformat()
NEXT_WEEK = (local_today() + timedelta(days=7)).isoformat()


async def consent(client, auth, chat):
    await client.put(f"/api/v1/chats/{chat}/consent", json={"given": True, "version": "v1"}, headers=auth)


async def seed_rich_client(client, auth, dossier, name="Jan Janssens"):
    """A client who did a bit of everything, through the bot's API."""
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, name)
    chat = jan.chat_id
    api = f"/api/v1/chats/{chat}"
    await consent(client, auth, chat)
    for key, category, value, sentence in [
        ("q1", "quality", "geduldig", "Ik heb de boze klant rustig geholpen."),
        ("q2", "quality", "geduldig", "Mijn collega zei dat ik nooit kwaad word."),
        ("m1", "motive", "autonomie", "Ik wil zelf mijn dag indelen."),
        ("n1", "network", "oud-collega Els", "Els werkt nu bij de stad."),
        ("l1", "labour_market", "logistiek bediende", "Dat lijkt me iets voor mij."),
    ]:
        await client.post(f"{api}/insights", json=insight_body(key=key, category=category, value=value, sentence=sentence), headers=auth)
    for key, name_, circle in [("c1", "Els Maes", "colleagues"), ("c2", "Mama", "family"), ("c3", "Karim", "friends")]:
        await client.post(f"{api}/contacts", json={"key": key, "name": name_, "circle": circle, "sentence": ""}, headers=auth)
    await client.post(f"{api}/actions", json={"key": "a1", "text": "Els bellen", "due_date": NEXT_WEEK, "measure": "gesprek gehad"}, headers=auth)
    await client.post(f"{api}/mood", json={"key": "md1", "mood": "good", "sentence": "Het gaat beter."}, headers=auth)
    await client.post(f"{api}/mood", json={"key": "md2", "mood": "bad", "sentence": "Vandaag niet."}, headers=auth)
    await client.post(f"{api}/flags", json={"key": "f1", "kind": "stuck", "message": "Ik weet het niet meer."}, headers=auth)
    return an, jan


async def page(client, path):
    response = await client.get(path)
    return response.status, await response.text()


async def audit_actions(app, client_id):
    async with db.session(app) as s:
        return [e.action for e in await queries.audit_entries(s, client_id)]


# The client list


async def test_list_shows_news_flags_and_homework(client, auth, dossier):
    an, jan = await seed_rich_client(client, auth, dossier)
    quiet = await dossier.client(an.id, "Aline Stil")
    await login(client)

    status, html = await page(client, "/")
    assert status == 200
    # Jan has an open flag: first, although Aline comes first alphabetically.
    assert html.index("Jan Janssens") < html.index("Aline Stil")
    jan_row = html[html.index("Jan Janssens"):html.index("Aline Stil")]
    assert "nog niet bekeken" in jan_row
    assert "1 open" in jan_row

    # After a visit nothing is new; then the client does something.
    await client.get(f"/clients/{jan.id}")
    html = (await page(client, "/"))[1]
    assert "niets nieuws" in html[html.index("Jan Janssens"):html.index("Aline Stil")]
    api = f"/api/v1/chats/{jan.chat_id}"
    await client.post(f"{api}/insights", json=insight_body(key="q3", value="nauwkeurig"), headers=auth)
    await client.post(f"{api}/insights", json=insight_body(key="q4", value="eerlijk"), headers=auth)
    await client.post(f"{api}/actions", json={"key": "a2", "text": "cv maken"}, headers=auth)
    html = (await page(client, "/"))[1]
    row = html[html.index("Jan Janssens"):html.index("Aline Stil")]
    assert "2 inzichten, 1 actie" in row
    assert quiet.name in html


async def test_crisis_comes_before_other_flags(client, auth, dossier):
    an = await dossier.counsellor()
    stuck = await dossier.client(an.id, "Bart Vast")
    crisis = await dossier.client(an.id, "Zoë Crisis")
    await consent(client, auth, stuck.chat_id)
    await client.post(f"/api/v1/chats/{stuck.chat_id}/flags", json={"key": "f", "kind": "stuck", "message": ""}, headers=auth)
    await client.post(f"/api/v1/chats/{crisis.chat_id}/insights", json=insight_body(category="crisis", value="crisissignaal"), headers=auth)
    await login(client)
    html = (await page(client, "/"))[1]
    assert html.index("Zoë Crisis") < html.index("Bart Vast")
    assert 'class="flag flag-crisis"' in html


async def test_a_client_who_is_not_safe_and_alone_comes_before_a_possible_signal(client, auth, dossier):
    an = await dossier.counsellor()
    possible = await dossier.client(an.id, "Anna Misschien")
    alone = await dossier.client(an.id, "Zeno Alleen")
    for chat, key, value, sentence in [
        (alone.chat_id, "a1", "crisissignaal", "ik wil niet meer leven"),
        (alone.chat_id, "a2", "niet veilig en alleen", "ik wil niet meer leven | daarna: nee | daarna: nee ik ben alleen"),
        (possible.chat_id, "p1", "mogelijk crisissignaal", "ik wil verdwijnen"),
    ]:
        body = insight_body(key=key, category="crisis", value=value, sentence=sentence)
        await client.post(f"/api/v1/chats/{chat}/insights", json=body, headers=auth)
    # The possible signal is the most recent activity; urgency still wins.
    await client.post(f"/api/v1/chats/{possible.chat_id}/mood", json={"key": "m", "mood": "bad", "sentence": ""}, headers=auth)
    await login(client)
    html = (await page(client, "/"))[1]
    assert html.index("Zeno Alleen") < html.index("Anna Misschien")
    zeno_row = html[html.index("Zeno Alleen"):html.index("Anna Misschien")]
    assert "niet veilig en alleen" in zeno_row

    html = (await page(client, f"/clients/{alone.id}"))[1]
    cards = html[html.index('id="signalen"'):]
    assert cards.index("Crisis (niet veilig en alleen)") < cards.index("Crisis (crisissignaal)")
    assert "daarna: nee ik ben alleen" in cards


async def test_a_client_who_is_not_safe_is_named_so_not_as_in_danger_from_others(client, auth, dossier):
    """Found walking the path: a plain "niet veilig" flag was listed as "niet veilig: gevaar
    door anderen", the other value of the same rank."""
    an = await dossier.counsellor()
    unsafe = await dossier.client(an.id, "Nora Onveilig")
    for key, value in (("n1", "crisissignaal"), ("n2", "niet veilig")):
        body = insight_body(key=key, category="crisis", value=value, sentence="ik wil sterven | daarna: nee")
        await client.post(f"/api/v1/chats/{unsafe.chat_id}/insights", json=body, headers=auth)
    await login(client)
    html = (await page(client, "/"))[1]
    row = html[html.index("Nora Onveilig"):]
    assert ">niet veilig<" in row and "gevaar door anderen" not in row


async def test_list_counts_open_homework(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    for text in ("cv nalezen", "vacature zoeken"):
        await client.post(f"/clients/{jan.id}/homework", data={"csrf_token": token, "text": text, "due_date": TOMORROW})
    html = (await page(client, "/"))[1]
    assert re.search(r'<td class="number">\s*2\s*</td>', html)


async def test_search_and_pages_of_fifty(client, dossier):
    an = await dossier.counsellor()
    async with db.session(client.app) as s:
        from backend.tables import Client

        s.add_all(Client(counsellor_id=an.id, name=f"Cliënt {i:03d}", chat_id=f"c{i}", invite_token=f"i{i}") for i in range(120))
        await s.commit()
    await dossier.client(an.id, "Zeldzame_Naam 100%")
    await login(client)

    first = (await page(client, "/"))[1]
    assert first.count('<td><a href="/clients/') == 50
    assert "Pagina 1 van 3" in first
    third = (await page(client, "/?pagina=3"))[1]
    assert third.count('<td><a href="/clients/') == 21
    assert 'rel="next"' not in third
    assert (await page(client, "/?pagina=99"))[1].count('<td><a href="/clients/') == 21  # past the end: the last page
    assert (await client.get("/?pagina=abc")).status == 200

    found = (await page(client, "/?q=cliënt 01"))[1]
    assert found.count('<td><a href="/clients/') == 10  # 010..019
    # Wildcards in the search are literal characters.
    assert (await page(client, "/?q=_naam 100%"))[1].count('<td><a href="/clients/') == 1
    assert (await page(client, "/?q=%25"))[1].count('<td><a href="/clients/') == 1
    nothing = (await page(client, "/?q=Xavier"))[1]
    assert "Geen cliënt gevonden voor “Xavier”" in nothing


# The client page


async def test_client_page_shows_every_part_of_the_dossier(client, auth, dossier, tracker_path):
    _, jan = await seed_rich_client(client, auth, dossier)
    t0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    write_events(f"sqlite:///{tracker_path}", jan.chat_id, [
        ("session_started", t0, None),
        ("user", t0 + timedelta(seconds=3), "hallo, ik ben Jan"),
        ("bot", t0 + timedelta(seconds=4), "Dag Jan! Ik ben een computerprogramma."),
    ])
    await login(client)
    status, html = await page(client, f"/clients/{jan.id}")
    assert status == 200
    for text in (
        "Kwaliteiten", "geduldig", "Mijn collega zei dat ik nooit kwaad word.", "Motieven en waarden",
        "Arbeidsmarkt", "logistiek bediende", "Els bellen", "gesprek gehad", "nog te doen",
        "Je cliënt zit vast.", "Ik weet het niet meer.", "hallo, ik ben Jan", "Dag Jan! Ik ben een computerprogramma.",
        "Gesprek van 1 mei 2024, 11:00", "dit is je eerste bezoek",
    ):
        assert text in html, text
    # The network map: one ring per used circle, a dot per contact, inline SVG.
    svg = html[html.index('<svg class="network-map"'):html.index("</svg>")]
    assert svg.count('class="contact not-contacted"') == 3
    for label in ("Familie", "Vrienden", "(Oud-)collega&#39;s", "Els Maes", "Mama", "Karim"):
        assert label in svg
    assert 'class="timeline-chart"' in html
    assert html.count('class="mood mood-') == 2


async def test_page_has_no_inline_script_or_style(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    for path in ("/", f"/clients/{jan.id}", f"/clients/{jan.id}/pop"):
        response = await client.get(path)
        html = await response.text()
        # Scripts only from files (CSP script-src 'self'), never inline; no style attributes.
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
        assert all(body.strip() == "" for body in scripts), path
        assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", html)), path
        assert "style=" not in html and "<style" not in html and "onclick" not in html.lower(), path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        # No <base> and no form that posts elsewhere, even if markup got in.
        assert "base-uri 'none'" in response.headers["Content-Security-Policy"]
        assert "form-action 'self'" in response.headers["Content-Security-Policy"]
        # Served over http here (PUBLIC_URL): no HSTS, which would lock browsers out.
        assert "Strict-Transport-Security" not in response.headers


async def test_behind_https_browsers_are_told_to_stay_on_https(aiohttp_client, config):
    app = create_app(dataclasses.replace(config, public_url="https://dossier.example.org", cookie_secure=True))
    response = await (await aiohttp_client(app)).get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


async def test_transcript_is_hidden_without_consent(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    write_events(f"sqlite:///{tracker_path}", jan.chat_id, [("user", datetime.now(timezone.utc), "geheim bericht")])
    await login(client)
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert "geheim bericht" not in html
    assert "gaf (nog) geen toestemming" in html


async def test_unreadable_tracker_store_is_said_on_the_page(aiohttp_client, config, auth, unused_tcp_port_factory):
    import dataclasses

    from backend.app import create_app

    from .fixtures import Dossier

    broken = dataclasses.replace(config, tracker_store_url=f"postgresql://nobody@127.0.0.1:{unused_tcp_port_factory()}/rasa")
    client = await aiohttp_client(create_app(broken))
    dossier = Dossier(client.app)
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await consent(client, auth, jan.chat_id)
    await login(client)
    status, html = await page(client, f"/clients/{jan.id}")
    assert status == 200
    assert "De gesprekken kunnen nu niet gelezen worden." in html


async def test_new_items_are_marked_after_a_visit(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    first = (await page(client, f"/clients/{jan.id}"))[1]
    assert '<span class="badge">nieuw</span>' not in first  # a first visit marks nothing
    await client.post(f"/api/v1/chats/{jan.chat_id}/insights", json=insight_body(key="new", value="creatief"), headers=auth)
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert html.count('<span class="badge">nieuw</span>') == 1
    assert re.search(r"creatief\s*<span class=\"badge\">nieuw</span>", html)
    assert "dit is je eerste bezoek" not in html


async def test_every_read_and_export_is_audited(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    await client.get(f"/clients/{jan.id}")
    await client.get(f"/clients/{jan.id}")
    await client.get(f"/clients/{jan.id}/pop")
    await client.get(f"/clients/{jan.id}/pop.docx")
    assert await audit_actions(client.app, jan.id) == ["view_client", "view_client", "export_pop", "export_pop"]
    async with db.session(client.app) as s:
        entries = await queries.audit_entries(s, jan.id)
    assert all(e.counsellor_id == jan.counsellor_id and e.at is not None for e in entries)


# Homework


async def test_assign_homework_reaches_the_bot(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await consent(client, auth, jan.chat_id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    reminder_day = local_today() + timedelta(days=2)
    response = await client.post(
        f"/clients/{jan.id}/homework",
        data={"csrf_token": token, "text": "Drie vacatures zoeken", "due_date": NEXT_WEEK, "reminder_at": f"{reminder_day}T09:30"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/clients/{jan.id}#acties"
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert "Het huiswerk is opgeslagen." in html
    assert "Drie vacatures zoeken" in html and "huiswerk" in html
    assert "Het huiswerk is opgeslagen." not in (await page(client, f"/clients/{jan.id}"))[1]  # said once

    summary = await (await client.get(f"/api/v1/chats/{jan.chat_id}/summary", headers=auth)).json()
    homework = summary["open_actions"][0]
    assert (homework["text"], homework["is_homework"], homework["created_by"], homework["due_date"]) == (
        "Drie vacatures zoeken", True, "counsellor", NEXT_WEEK
    )
    # 09:30 in Brussels, stored and given in UTC.
    reminder = datetime.fromisoformat(homework["reminder_at"])
    assert reminder.utcoffset() == timedelta(0)
    assert reminder.astimezone(__import__("backend.clock").clock.local_zone()).strftime("%H:%M") == "09:30"
    assert "assign_homework" in await audit_actions(client.app, jan.id)
    # Its reminder is waiting from the moment it is saved (same transaction), for that time.
    async with db.session(client.app) as s:
        waiting = (await s.execute(select(Reminder.action_id, Reminder.status, Reminder.due_at))).all()
    assert [tuple(row) for row in waiting] == [(homework["id"], "pending", reminder)]


async def test_homework_without_a_reminder_time_gets_no_reminder(client, auth, dossier):
    jan = await dossier.client((await dossier.counsellor()).id)
    await consent(client, auth, jan.chat_id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    await client.post(f"/clients/{jan.id}/homework", data={"csrf_token": token, "text": "cv", "due_date": NEXT_WEEK})
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Reminder.id))) == 0
        assert await s.scalar(select(func.count(Action.id))) == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": "", "due_date": TOMORROW}, "Vul wat de cliënt moet doen in."),
        ({"text": "x" * 1001, "due_date": TOMORROW}, "Dat is te lang"),
        ({"text": "cv", "due_date": ""}, "Kies een deadline."),
        ({"text": "cv", "due_date": "2020-01-01"}, "Die datum is al voorbij."),
        ({"text": "cv", "due_date": "2025-02-30"}, "Die datum bestaat niet."),
        ({"text": "cv", "due_date": "volgende week"}, "Die datum bestaat niet."),
        ({"text": "cv", "due_date": TOMORROW, "reminder_at": "morgen"}, "Dat tijdstip klopt niet."),
        ({"text": "cv", "due_date": TOMORROW, "reminder_at": "2020-01-01T10:00"}, "Dat tijdstip is al voorbij."),
        ({"text": "cv", "due_date": TOMORROW, "reminder_at": f"{local_today() + timedelta(days=5)}T10:00"}, "na de deadline"),
    ],
    ids=["empty", "long", "no-date", "past", "impossible", "words", "bad-reminder", "past-reminder", "reminder-after-due"],
)
async def test_bad_homework_is_a_dutch_message_and_nothing_is_stored(client, dossier, fields, message):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    response = await client.post(f"/clients/{jan.id}/homework", data={"csrf_token": token, **fields})
    assert response.status == 400
    html = await response.text()
    assert "Het huiswerk is niet opgeslagen." in html
    assert message in html
    if fields["text"] and len(fields["text"]) < 100:
        assert f">{fields['text']}</textarea>" in html  # what was typed is kept
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Action.id))) == 0


async def test_homework_text_with_script_is_stored_as_text(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    await client.post(f"/clients/{jan.id}/homework", data={"csrf_token": token, "text": "<script>alert(1)</script>", "due_date": TOMORROW})
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Notes and flags


async def test_notes_are_kept_with_author_and_audited(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    token = csrf_from((await page(client, f"/clients/{jan.id}"))[1])
    response = await client.post(f"/clients/{jan.id}/notes", data={"csrf_token": token, "text": "Volgende keer:\nnetwerk bespreken"}, allow_redirects=False)
    assert response.status == 303
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert "Volgende keer:\nnetwerk bespreken" in html
    assert "An Peeters," in html
    assert "add_note" in await audit_actions(client.app, jan.id)

    empty = await client.post(f"/clients/{jan.id}/notes", data={"csrf_token": token, "text": "   "})
    assert empty.status == 400
    assert "Vul je notitie in." in await empty.text()
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Note.id))) == 1


async def test_resolving_a_flag_moves_it_to_the_resolved_ones(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    html = (await page(client, f"/clients/{jan.id}"))[1]
    action = re.search(r'action="(/clients/\d+/flags/\d+/resolve)"', html).group(1)
    response = await client.post(action, data={"csrf_token": csrf_from(html)}, allow_redirects=False)
    assert response.status == 303
    html = (await page(client, f"/clients/{jan.id}"))[1]
    assert "Geen open signalen." in html
    assert "Afgehandelde signalen (1)" in html
    assert "resolve_flag" in await audit_actions(client.app, jan.id)
    home = (await page(client, "/"))[1]
    assert "1 open" not in home


# POP draft


async def test_pop_docx_has_both_parts_in_the_clients_words(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier, name="Anaïs Ça/va")
    await login(client)
    response = await client.get(f"/clients/{jan.id}/pop.docx")
    assert response.status == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="POP-ontwerp-Anais-Ca-va.docx"' in disposition
    assert "filename*=UTF-8''POP-ontwerp%20Ana%C3%AFs%20%C3%87a-va.docx" in disposition
    document = Document(io.BytesIO(await response.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for expected in ("POP-ontwerp van Anaïs Ça/va", "Deel 1. Reflectie", "Kwaliteiten", "geduldig",
                     "“Ik heb de boze klant rustig geholpen.”", "“Mijn collega zei dat ik nooit kwaad word.”",
                     "Motieven en waarden", "autonomie", "Arbeidsmarkt", "logistiek bediende", "Deel 2. Acties"):
        assert expected in text, expected
    assert text.count("geduldig") == 1  # one quality, two of the client's sentences
    for expected in ("Els bellen", "gesprek gehad", "nog te doen", "Els Maes", "collega of oud-collega"):
        assert expected in cells, expected


async def test_pop_page_is_printable_html(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    status, html = await page(client, f"/clients/{jan.id}/pop")
    assert status == 200
    assert "Deel 1. Reflectie" in html and "Deel 2. Acties" in html
    assert "Ik wil zelf mijn dag indelen." in html
    assert 'class="print-page"' in html


# Access


async def test_another_counsellors_client_is_404_on_every_route(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    async with db.session(client.app) as s:
        flag_id = (await queries.client_dossier(s, jan.counsellor_id, jan.id, record_view=False)).flags[0].id
    await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    await login(client, email="bo@example.org")
    token = csrf_from((await page(client, "/"))[1])
    base = f"/clients/{jan.id}"
    for method, path, data in [
        ("GET", base, None),
        ("GET", f"{base}/pop", None),
        ("GET", f"{base}/pop.docx", None),
        ("POST", f"{base}/homework", {"text": "cv", "due_date": TOMORROW}),
        ("POST", f"{base}/notes", {"text": "gluren"}),
        ("POST", f"{base}/flags/{flag_id}/resolve", {}),
    ]:
        response = await client.request(method, path, data=None if data is None else {"csrf_token": token, **data})
        assert response.status == 404, (method, path)
        html = await response.text()
        assert "Niet gevonden" in html and "Jan Janssens" not in html
    async with db.session(client.app) as s:
        dossier_now = await queries.client_dossier(s, jan.counsellor_id, jan.id, record_view=False)
    assert dossier_now.flags[0].resolved_at is None
    assert [a.text for a in dossier_now.actions] == ["Els bellen"] and dossier_now.notes == []
    assert await audit_actions(client.app, jan.id) == []


async def test_a_flag_of_another_client_is_404(client, auth, dossier):
    an, jan = await seed_rich_client(client, auth, dossier)
    other = await dossier.client(an.id, "Tweede")
    async with db.session(client.app) as s:
        flag_id = (await queries.client_dossier(s, an.id, jan.id, record_view=False)).flags[0].id
    await login(client)
    token = csrf_from((await page(client, "/"))[1])
    response = await client.post(f"/clients/{other.id}/flags/{flag_id}/resolve", data={"csrf_token": token})
    assert response.status == 404


async def test_forms_need_a_login_and_a_csrf_token(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    for path in (f"/clients/{jan.id}/pop", f"/clients/{jan.id}/pop.docx"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login"
    await login(client)
    for path in (f"/clients/{jan.id}/homework", f"/clients/{jan.id}/notes"):
        response = await client.post(path, data={"csrf_token": "forged", "text": "x", "due_date": TOMORROW})
        assert response.status == 403
        assert "Het formulier is verlopen of ongeldig" in await response.text()
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Action.id))) == 0
        assert await s.scalar(select(func.count(Note.id))) == 0


async def test_expired_session_says_so(client, dossier):
    await dossier.counsellor()
    await login(client)
    # The browser still has the marker cookie, but the session cookie is gone (expired).
    client.session.cookie_jar.update_cookies({"dossier_session": "expired-garbage"})
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login?verlopen=1"
    html = await (await client.get("/login?verlopen=1")).text()
    assert "Je sessie is verlopen. Meld je opnieuw aan." in html
    # Said once: afterwards a plain redirect.
    assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/login"


async def test_audit_entries_have_no_content(client, auth, dossier):
    _, jan = await seed_rich_client(client, auth, dossier)
    await login(client)
    await client.get(f"/clients/{jan.id}")
    async with db.session(client.app) as s:
        columns = set(AuditEntry.__table__.columns.keys())
        assert columns == {"id", "counsellor_id", "client_id", "action", "at", "to_counsellor_id"}  # ids only
        assert await s.scalar(select(func.count(AuditEntry.id))) == 1


async def test_a_5000_character_insight_is_shown_whole(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await consent(client, auth, jan.chat_id)
    long_sentence = ("Ik vertelde de klant rustig wat er mis was gegaan & hoe we het oplossen. " * 70)[:5000].strip()
    response = await client.post(f"/api/v1/chats/{jan.chat_id}/insights", json=insight_body(sentence=long_sentence), headers=auth)
    assert response.status == 201
    too_long = await client.post(f"/api/v1/chats/{jan.chat_id}/insights", json=insight_body(key="2", sentence="x" * 5001), headers=auth)
    assert too_long.status == 400
    await login(client)
    status, html = await page(client, f"/clients/{jan.id}")
    assert status == 200
    assert long_sentence.replace("&", "&amp;") in html
    docx = await client.get(f"/clients/{jan.id}/pop.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(await docx.read())).paragraphs)
    assert long_sentence in text


async def test_pop_docx_survives_characters_xml_cannot_hold(client, auth, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await consent(client, auth, jan.chat_id)
    api = f"/api/v1/chats/{jan.chat_id}"
    await client.post(f"{api}/insights", json=insight_body(value="geduldig", sentence="rustig\uffff gebleven\ufffe"), headers=auth)
    await client.post(f"{api}/actions", json={"key": "a", "text": "bellen\uffff", "obstacle": None}, headers=auth)
    await login(client)
    response = await client.get(f"/clients/{jan.id}/pop.docx")
    assert response.status == 200
    document = Document(io.BytesIO(await response.read()))
    assert "“rustig\ufffd gebleven\ufffd”" in "\n".join(p.text for p in document.paragraphs)
