"""The client's chat page in a real headless Chromium (Debian's, driven by Playwright) against the
real backend, action server and Rasa: the qualities exercise with a reload in the middle, the
bot's buttons, keyboard only, screen-reader names, a 360 px wide phone screen, refusals for a
wrong or reused link, a second device, and homework that shows up at the next visit.

The client's own 'Mijn dossier' page (opened from 'Meer'): read, correct a quality with the
keyboard, remove a contact, stop sharing the conversation, print, and erase everything (last,
with a client of its own).

UPDATE_SCREENSHOTS=1 writes docs/screenshots/chat-360.png and mijn-dossier*.png."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import pytest
from playwright.sync_api import Page, expect

from tests.channels.live import PASSWORD, api, assign_homework, channel_env, counsellor_and_client, reminders, wait_until
from tests.browser.conftest import screenshot_dir
from tests.stack import Stack

# The `browser` fixture (Debian's Chromium, session-wide) is in tests/browser/conftest.py.
PHONE = {"width": 360, "height": 740}
BOT_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # TELEGRAM_VERIFY only shows the Telegram section on the page; the channel itself stays off.
    running = Stack.create(tmp_path_factory.mktemp("browser"), {**channel_env(), "TELEGRAM_VERIFY": "LoopbaanTestBot"})
    running.start()
    yield running
    running.stop()


class Phone:
    """One browser (its own cookies) on a 360 px wide screen, collecting console errors."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport=PHONE, locale="nl-BE", timezone_id="Europe/Brussels")
        self.context.set_default_timeout(30_000)
        self.page: Page = self.context.new_page()
        self.errors = []
        self.failed = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phones(browser):
    opened = []

    def open_phone() -> Phone:
        opened.append(Phone(browser))
        return opened[-1]

    yield open_phone
    for phone in opened:
        phone.close()


def open_invite(page: Page, url: str, keyboard: bool = False):
    """Opens a chat link as the client does: the welcome page, then its one button."""
    response = page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom bij je loopbaanchat")
    if keyboard:
        tab_to(page, "el.tagName === 'BUTTON' && el.textContent === 'Open mijn chat'")
        page.keyboard.press("Enter")
    else:
        page.get_by_role("button", name="Open mijn chat").click()
    connected(page)
    return response


def connected(page: Page) -> None:
    expect(page.locator("#status")).to_contain_text("Verbonden", timeout=BOT_TIMEOUT_MS)


def bot_messages(page: Page) -> int:
    return page.locator("#log .msg.bot").count()


def wait_for_bot(page: Page, before: int) -> str:
    """Waits for the bot's answer (new bot messages, then a short quiet); returns its text."""
    page.wait_for_function("n => document.querySelectorAll('#log .msg.bot').length > n", arg=before, timeout=BOT_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # a turn can be several messages
    return " ".join(page.locator("#log .msg.bot p").all_inner_texts()[before:])


def tab_to(page: Page, condition: str, shift: bool = False, limit: int = 30) -> None:
    """Moves the focus with the Tab key only, until `condition` (JS, on `el`) holds."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!(el && ({condition})); }})()"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def say_by_keyboard(page: Page, text: str) -> str:
    before = bot_messages(page)
    if not page.evaluate("document.activeElement && document.activeElement.id === 'message'"):
        tab_to(page, "el.id === 'message'")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return wait_for_bot(page, before)


def test_reload_in_the_middle_of_the_qualities_exercise_continues_it(stack, phones, tmp_path):
    client = counsellor_and_client(stack, "Anaïs De Smet")
    phone = phones()
    page = phone.page
    open_invite(page, client["invite_url"], keyboard=True)
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # Screen-reader names for everything the client uses.
    expect(page.get_by_role("textbox", name="Jouw bericht")).to_be_visible()
    expect(page.get_by_role("button", name="Verstuur")).to_be_visible()
    log = page.get_by_role("log", name="Gesprek")
    expect(log).to_have_attribute("aria-live", "polite")

    opening = say_by_keyboard(page, "hallo")
    assert "computerprogramma" in opening
    choices = page.get_by_role("group", name="Antwoordknoppen")
    expect(choices.get_by_role("button").first).to_be_visible()
    expect(page.locator("#log .msg.bot .sr-only").first).to_have_text("Chatbot: ")

    # The consent button, with the keyboard only: back from the text field, then Enter.
    before = bot_messages(page)
    tab_to(page, "el.closest('#choices') && el.textContent.startsWith('Ja')", shift=True)
    page.keyboard.press("Enter")
    wait_for_bot(page, before)
    expect(page.locator("#log .msg.mine").last).to_contain_text("Ja")  # the button's title, not "/affirm"
    assert page.evaluate("document.activeElement.id") == "message", "after a button the focus is back in the text field"

    intro = say_by_keyboard(page, "ik wil werken aan mijn kwaliteiten")
    assert "moment" in intro
    question = say_by_keyboard(page, "Vorige week heb ik een boze klant met veel geduld geholpen.")
    assert "Wat" in question
    shown = page.locator("#log .msg p").all_inner_texts()

    # Reload in the middle of the exercise: the earlier messages are there again ...
    page.reload()
    connected(page)
    expect(log).to_contain_text("boze klant met veel geduld", timeout=30_000)
    assert page.locator("#log .msg p").all_inner_texts() == shown, "the same messages, in the same order"
    # ... and the next answer goes on with the same exercise.
    proposal = say_by_keyboard(page, "Ik heb alles nauwkeurig nagekeken en rustig uitgelegd.")
    assert "geduldig" in proposal

    # Readable on a 360 px phone: nothing wider than the screen, text not tiny.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert float(page.evaluate("getComputedStyle(document.querySelector('#log .msg p')).fontSize")[:-2]) >= 16
    page.screenshot(path=str(screenshot_dir(tmp_path) / "chat-360.png"))  # UPDATE_SCREENSHOTS=1: into docs/
    assert phone.failed == [], phone.failed
    assert phone.errors == [], phone.errors


def test_a_wrong_or_reused_link_gets_a_dutch_page_and_no_conversation(stack, phones):
    client = counsellor_and_client(stack, "Jan Janssens")
    first = phones()
    open_invite(first.page, client["invite_url"])

    stranger = phones()
    response = stranger.page.goto(client["invite_url"])
    assert response.status == 403
    expect(stranger.page.get_by_role("heading", level=1)).to_have_text("Deze link is al gebruikt")
    assert client["chat_id"] not in stranger.page.content()
    assert stranger.page.locator("#message").count() == 0

    response = stranger.page.goto(client["invite_url"].rsplit("/", 1)[0] + "/verzonnen-link-123456")
    assert response.status == 404
    expect(stranger.page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")


def test_the_client_adds_a_second_device_with_a_one_time_link(stack, phones):
    client = counsellor_and_client(stack, "Lotte Maes")
    laptop = phones()
    page = laptop.page
    open_invite(page, client["invite_url"])
    say_by_keyboard(page, "hallo")

    page.get_by_text("Meer", exact=True).click()
    expect(page.get_by_role("heading", name="Op een ander toestel verder chatten")).to_be_visible()
    page.get_by_role("button", name="Maak een link voor een ander toestel").click()
    field = page.get_by_role("textbox", name="Open deze link op je andere toestel (werkt één keer, 15 minuten lang):")
    expect(field).to_be_visible()
    link = field.input_value()

    second = phones()
    open_invite(second.page, link)
    assert "toestel=" not in second.page.url, "the one-time code does not stay in the address bar"
    expect(second.page.locator("#log")).to_contain_text("computerprogramma")

    third = phones()
    assert third.page.goto(link).status == 403, "the device link works once"


def test_the_page_says_telegram_is_not_end_to_end_encrypted(stack, phones):
    client = counsellor_and_client(stack, "Noor Claes")
    page = phones().page
    open_invite(page, client["invite_url"])
    expect(page.get_by_text("niet end-to-end versleuteld")).to_be_hidden()
    tab_to(page, "el.tagName === 'SUMMARY' && el.textContent === 'Meer'")
    page.keyboard.press("Enter")  # the menu opens from the keyboard too
    expect(page.get_by_role("heading", name="Liever chatten via Telegram?")).to_be_visible()
    expect(page.get_by_text("niet end-to-end versleuteld")).to_be_visible()
    expect(page.get_by_text("De webchat op deze pagina is de standaard")).to_be_visible()
    page.get_by_role("button", name="Maak een Telegram-code").click()
    expect(page.locator("#telegram-result .code")).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{10}$"))


def test_homework_shows_up_at_the_next_visit_and_the_answer_reaches_the_dossier(stack, phones):
    client = counsellor_and_client(stack, "Pieter Wouters")
    given = api(stack, "PUT", f"/api/v1/chats/{client['chat_id']}/consent", json={"given": True, "version": "v1"})
    assert given.status_code == 200
    action_id = assign_homework(stack, client["client_id"], "Schrijf drie sterke punten op", datetime.now(timezone.utc) - timedelta(minutes=2))
    # The scheduler sees no push channel for a web chat client: it waits for the visit.
    assert wait_until(lambda: reminders(stack).get(action_id, {}).get("held") == "awaiting_visit", timeout=30)

    page = phones().page
    open_invite(page, client["invite_url"])
    expect(page.locator("#log")).to_contain_text("Schrijf drie sterke punten op", timeout=BOT_TIMEOUT_MS)
    expect(page.get_by_role("group", name="Antwoordknoppen").get_by_role("button", name="Gedaan")).to_be_visible()
    assert reminders(stack)[action_id]["channel"] == "socketio"

    before = bot_messages(page)
    tab_to(page, "el.closest('#choices') && el.textContent === 'Gedaan'")
    page.keyboard.press("Enter")
    wait_for_bot(page, before)
    actions = api(stack, "GET", f"/api/v1/chats/{client['chat_id']}/actions").json()["actions"]
    assert [(a["id"], a["status"]) for a in actions] == [(action_id, "done")]

    # A reload does not bring the reminder back.
    page.reload()
    connected(page)
    page.wait_for_timeout(2000)
    reminders_shown = [t for t in page.locator("#log .msg.bot p").all_inner_texts() if "huistaak: Schrijf drie sterke punten op" in t]
    assert len(reminders_shown) == 1, page.locator("#log").inner_text()


def seed_dossier(stack, chat_id: str) -> None:
    """What a client confirmed in the chat, through the bot's API."""
    path = f"/api/v1/chats/{chat_id}"
    assert api(stack, "PUT", f"{path}/consent", json={"given": True, "version": "v1"}).status_code == 200
    for key, category, value, sentence in [
        ("q1", "quality", "geduldig", "Ik heb de boze klant rustig geholpen."),
        ("m1", "motive", "autonomie", "Ik wil zelf mijn dag indelen."),
        ("m2", "motive", "moet: een vast contract", "Een vast contract is een must."),
        ("l1", "labour_market", "jobdoel: logistiek bediende", "Dat lijkt me iets voor mij."),
    ]:
        body = {"key": key, "category": category, "value": value, "sentence": sentence, "said_at": None, "status": "confirmed"}
        assert api(stack, "POST", f"{path}/insights", json=body).status_code == 201
    contact = {"key": "c1", "name": "Els Maes", "circle": "colleagues", "organisation": "Stad Gent", "help": "vacatures", "sentence": "Els werkt bij de stad."}
    assert api(stack, "POST", f"{path}/contacts", json=contact).status_code == 201
    action = {"key": "a1", "text": "Els bellen over vacatures", "due_date": None, "measure": "gesprek gehad"}
    assert api(stack, "POST", f"{path}/actions", json=action).status_code == 201
    assert api(stack, "POST", f"{path}/mood", json={"key": "md1", "mood": "good", "sentence": "Het gaat beter."}).status_code == 201


def open_own_dossier(page: Page, screenshot: Optional[Path] = None) -> None:
    """'Meer' > 'Mijn dossier', with the keyboard."""
    tab_to(page, "el.tagName === 'SUMMARY' && el.textContent === 'Meer'")
    page.keyboard.press("Enter")
    tab_to(page, "el.tagName === 'A' && el.textContent === 'Mijn dossier'")
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn dossier")


def test_the_client_reads_corrects_and_removes_on_their_dossier_page(stack, phones, tmp_path):
    client = counsellor_and_client(stack, "Sara Peeters")
    seed_dossier(stack, client["chat_id"])
    phone = phones()
    page = phone.page
    open_invite(page, client["invite_url"])
    shots = screenshot_dir(tmp_path)
    open_own_dossier(page, shots / "chat-mijn-gegevens-360.png")

    for heading in ("Wat we bewaren en wie het leest", "Mag je begeleider ons gesprek lezen?", "Kwaliteiten",
                    "Motieven en waarden", "Netwerk", "Arbeidsmarkt", "Acties en huiswerk", "Stemming", "Alles wissen"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    for text in ("Ik heb de boze klant rustig geholpen.", "moet: een vast contract", "Els Maes (Stad Gent)",
                 "jobdoel: logistiek bediende", "Doe je 365 dagen niets in de chat?", "Het kan zich vergissen."):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # shown by its script
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "mijn-dossier.png"))
    page.screenshot(path=str(shots / "mijn-dossier-volledig.png"), full_page=True)

    # Correct one quality with the keyboard alone: first an empty text (a Dutch message), then a good one.
    quality = page.locator("li.item", has_text="geduldig")
    item_id = quality.get_attribute("id")
    tab_to(page, f"el.tagName === 'SUMMARY' && el.closest('#{item_id}') && el.textContent.startsWith('Aanpassen')", limit=60)
    page.keyboard.press("Enter")
    field = page.get_by_role("textbox", name="Nieuwe tekst")
    expect(field).to_have_value("geduldig")
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Opslaan
    expect(page.get_by_role("alert")).to_contain_text("Vul de tekst in.")
    expect(page.get_by_role("textbox", name="Nieuwe tekst")).to_be_focused()  # back at the field, by itself
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "mijn-dossier-aanpassen.png"))
    page.keyboard.type("geduldig met klanten")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{item_id} .flash")).to_have_text("Je aanpassing is bewaard.")
    expect(page.locator(f"#{item_id} .value")).to_have_text("geduldig met klanten")
    expect(page.locator(f"#{item_id} .date")).to_contain_text("aangepast door jou op")

    # Remove one contact, after the confirmation step.
    contact = page.locator("li.item", has_text="Els Maes")
    contact.locator("summary", has_text="Verwijderen").click()
    expect(contact.get_by_text("Wil je dit echt uit je dossier verwijderen?")).to_be_visible()
    contact.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.locator("#groep-network .flash")).to_have_text("Het is verwijderd uit je dossier.")
    expect(page.locator("li.item", has_text="Els Maes")).to_have_count(0)

    # Stop sharing the conversation; the chat page says so too.
    page.get_by_role("radio", name="Alleen wat ik bevestig").check()
    page.get_by_role("button", name="Keuze bewaren").click()
    expect(page.locator("#delen .flash")).to_contain_text("Je begeleider leest ons gesprek niet meer")
    expect(page.locator("#delen .state")).to_contain_text("Nu: nee")
    expect(page.get_by_role("radio", name="Alleen wat ik bevestig")).to_be_checked()
    page.screenshot(path=str(shots / "mijn-dossier-delen.png"))

    # The printed page: the content without the forms.
    page.emulate_media(media="print")
    expect(page.locator(".controls").first).to_be_hidden()
    expect(page.locator("form.sharing")).to_be_hidden()
    expect(page.locator(f"#{item_id} .value")).to_be_visible()
    expect(page.locator(".print-only")).to_contain_text("Sara Peeters · afgedrukt op")
    page.screenshot(path=str(shots / "mijn-dossier-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # The download in this browser holds what the admin export holds (GDPR art. 15 and 20).
    with page.expect_download() as download:
        page.get_by_role("link", name="Alles downloaden (JSON)").click()
    downloaded = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    exported = stack.admin("clients", "export", "--client", str(client["client_id"]))
    for export in (downloaded, exported):
        export.pop("exported_at")
        export.pop("audit")
    assert downloaded == exported
    assert downloaded["client"]["transcript_sharing"]["shared"] is False

    # The counsellor, in a browser of their own, sees the points but not the conversation.
    counsellor = phones().page
    counsellor.goto(f"{stack.env['BACKEND_URL']}/login")
    counsellor.fill("#email", "an@example.org")
    counsellor.fill("#password", PASSWORD)
    counsellor.click("form.login button[type=submit]")
    counsellor.goto(f"{stack.env['BACKEND_URL']}/clients/{client['client_id']}")
    expect(counsellor.locator("p.transcript-off")).to_contain_text("Je cliënt koos om het gesprek niet te delen")
    expect(counsellor.get_by_text("geduldig met klanten").first).to_be_visible()

    page.get_by_role("link", name="Terug naar de chat").click()
    connected(page)
    expect(page.locator(".who")).to_contain_text("maar niet dit gesprek")
    profile = api(stack, "GET", f"/api/v1/chats/{client['chat_id']}/summary").json()
    assert profile["insights"]["quality"] == ["geduldig met klanten"], "the bot refers back with the corrected words"
    # Only the refused correction's answer (400) may be in the console.
    assert [e for e in phone.errors if not e.startswith("Failed to load resource")] == [], phone.errors


def test_the_client_erases_everything_from_their_dossier_page(stack, phones, tmp_path):
    client = counsellor_and_client(stack, "Tom Wouters")
    seed_dossier(stack, client["chat_id"])
    phone = phones()
    page = phone.page
    open_invite(page, client["invite_url"])
    open_own_dossier(page)
    page.get_by_role("link", name="Alles wissen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alles wissen?")
    expect(page.get_by_text("Dit kan je niet ongedaan maken.")).to_be_visible()
    page.get_by_role("button", name="Ja, wis alles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alles is gewist")
    expect(page.get_by_text("Je chatlink werkt nu niet meer.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir(tmp_path) / "mijn-dossier-gewist.png"))

    # The old link opens nothing any more, and the dossier API has retired the old chat id.
    response = page.goto(client["invite_url"])
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")
    assert page.goto(client["invite_url"] + "/mijn-dossier").status == 404
    assert api(stack, "GET", f"/api/v1/chats/{client['chat_id']}").status_code == 410
