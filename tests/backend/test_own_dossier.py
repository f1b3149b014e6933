"""The client's own 'Mijn dossier' page (backend/chat/own_dossier.py): who may open it, what it
shows, corrections and removals per item (audited, visible to the counsellor), actions marked
done, erasing everything, and the choice whether the counsellor reads the whole conversation."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from backend import db
from backend.app import create_app
from backend.chat import access
from backend.clock import local_today
from backend.dossier import client_edits
from backend.dossier.erasure import AUDIT_ACTION as ERASED
from backend.rasa.transcripts import TRANSCRIPTS
from backend.tables import Action, AuditEntry, Client, Contact, Insight, MoodEntry

from ..channels.test_chat_access import open_chat, other_browser
from .conftest import insight_body, login
from ..nasty.inputs import TEXTS, raw_markup
from .tracker import write_events

pytestmark = pytest.mark.asyncio

NEXT_WEEK = (local_today() + timedelta(days=7)).isoformat()
_FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def seed(client, auth, dossier, name="Anaïs De Smet", counsellor=None):
    """A client who confirmed a bit of everything through the bot's API, with consent."""
    counsellor = counsellor or await dossier.counsellor()
    person = await dossier.client(counsellor.id, name)
    api = f"/api/v1/chats/{person.chat_id}"
    await client.put(f"{api}/consent", json={"given": True, "version": "v1"}, headers=auth)
    for key, category, value, sentence in [
        ("q1", "quality", "geduldig", "Ik heb de boze klant rustig geholpen."),
        ("m1", "motive", "autonomie", "Ik wil zelf mijn dag indelen."),
        ("m2", "motive", "moet: een vast contract", "Een vast contract is een must."),
        ("m3", "motive", "liever niet: nachtwerk", "Geen nachtwerk meer."),
        ("l1", "labour_market", "jobdoel: logistiek bediende", "Dat lijkt me iets voor mij."),
        ("l2", "labour_market", "nog uitzoeken: de uurroosters", "Hoe zijn de uren?"),
        ("v1", "question_for_counsellor", "Kan ik een opleiding volgen?", "Kan ik een opleiding volgen?"),
    ]:
        body = insight_body(key=key, category=category, value=value, sentence=sentence)
        assert (await client.post(f"{api}/insights", json=body, headers=auth)).status == 201
    await client.post(f"{api}/contacts", json={"key": "c1", "name": "Els Maes", "circle": "colleagues", "organisation": "Stad Gent", "help": "vacatures", "sentence": "Els werkt bij de stad."}, headers=auth)
    await client.post(f"{api}/actions", json={"key": "a1", "text": "Els bellen", "due_date": NEXT_WEEK, "measure": "gesprek gehad"}, headers=auth)
    await client.post(f"{api}/mood", json={"key": "md1", "mood": "bad", "sentence": "Vandaag niet."}, headers=auth)
    await client.post(f"{api}/insights", json=insight_body(key="k1", category="crisis", value="crisissignaal", sentence="ik zie het niet meer zitten"), headers=auth)
    return counsellor, person


async def ids(app, model, client_id, *where):
    async with db.session(app) as s:
        return list(await s.scalars(select(model.id).where(model.client_id == client_id, *where).order_by(model.id)))


async def audit(app, client_id):
    async with db.session(app) as s:
        return [a for a in await s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id))]


async def own_page(client, person):
    """The chat page in this browser (bound on first use), then 'Mijn dossier'."""
    html = await open_chat(client, person)
    link = re.search(r'<a id="own-dossier" class="button" href="([^"]+)">Mijn dossier</a>', html)
    assert link, "'Meer' holds a link named 'Mijn dossier'"
    response = await client.get(link.group(1))
    assert response.status == 200, await response.text()
    return await response.text()


def form_token(html: str) -> str:
    return _FORM_CSRF.search(html).group(1)


async def post(client, person, path, html, **fields):
    data = {"csrf_token": form_token(html), **fields}
    return await client.post(f"/chat/{person.invite_token}/mijn-dossier{path}", data=data, allow_redirects=False)


# Reading


async def test_the_bound_browser_reads_everything_grouped_with_who_reads_what(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    for text in (
        "<h1>Mijn dossier</h1>", "Kwaliteiten", "geduldig", "Ik heb de boze klant rustig geholpen.",
        "Motieven en waarden", "autonomie", "moet: een vast contract", "liever niet: nachtwerk",
        "Netwerk", "Els Maes", "Stad Gent", "vacatures", "Arbeidsmarkt", "jobdoel: logistiek bediende",
        "nog uitzoeken: de uurroosters", "Acties en huiswerk", "Els bellen", "nog te doen", "gesprek gehad",
        "Stemming", "Niet zo goed", "Vandaag niet.", "Vragen en berichten voor je begeleider",
        "Een melding over je veiligheid", "ik zie het niet meer zitten",
        # Who reads what, how long, and that the bot can be wrong.
        "Alleen je loopbaanbegeleider", "kan ook ons hele gesprek lezen", "altijd een melding",
        "Doe je 365 dagen niets in de chat?", "computerprogramma", "vergissen", "Afdrukken",
    ):
        assert text in html, text
    assert html.index("Kwaliteiten") < html.index("Motieven en waarden") < html.index("Netwerk") < html.index("Arbeidsmarkt") < html.index("Acties en huiswerk") < html.index("Stemming")
    # A crisis signal stays for the client's safety: shown, but with nothing to change.
    crisis = html[html.index('id="meldingen"'):]
    assert "Aanpassen" not in crisis[:crisis.index("</section>")]


async def test_the_page_is_safe_and_named_for_screen_readers(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    await open_chat(client, anais)
    response = await client.get(f"/chat/{anais.invite_token}/mijn-dossier")
    html = await response.text()
    assert response.headers["Referrer-Policy"] == "no-referrer", "the address holds the invite token"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "style=" not in html and "<style" not in html and "onclick" not in html.lower()
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert 'lang="nl"' in html and html.count("<h1") == 1
    # Every field has a label; every control names its item for screen readers.
    for field_id in re.findall(r'<(?:textarea|input) id="([^"]+)"', html):
        assert f'<label for="{field_id}">' in html, field_id
    assert '<summary>Aanpassen<span class="sr-only">: geduldig</span></summary>' in html
    assert '<summary>Verwijderen<span class="sr-only">: Els Maes</span></summary>' in html


async def test_the_clients_own_retention_period_and_an_organisation_that_keeps(aiohttp_client, config, auth):
    app = create_app(dataclasses.replace(config, retention_days_default=None))
    client = await aiohttp_client(app)
    from .fixtures import Dossier

    _, anais = await seed(client, auth, Dossier(app))
    html = await own_page(client, anais)
    assert "We wissen je gegevens niet vanzelf." in html
    async with db.session(app) as s:
        (await s.get(Client, anais.id)).retention_days = 90
        await s.commit()
    html = await (await client.get(f"/chat/{anais.invite_token}/mijn-dossier")).text()
    assert "Doe je 90 dagen niets in de chat?" in html


async def test_another_browser_gets_the_dead_link_page_and_nothing(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    await own_page(client, anais)
    other_browser(client)
    for method, path in (("GET", ""), ("GET", "/alles-wissen"), ("POST", "/gesprek-delen"), ("POST", "/alles-wissen")):
        # A valid form token of this browser's session, so the refusal is the access check's.
        html = await (await client.get("/login")).text()
        data = {"csrf_token": form_token(html), "delen": "nee"}
        response = await client.request(method, f"/chat/{anais.invite_token}/mijn-dossier{path}", data=data if method == "POST" else None)
        body = await response.text()
        assert response.status == 404 and "Deze link werkt niet" in body, (method, path)
        assert "geduldig" not in body and "Anaïs" not in body and anais.chat_id not in body
    async with db.session(client.app) as s:
        assert (await s.get(Client, anais.id)).transcript_shared is True, "nothing changed"
    assert await ids(client.app, Insight, anais.id) != []


async def test_another_clients_page_by_url_and_item_by_id_are_not_found(client, auth, dossier):
    an, anais = await seed(client, auth, dossier)
    _, jan = await seed(client, auth, dossier, "Jan Janssens", counsellor=an)
    html = await own_page(client, anais)
    cookie = {c.key: c.value for c in client.session.cookie_jar}["chat_device"]
    # Anaïs's browser cookie on Jan's page address: not Jan's browser.
    response = await client.get(f"/chat/{jan.invite_token}/mijn-dossier", headers={"Cookie": f"chat_device={cookie}"})
    body = await response.text()
    assert response.status == 404 and "Jan" not in body and "Deze link werkt niet" in body
    # Jan's items through Anaïs's own page: not found, and untouched.
    jans_quality = (await ids(client.app, Insight, jan.id, Insight.category == "quality"))[0]
    jans_contact = (await ids(client.app, Contact, jan.id))[0]
    jans_action = (await ids(client.app, Action, jan.id))[0]
    for path, fields in (
        (f"/punt/{jans_quality}/aanpassen", {"value": "gehackt"}),
        (f"/punt/{jans_quality}/verwijderen", {}),
        (f"/contact/{jans_contact}/verwijderen", {}),
        (f"/actie/{jans_action}/gedaan", {}),
        ("/punt/999999999/aanpassen", {"value": "x"}),
    ):
        response = await post(client, anais, path, html, **fields)
        assert response.status == 404, path
        assert "Niet gevonden" in await response.text()
    async with db.session(client.app) as s:
        assert (await s.get(Insight, jans_quality)).value == "geduldig"
        assert (await s.get(Action, jans_action)).status == "open"
    assert await ids(client.app, Contact, jan.id) == [jans_contact]


async def test_a_stale_cookie_and_the_old_link_after_a_new_invite_get_nothing(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    await own_page(client, anais)
    cookie = {c.key: c.value for c in client.session.cookie_jar}["chat_device"]

    async def no_conversation(old: str, new: str) -> int:
        return 0

    async with db.session(client.app) as s:
        renewed, _, _ = await access.reissue_invite(s, anais.id, no_conversation)
    old = await client.get(f"/chat/{anais.invite_token}/mijn-dossier")
    assert old.status == 404 and "geduldig" not in await old.text()
    # The old browser's cookie on the new link: signed out with the new invite.
    stale = await client.get(f"/chat/{renewed.invite_token}/mijn-dossier", headers={"Cookie": f"chat_device={cookie}"})
    assert stale.status == 404 and "geduldig" not in await stale.text()
    other_browser(client)
    made_up = await client.get("/chat/verzonnen-link-123456/mijn-dossier", headers={"Cookie": "chat_device=verzonnen"})
    assert made_up.status == 404
    guessed = await client.get(f"/chat/{renewed.invite_token}/mijn-dossier", headers={"Cookie": "chat_device=verzonnen"})
    assert guessed.status == 404 and "geduldig" not in await guessed.text()


async def test_what_the_client_wrote_is_shown_as_text(client, auth, dossier):
    an = await dossier.counsellor()
    anais = await dossier.client(an.id, "Anaïs De Smet")
    api = f"/api/v1/chats/{anais.chat_id}"
    await client.put(f"{api}/consent", json={"given": True, "version": "v1"}, headers=auth)
    body = insight_body(value="<script>alert(1)</script>", sentence="<img src=x onerror=alert(2)>")
    await client.post(f"{api}/insights", json=body, headers=auth)
    html = await own_page(client, anais)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


async def test_the_chat_page_says_what_the_counsellor_reads(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await open_chat(client, anais)
    assert "en kan ook dit gesprek lezen" in html
    async with db.session(client.app) as s:
        await client_edits.set_transcript_sharing(s, anais.id, False)
    html = await open_chat(client, anais)
    assert "maar niet dit gesprek" in html and "en kan ook dit gesprek lezen" not in html


# Correcting and removing one item


async def test_correcting_a_quality_is_stored_audited_and_shown_to_the_counsellor(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    response = await post(client, anais, f"/punt/{quality}/aanpassen", html, value="  heel geduldig  ")
    assert response.status == 303
    assert response.headers["Location"] == f"/chat/{anais.invite_token}/mijn-dossier#punt-{quality}"
    page = await (await client.get(response.headers["Location"])).text()
    assert "heel geduldig" in page and "Je aanpassing is bewaard." in page and "aangepast door jou op" in page
    async with db.session(client.app) as s:
        row = await s.get(Insight, quality)
        assert row.value == "heel geduldig" and row.client_edited_at is not None
        assert row.sentence == "Ik heb de boze klant rustig geholpen.", "the client's own words stay as they were said"
    assert (await audit(client.app, anais.id))[-1:] == [client_edits.CORRECTED]
    # The bot refers back with the corrected words.
    summary = await (await client.get(f"/api/v1/chats/{anais.chat_id}/summary", headers=auth)).json()
    assert summary["insights"]["quality"] == ["heel geduldig"]
    # The counsellor sees that the client changed it.
    other_browser(client)
    await login(client)
    counsellor_page = await (await client.get(f"/clients/{anais.id}")).text()
    assert "heel geduldig" in counsellor_page and "aangepast door je cliënt op" in counsellor_page


async def test_correcting_a_contact_and_the_clients_own_action(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    contact = (await ids(client.app, Contact, anais.id))[0]
    action = (await ids(client.app, Action, anais.id))[0]
    response = await post(client, anais, f"/contact/{contact}/aanpassen", html, name="Els Maes-Peeters", organisation="", help="een stage")
    assert response.status == 303
    response = await post(client, anais, f"/actie/{action}/aanpassen", html, text="Els mailen")
    assert response.status == 303
    async with db.session(client.app) as s:
        row = await s.get(Contact, contact)
        assert (row.name, row.organisation, row.help) == ("Els Maes-Peeters", None, "een stage")
        assert (await s.get(Action, action)).text == "Els mailen"
    assert (await audit(client.app, anais.id))[-2:] == [client_edits.CORRECTED] * 2


BAD_TEXTS = [
    ("", "Vul de tekst in."),
    ("   \t ", "Vul de tekst in."),
    ("x" * 5001, "Dat is te lang: hoogstens 200 tekens (nu 5001)."),
    ("x" * 201, "Dat is te lang: hoogstens 200 tekens (nu 201)."),
    ("caf\ufffd met collega\ufffds", "Er staan tekens in die we niet kunnen lezen. Typ de tekst opnieuw."),
]


@pytest.mark.parametrize("text,message", BAD_TEXTS, ids=["empty", "blank", "5001", "201", "unreadable"])
async def test_a_bad_correction_gets_a_dutch_message_and_changes_nothing(client, auth, dossier, text, message):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    response = await post(client, anais, f"/punt/{quality}/aanpassen", html, value=text)
    page = await response.text()
    assert response.status == 400
    assert "Je aanpassing is niet bewaard." in page and message in page
    assert f'id="punt-{quality}-value" name="value" rows="2" maxlength="200" aria-invalid="true"' in page
    assert '<details class="edit" open>' in page, "the form stays open on the item"
    async with db.session(client.app) as s:
        row = await s.get(Insight, quality)
        assert row.value == "geduldig" and row.client_edited_at is None
    assert client_edits.CORRECTED not in await audit(client.app, anais.id)


async def test_a_5000_character_contact_help_is_refused_in_dutch(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    contact = (await ids(client.app, Contact, anais.id))[0]
    response = await post(client, anais, f"/contact/{contact}/aanpassen", html, name="Els", help="y" * 5000)
    assert response.status == 400
    assert "Dat is te lang: hoogstens 1000 tekens (nu 5000)." in await response.text()


async def test_markup_in_a_correction_is_stored_as_text_and_shown_escaped(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    markup = '<script>alert("x")</script>{{ 7*7 }}'
    assert (await post(client, anais, f"/punt/{quality}/aanpassen", html, value=markup)).status == 303
    page = await (await client.get(f"/chat/{anais.invite_token}/mijn-dossier")).text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;{{ 7*7 }}" in page
    # Refused with a Dutch message, the typed markup comes back escaped too.
    response = await post(client, anais, f"/punt/{quality}/aanpassen", html, value=markup + "x" * 200)
    page = await response.text()
    assert response.status == 400 and "<script>alert" not in page and "&lt;script&gt;" in page


async def test_a_form_in_a_wrong_encoding_gets_a_dutch_page(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    body = f"csrf_token={form_token(html)}&value=caf".encode() + b"\xe9\xff"
    response = await client.post(
        f"/chat/{anais.invite_token}/mijn-dossier/punt/{quality}/aanpassen", data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    page = await response.text()
    assert response.status == 400 and "Dat lukte niet" in page and 'lang="nl"' in page
    assert "Loopbaandossier" not in page, "the client's look, not the dashboard's"
    async with db.session(client.app) as s:
        assert (await s.get(Insight, quality)).value == "geduldig"


async def test_changes_need_the_form_token(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    for path, fields in ((f"/punt/{quality}/aanpassen", {"value": "x"}), (f"/punt/{quality}/verwijderen", {}), ("/gesprek-delen", {"delen": "nee"}), ("/alles-wissen", {})):
        response = await client.post(f"/chat/{anais.invite_token}/mijn-dossier{path}", data={"csrf_token": "fout", **fields})
        assert response.status == 403, path
    assert len(await ids(client.app, Insight, anais.id)) == 8


async def test_removing_a_contact_a_quality_and_a_mood_entry(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    contact = (await ids(client.app, Contact, anais.id))[0]
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    mood = (await ids(client.app, MoodEntry, anais.id))[0]
    response = await post(client, anais, f"/contact/{contact}/verwijderen", html)
    assert response.status == 303 and response.headers["Location"].endswith("/mijn-dossier#groep-network")
    page = await (await client.get(response.headers["Location"])).text()
    assert "Het is verwijderd uit je dossier." in page and "Els Maes" not in page
    assert (await post(client, anais, f"/punt/{quality}/verwijderen", html)).headers["Location"].endswith("#groep-quality")
    assert (await post(client, anais, f"/stemming/{mood}/verwijderen", html)).status == 303
    assert await ids(client.app, Contact, anais.id) == []
    assert await ids(client.app, Insight, anais.id, Insight.category == "quality") == []
    assert await ids(client.app, MoodEntry, anais.id) == []
    assert (await audit(client.app, anais.id))[-3:] == [client_edits.REMOVED] * 3
    # Removed again (a second tab): simply not there any more.
    assert (await post(client, anais, f"/contact/{contact}/verwijderen", html)).status == 404
    # The counsellor reads that the client removed items, not what they were.
    other_browser(client)
    await login(client)
    counsellor_page = await (await client.get(f"/clients/{anais.id}")).text()
    assert "Je cliënt verwijderde zelf 3 punten uit het dossier, het laatst op" in counsellor_page
    assert "Els Maes" not in counsellor_page


async def test_crisis_signals_and_the_counsellors_homework_stay_out_of_reach(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    crisis = (await ids(client.app, Insight, anais.id, Insight.category == "crisis"))[0]
    async with db.session(client.app) as s:
        homework = Action(client_id=anais.id, text="Cv nalezen", status="open", created_by="counsellor", is_homework=True)
        s.add(homework)
        await s.commit()
        homework_id = homework.id
    for path, fields in (
        (f"/punt/{crisis}/aanpassen", {"value": "niets"}),
        (f"/punt/{crisis}/verwijderen", {}),
        (f"/actie/{homework_id}/aanpassen", {"text": "niets"}),
        (f"/actie/{homework_id}/verwijderen", {}),
        (f"/stemming/{homework_id}/aanpassen", {"value": "x"}),
    ):
        assert (await post(client, anais, path, html, **fields)).status == 404, path
    # Homework can be marked done, as in the chat.
    response = await post(client, anais, f"/actie/{homework_id}/gedaan", html)
    assert response.status == 303 and response.headers["Location"].endswith(f"#actie-{homework_id}")
    async with db.session(client.app) as s:
        assert (await s.get(Insight, crisis)).value == "crisissignaal"
        assert (await s.get(Action, homework_id)).status == "done"


async def test_marking_an_action_done_reaches_the_bots_follow_up(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    action = (await ids(client.app, Action, anais.id))[0]
    assert 'Gedaan<span class="sr-only">: Els bellen</span>' in html
    assert (await post(client, anais, f"/actie/{action}/gedaan", html)).status == 303
    page = await (await client.get(f"/chat/{anais.invite_token}/mijn-dossier")).text()
    assert "Goed gedaan!" in page and 'Gedaan<span class="sr-only">' not in page
    open_actions = await (await client.get(f"/api/v1/chats/{anais.chat_id}/actions?status=open", headers=auth)).json()
    assert open_actions["actions"] == []
    assert (await audit(client.app, anais.id))[-1] == client_edits.MARKED_DONE
    assert (await post(client, anais, f"/actie/{action}/gedaan", html)).status == 303, "twice is fine"
    assert (await audit(client.app, anais.id)).count(client_edits.MARKED_DONE) == 1


# Erasing everything


async def test_erasing_everything_from_the_page(client, auth, dossier, tracker_path):
    _, anais = await seed(client, auth, dossier)
    now = datetime.now(timezone.utc)
    write_events(f"sqlite:///{tracker_path}", anais.chat_id, [("user", now, "hallo, ik ben Anaïs"), ("bot", now, "Dag!")])
    html = await own_page(client, anais)
    assert f'href="/chat/{anais.invite_token}/mijn-dossier/alles-wissen">Alles wissen</a>' in html
    # First a confirmation step, which erases nothing.
    confirm = await client.get(f"/chat/{anais.invite_token}/mijn-dossier/alles-wissen")
    confirm_html = await confirm.text()
    assert confirm.status == 200 and "Dit kan je niet ongedaan maken." in confirm_html and "Ja, wis alles" in confirm_html
    assert len(await ids(client.app, Insight, anais.id)) == 8

    response = await client.post(f"/chat/{anais.invite_token}/mijn-dossier/alles-wissen", data={"csrf_token": form_token(confirm_html)})
    done = await response.text()
    assert response.status == 200 and "Alles is gewist" in done and "Je chatlink werkt nu niet meer." in done
    assert 'chat_device=""' in response.headers.get("Set-Cookie", ""), "this browser forgets the old link"
    for model in (Insight, Contact, Action, MoodEntry):
        assert await ids(client.app, model, anais.id) == [], model
    assert ERASED in await audit(client.app, anais.id)
    profile = await client.get(f"/api/v1/chats/{anais.chat_id}", headers=auth)
    assert profile.status == 410, "the old chat id is retired"
    transcript = await client.app[TRANSCRIPTS].transcript(anais.chat_id)
    assert transcript == [], "the conversation is gone too"
    # The old link and its dossier page open nothing any more.
    for path in ("", "/mijn-dossier"):
        old = await client.get(f"/chat/{anais.invite_token}{path}")
        assert old.status == 404 and "Deze link werkt niet" in await old.text()


# Sharing the conversation


async def test_the_client_stops_sharing_the_conversation(client, auth, dossier, tracker_path):
    _, anais = await seed(client, auth, dossier)
    now = datetime.now(timezone.utc)
    write_events(f"sqlite:///{tracker_path}", anais.chat_id, [("user", now, "een geheim in het gesprek"), ("bot", now, "Dank je.")])
    html = await own_page(client, anais)
    assert 'name="delen" value="ja" checked' in html, "shared by default, as before"
    response = await post(client, anais, "/gesprek-delen", html, delen="nee")
    assert response.status == 303 and response.headers["Location"].endswith("#delen")
    page = await (await client.get(response.headers["Location"])).text()
    assert 'name="delen" value="nee" checked' in page and "Je koos dit op" in page
    assert "Ons gesprek leest je begeleider niet" in page
    async with db.session(client.app) as s:
        row = await s.get(Client, anais.id)
        assert row.transcript_shared is False and row.transcript_choice_at is not None
    assert (await audit(client.app, anais.id))[-1] == client_edits.HIDES_TRANSCRIPT
    # The export says so (the client's download and the admin's export are one function).
    export = await (await client.get(f"/chat/{anais.invite_token}/mijn-gegevens.json")).json()
    assert export["client"]["transcript_sharing"]["shared"] is False
    assert export["client"]["transcript_sharing"]["chosen_at"]
    assert [a["action"] for a in export["audit"]][-1] == client_edits.HIDES_TRANSCRIPT

    # The dashboard: no conversation, one line that says why; crisis flags and messages stay.
    other_browser(client)
    await login(client)
    counsellor_page = await (await client.get(f"/clients/{anais.id}")).text()
    assert "een geheim in het gesprek" not in counsellor_page
    assert "Je cliënt koos om het gesprek niet te delen" in counsellor_page
    assert "Crisis (crisissignaal)" in counsellor_page and "ik zie het niet meer zitten" in counsellor_page
    assert "Kan ik een opleiding volgen?" in counsellor_page and "geduldig" in counsellor_page

    # Shared again: the conversation is back on the dashboard.
    async with db.session(client.app) as s:
        await client_edits.set_transcript_sharing(s, anais.id, True)
    counsellor_page = await (await client.get(f"/clients/{anais.id}")).text()
    assert "een geheim in het gesprek" in counsellor_page
    assert (await audit(client.app, anais.id)).count(client_edits.SHARES_TRANSCRIPT) == 1


async def test_a_sharing_choice_that_is_neither_yes_nor_no(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    for value in ("", "misschien", "<b>ja</b>"):
        response = await post(client, anais, "/gesprek-delen", html, delen=value)
        page = await response.text()
        assert response.status == 400 and "Je keuze is niet bewaard." in page and "Kies ja of nee." in page
        assert "<b>ja</b>" not in page
    async with db.session(client.app) as s:
        row = await s.get(Client, anais.id)
        assert row.transcript_shared is True and row.transcript_choice_at is None
    assert client_edits.HIDES_TRANSCRIPT not in await audit(client.app, anais.id)


async def test_an_erasure_resets_the_choice_with_everything_else(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    async with db.session(client.app) as s:
        await client_edits.set_transcript_sharing(s, anais.id, False)
    assert (await client.delete(f"/api/v1/chats/{anais.chat_id}/data", headers=auth)).status == 204
    async with db.session(client.app) as s:
        row = await s.get(Client, anais.id)
        assert row.transcript_shared is True and row.transcript_choice_at is None


async def test_the_nasty_input_set_as_corrections(client, auth, dossier):
    """tests/data/nasty_inputs.yml as a quality's and a contact's correction: a Dutch page (303
    to the dossier, or 400 with the reason), never a 500, never markup on the page."""
    _, anais = await seed(client, auth, dossier)
    html = await own_page(client, anais)
    quality = (await ids(client.app, Insight, anais.id, Insight.category == "quality"))[0]
    contact = (await ids(client.app, Contact, anais.id))[0]
    problems = []
    for text in TEXTS:
        for path, fields in ((f"/punt/{quality}/aanpassen", {"value": text.text}), (f"/contact/{contact}/aanpassen", {"name": "Els", "help": text.text})):
            response = await post(client, anais, path, html, **fields)
            page = await (await client.get(response.headers["Location"])).text() if response.status == 303 else await response.text()
            if response.status not in (303, 400, 413) or (response.status == 400 and "niet bewaard" not in page):
                problems.append(f"{path} ({text.id}): {response.status}")
            if raw_markup(page):
                problems.append(f"{path} ({text.id}): markup on the page")
    assert not problems, "\n".join(problems)


async def test_the_consent_flow_may_set_the_choice_and_otherwise_leaves_it(client, auth, dossier):
    an = await dossier.counsellor()
    anais = await dossier.client(an.id, "Anaïs De Smet")
    api = f"/api/v1/chats/{anais.chat_id}/consent"

    async def shared() -> bool:
        async with db.session(client.app) as s:
            return (await s.get(Client, anais.id)).transcript_shared

    assert (await client.put(api, json={"given": True, "version": "v1"}, headers=auth)).status == 200
    assert await shared() is True, "shared by default, as before"
    assert (await client.put(api, json={"given": True, "version": "v2", "share_transcript": False}, headers=auth)).status == 200
    assert await shared() is False
    assert (await client.put(api, json={"given": True, "version": "v2"}, headers=auth)).status == 200
    assert await shared() is False, "a consent without the question keeps the choice"
    refused = await client.put(api, json={"given": True, "version": "v2", "share_transcript": "nee"}, headers=auth)
    assert refused.status == 400
    assert (await audit(client.app, anais.id)) == [client_edits.HIDES_TRANSCRIPT]


async def test_after_a_withdrawn_consent_the_page_says_when_the_data_goes(client, auth, dossier):
    _, anais = await seed(client, auth, dossier)
    await client.put(f"/api/v1/chats/{anais.chat_id}/consent", json={"given": False, "version": "v1"}, headers=auth)
    html = await own_page(client, anais)
    assert "Je trok je toestemming in. Je begeleider ziet je gegevens niet meer. We wissen ze op" in html
    assert "geduldig" in html, "the client still sees and can still change their own data"
