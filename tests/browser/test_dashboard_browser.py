"""The counsellor dashboard in headless Chromium: login, the client list, a client page with
the network map, homework, the POP download, access to another counsellor's client."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from playwright.sync_api import expect

from backend.clock import local_today
from tests.backend.tracker import write_events

from .conftest import PASSWORD, screenshot_dir

pytestmark = pytest.mark.timeout(300)

NEXT_WEEK = (local_today() + timedelta(days=7)).isoformat()


@pytest.fixture(scope="module")
def seeded(backend):
    """Two counsellors; An has a client who did a bit of everything, one in crisis, one with
    a hostile name; Bo has a client An must never see."""
    for email, name in (("an@example.org", "An Peeters"), ("bo@example.org", "Bo Claes")):
        backend.cli("counsellors", "create", "--email", email, "--name", name, "--password-stdin", stdin=PASSWORD + "\n")
    jan = backend.cli("clients", "create", "--counsellor", "an@example.org", "--name", "Jan Janssens")
    zoe = backend.cli("clients", "create", "--counsellor", "an@example.org", "--name", "Zoë Claes")
    evil = backend.cli("clients", "create", "--counsellor", "an@example.org", "--name", "<script>alert('naam')</script>")
    secret = backend.cli("clients", "create", "--counsellor", "bo@example.org", "--name", "Geheime Cliënt")

    chat = f"/chats/{jan['chat_id']}"
    backend.api("PUT", f"{chat}/consent", {"given": True, "version": "v1"})
    for i, (category, value, sentence) in enumerate([
        ("quality", "geduldig", "Ik heb de boze klant rustig geholpen tot hij weer lachte."),
        ("quality", "nauwkeurig", "Ik controleer de leveringen altijd twee keer."),
        ("quality", "behulpzaam", "Nieuwe collega's komen altijd eerst bij mij met vragen."),
        ("motive", "autonomie", "Ik wil zelf mijn dag kunnen indelen."),
        ("motive", "zekerheid", "Een vast contract is belangrijk voor mijn gezin."),
        ("labour_market", "logistiek bediende", "Magazijnwerk met planning, dat lijkt me iets."),
        ("question_for_counsellor", "opleiding heftruck", "Kan ik een heftruckopleiding volgen via de VDAB?"),
    ]):
        backend.api("POST", f"{chat}/insights", {
            "key": f"i{i}", "category": category, "value": value, "sentence": sentence, "said_at": None, "status": "confirmed",
        })
    contacts = [
        ("Mama", "family", None, None),
        ("Broer Tom", "family", None, "kent iemand bij een transportfirma"),
        ("Karim", "friends", None, "helpt met mijn cv"),
        ("Els Maes", "colleagues", "Stad Gent", "weet hoe solliciteren bij de stad gaat"),
        ("Peter (ex-chef)", "colleagues", "Colruyt", "kan een referentie geven"),
        ("Loopbaanbegeleider", "professional", "VDAB", None),
        ("Voetbalclub", "associations", "KSV Oostkamp", "veel mensen uit de logistiek"),
    ]
    for i, (name, circle, organisation, help_) in enumerate(contacts):
        created = backend.api("POST", f"{chat}/contacts", {
            "key": f"c{i}", "name": name, "circle": circle, "organisation": organisation, "help": help_, "sentence": "",
        })
        if name in ("Karim", "Els Maes"):
            backend.api("PATCH", f"{chat}/contacts/{created['contact_id']}", {"contacted": True})
    done = backend.api("POST", f"{chat}/actions", {"key": "a1", "text": "Mijn cv aanpassen met de tips van Karim", "due_date": None, "measure": "Karim heeft het nagelezen"})
    backend.api("PATCH", f"{chat}/actions/{done['action_id']}", {"status": "done"})
    blocked = backend.api("POST", f"{chat}/actions", {"key": "a2", "text": "Els bellen over vacatures bij de stad", "due_date": NEXT_WEEK, "measure": "ik weet welke vacatures er zijn"})
    backend.api("PATCH", f"{chat}/actions/{blocked['action_id']}", {"status": "blocked", "obstacle": "Ik durf niet goed te bellen."})
    backend.api("POST", f"{chat}/mood", {"key": "m1", "mood": "good", "sentence": "Het gesprek met Karim deed deugd."})
    backend.api("POST", f"{chat}/mood", {"key": "m2", "mood": "bad", "sentence": "Bellen vind ik eng."})
    backend.api("POST", f"{chat}/flags", {"key": "f1", "kind": "stuck", "message": "Ik weet niet hoe ik Els moet aanspreken."})
    backend.api("PUT", f"{chat}/topic", {"topic": "network"})

    zoe_chat = f"/chats/{zoe['chat_id']}"
    backend.api("POST", f"{zoe_chat}/insights", {
        "key": "crisis-1", "category": "crisis", "value": "crisissignaal", "sentence": "Ik zie het echt niet meer zitten.", "said_at": None, "status": "confirmed",
    })

    t0 = datetime.now(timezone.utc) - timedelta(days=3)
    write_events(backend.tracker_url, jan["chat_id"], [
        ("session_started", t0, None),
        ("user", t0 + timedelta(seconds=2), "Hallo"),
        ("bot", t0 + timedelta(seconds=3), "Dag Jan! Ik ben een computerprogramma, geen begeleider. Waar wil je vandaag aan werken?"),
        ("user", t0 + timedelta(seconds=20), "Mijn netwerk"),
        ("bot", t0 + timedelta(seconds=21), "Goed. Wie ken je uit je vorige werk?"),
        ("user", t0 + timedelta(seconds=60), "Els, die werkt nu bij de stad"),
    ])
    return {"jan": jan, "zoe": zoe, "evil": evil, "secret": secret}


def login(page, email="an@example.org", password=PASSWORD):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")


def test_login_with_a_wrong_then_the_right_password(page, seeded):
    page.goto("/")
    assert page.url.endswith("/login")
    login(page, password="fout-wachtwoord")
    assert page.locator("p.error").inner_text() == "E-mailadres of wachtwoord klopt niet."
    assert page.input_value("#email") == "an@example.org"
    login(page)
    assert page.locator("h1").inner_text() == "Je cliënten"
    assert "An Peeters" in page.locator("header").inner_text()


def test_client_list_has_flags_first_search_and_only_own_clients(page, seeded):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page)
    names = page.locator("table.clients tbody tr td:first-child").all_inner_texts()
    assert names[:2] == ["Zoë Claes", "Jan Janssens"]  # crisis first, then the open 'stuck' flag
    assert "<script>alert('naam')</script>" in names  # shown as text, never run
    assert "Geheime Cliënt" not in names
    assert "crisis" in page.locator("table.clients tbody tr").first.inner_text()

    page.fill("#q", "jan")
    page.click("form.search button")
    assert page.locator("table.clients tbody tr td:first-child").all_inner_texts() == ["Jan Janssens"]
    page.fill("#q", "Geheime")
    page.click("form.search button")
    assert "Geen cliënt gevonden" in page.locator("main").inner_text()
    assert dialogs == []


def test_client_page_draws_the_network_map(page, seeded):
    login(page)
    page.click("text=Jan Janssens")
    assert page.locator("h1").inner_text() == "Jan Janssens"
    svg = page.locator("svg.network-map")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    assert page.locator("svg.network-map g.contact").count() == 7
    assert page.locator("svg.network-map g.contacted").count() == 2
    assert page.locator("svg.network-map circle.ring").count() == 5
    # Styled from the stylesheet (CSP allows no inline style): contacted dots are filled.
    filled = page.locator("svg.network-map g.contacted circle").first.evaluate("e => getComputedStyle(e).fill")
    hollow = page.locator("svg.network-map g.not-contacted circle").first.evaluate("e => getComputedStyle(e).fill")
    assert filled != hollow and hollow in ("rgb(255, 255, 255)", "#fff", "#ffffff")
    # Every dot lies inside the picture.
    for dot in page.locator("svg.network-map g.contact circle").all():
        dot_box = dot.bounding_box()
        assert box["x"] <= dot_box["x"] and dot_box["x"] + dot_box["width"] <= box["x"] + box["width"]
    assert page.locator("svg.timeline-chart circle.mood").count() == 2
    text = page.locator("main").inner_text()
    for expected in ("Ik heb de boze klant rustig geholpen tot hij weer lachte.", "Vragen voor jou",
                     "Ik durf niet goed te bellen.", "Els, die werkt nu bij de stad", "Gesprek van"):
        assert expected in text, expected


def test_assign_homework_and_the_bot_sees_it(page, backend, seeded):
    login(page)
    page.goto(f"/clients/{seeded['jan']['client_id']}")
    page.fill("#hw-text", "Drie vacatures in de logistiek opzoeken")
    page.fill("#hw-due", "2020-01-01")
    page.click("form.homework button[type=submit]")
    assert "Die datum is al voorbij. Kies vandaag of later." in page.locator("#hw-due-error").inner_text()
    assert page.input_value("#hw-text") == "Drie vacatures in de logistiek opzoeken"

    page.fill("#hw-due", NEXT_WEEK)
    reminder = local_today() + timedelta(days=2)
    page.fill("#hw-reminder", f"{reminder.isoformat()}T09:30")
    page.click("form.homework button[type=submit]")
    assert "Het huiswerk is opgeslagen." in page.locator("p.notice").inner_text()
    row = page.locator("table.actions tr", has_text="Drie vacatures in de logistiek opzoeken")
    assert "huiswerk" in row.inner_text() and "nog te doen" in row.inner_text()

    summary = backend.api("GET", f"/chats/{seeded['jan']['chat_id']}/summary")
    homework = summary["open_actions"][0]
    assert homework["is_homework"] and homework["text"] == "Drie vacatures in de logistiek opzoeken"
    assert homework["due_date"] == NEXT_WEEK and homework["reminder_at"]


def test_pop_draft_downloads_as_docx_and_prints_as_html(page, seeded, tmp_path):
    login(page)
    page.goto(f"/clients/{seeded['jan']['client_id']}")
    with page.expect_download() as info:
        page.click("text=POP-ontwerp downloaden (Word)")
    download = info.value
    assert download.suggested_filename == "POP-ontwerp Jan Janssens.docx"  # the UTF-8 name
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "POP-ontwerp van Jan Janssens" in text and "Deel 1. Reflectie" in text and "Deel 2. Acties" in text
    assert "“Ik controleer de leveringen altijd twee keer.”" in text

    page.click("text=POP-ontwerp bekijken en afdrukken")
    assert page.locator("article.pop h1").inner_text() == "POP-ontwerp van Jan Janssens"
    # the small script ran under the CSP (it runs after the page is parsed, so wait for it)
    expect(page.locator("#print")).to_be_visible(timeout=5_000)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()  # printing leaves the page's menus out
    page.emulate_media(media="screen")


def test_another_counsellors_client_by_url_is_not_found(page, seeded):
    login(page)
    response = page.goto(f"/clients/{seeded['secret']['client_id']}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Niet gevonden"
    assert "Geheime Cliënt" not in page.content()
    response = page.goto(f"/clients/{seeded['secret']['client_id']}/pop.docx")
    assert response.status == 404


def test_logout_ends_the_session(page, seeded):
    login(page)
    page.click("form.logout button")
    assert "Je bent afgemeld." in page.locator("p.notice").inner_text()
    page.goto("/")
    assert page.url.endswith("/login")


def test_screenshots_of_the_main_pages(page, seeded, tmp_path):
    folder = screenshot_dir(tmp_path)
    page.goto("/login")
    page.screenshot(path=str(folder / "login.png"))
    login(page)
    page.screenshot(path=str(folder / "client-list.png"), full_page=True)
    page.goto(f"/clients/{seeded['jan']['client_id']}")
    page.screenshot(path=str(folder / "client-page.png"), full_page=True)
    page.locator("figure.network").screenshot(path=str(folder / "network-map.png"))
    page.locator("#verloop").screenshot(path=str(folder / "timeline.png"))
    page.goto(f"/clients/{seeded['jan']['client_id']}/pop")
    page.screenshot(path=str(folder / "pop-draft.png"), full_page=True)
    for name in ("login", "client-list", "client-page", "network-map", "timeline", "pop-draft"):
        assert (folder / f"{name}.png").stat().st_size > 5000, name


# Issue #17: the counsellor's own practice, without the admin CLI. Each test has its own
# counsellor, so that the module's other tests see An's clients and password as seeded.


def _new_counsellor(backend, email, name):
    backend.cli("counsellors", "create", "--email", email, "--name", name, "--password-stdin", stdin=PASSWORD + "\n")


def test_add_a_client_see_link_and_qr_print_the_invitation_and_make_a_new_link(page, backend, seeded, tmp_path):
    folder = screenshot_dir(tmp_path)
    _new_counsellor(backend, "cas@example.org", "Cas Wouters")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, email="cas@example.org")
    page.click("text=Nieuwe cliënt")
    assert page.locator("h1").inner_text() == "Nieuwe cliënt"
    page.fill("#client-name", "<script>alert(1)</script>")
    page.click("form.stacked button[type=submit]")
    assert "Een naam kan geen tekens als < > { } hebben." in page.locator("main").inner_text()
    page.fill("#client-name", "Anaïs De Smet")
    page.check("input[name=address][value=u]")
    page.click("form.stacked button[type=submit]")

    assert page.locator("h1").inner_text() == "Anaïs De Smet"
    assert "Je cliënt is aangemaakt." in page.locator("p.notice").inner_text()
    link = page.input_value("#invite-url")
    assert "/chat/" in link
    qr = page.locator("#uitnodiging svg.qr")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100
    page.click("#copy-link")
    expect(page.locator("#copy-done")).to_have_text("De link is gekopieerd.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.locator("#uitnodiging").scroll_into_view_if_needed()
    page.locator("#uitnodiging").screenshot(path=str(folder / "dashboard-new-client.png"))

    page.click("text=Uitnodiging afdrukken")
    invitation = page.locator("article.invitation")
    text = invitation.inner_text()
    assert "Uitnodiging voor de loopbaanchat" in text and "computerprogramma" in text
    assert "1813" in text and "112" in text and link in text and "kunt u" in text
    expect(invitation.locator("svg.qr")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    page.screenshot(path=str(folder / "dashboard-invitation.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one printed page
    page.emulate_media(media="screen")

    page.click("text=Terug naar Anaïs De Smet")
    page.click("text=Nieuwe link maken")
    assert "De oude link werkt niet meer." in page.locator("main").inner_text()
    page.click("text=Ja, maak een nieuwe link")
    assert "De nieuwe link is klaar." in page.locator("p.notice").inner_text()
    new_link = page.input_value("#invite-url")
    assert new_link != link and "/chat/" in new_link
    response = page.goto(link)
    assert response.status == 404
    for name in ("dashboard-new-client", "dashboard-invitation"):
        assert (folder / f"{name}.png").stat().st_size > 5000, name


def test_change_the_password_and_log_in_with_it(page, backend, seeded):
    _new_counsellor(backend, "dirk@example.org", "Dirk Smets")
    login(page, email="dirk@example.org")
    page.click("text=Wachtwoord wijzigen")
    assert page.locator("h1").inner_text() == "Wachtwoord wijzigen"
    page.fill("#current", PASSWORD)
    page.fill("#new", "kort")
    page.fill("#repeated", "kort")
    page.click("form.stacked button[type=submit]")
    assert "Je nieuwe wachtwoord is te kort." in page.locator("p.error").inner_text()
    page.fill("#current", PASSWORD)
    page.fill("#new", "zeilboot kaneel tuinhek")
    page.fill("#repeated", "zeilboot kaneel tuinhek")
    page.click("form.stacked button[type=submit]")
    assert "Je wachtwoord is gewijzigd." in page.locator("p.notice").inner_text()
    page.click("form.logout button")
    login(page, email="dirk@example.org")
    assert page.locator("p.error").inner_text() == "E-mailadres of wachtwoord klopt niet."
    login(page, email="dirk@example.org", password="zeilboot kaneel tuinhek")
    assert page.locator("h1").inner_text() == "Je cliënten"


def test_end_a_trajectory_find_it_with_the_filter_and_reopen_it(page, backend, seeded):
    _new_counsellor(backend, "els@example.org", "Els Wauters")
    backend.cli("clients", "create", "--counsellor", "els@example.org", "--name", "Lotte Peeters")
    backend.cli("clients", "create", "--counsellor", "els@example.org", "--name", "Mehmet Yilmaz")
    login(page, email="els@example.org")
    names = page.locator("table.clients tbody tr td:first-child a")
    page.click("text=Lotte Peeters")
    page.click("text=Traject afsluiten")
    assert page.input_value("#ended-on") == local_today().isoformat()  # today by default
    page.fill("#ended-on", "2999-01-01")
    page.click("text=Ja, sluit het traject af")
    assert "Die datum ligt in de toekomst." in page.locator("p.error").inner_text()
    page.fill("#ended-on", local_today().isoformat())
    page.click("text=Ja, sluit het traject af")
    assert "Het traject is afgesloten." in page.locator("p.notice").first.inner_text()
    expect(page.locator("#traject")).to_contain_text("Traject afgesloten op")

    page.click("text=← Terug naar je cliënten")
    assert names.all_inner_texts() == ["Mehmet Yilmaz"]
    page.check("input[name=afgesloten]")
    page.click("form.search button")
    assert sorted(names.all_inner_texts()) == ["Lotte Peeters", "Mehmet Yilmaz"]
    expect(page.locator("table.clients")).to_contain_text("afgesloten op")

    page.click("text=Lotte Peeters")
    page.click("button:has-text(\"Traject heropenen\")")
    assert "Het traject loopt weer." in page.locator("p.notice").inner_text()
    page.click("text=← Terug naar je cliënten")
    assert sorted(names.all_inner_texts()) == ["Lotte Peeters", "Mehmet Yilmaz"]


def test_hand_a_client_to_a_colleague_who_then_sees_it(page, backend, seeded):
    _new_counsellor(backend, "fien@example.org", "Fien Janssens")
    _new_counsellor(backend, "gert@example.org", "Gert Willems")
    backend.cli("clients", "create", "--counsellor", "fien@example.org", "--name", "Nina Claes")
    login(page, email="fien@example.org")
    page.click("text=Nina Claes")
    client_url = page.url
    page.click("text=Overdragen aan een collega")
    page.click("text=Ja, draag over")  # no colleague chosen yet
    assert "Kies de collega die je cliënt verder begeleidt." in page.locator("p.error").inner_text()
    page.select_option("#colleague", label="Gert Willems (gert@example.org)")
    page.click("text=Ja, draag over")
    assert "Je cliënt is overgedragen." in page.locator("p.notice").inner_text()
    assert "Nina Claes" not in page.locator("main").inner_text()
    assert page.goto(client_url).status == 404

    page.goto("/")
    page.click("form.logout button")
    login(page, email="gert@example.org")
    page.click("text=Nina Claes")
    assert page.locator("h1").inner_text() == "Nina Claes"
