"""Every button, menu or page that a bot text names exists, under that name, where it says.

The bot's texts (bot/domain.yml) name parts of the product in quotes: "kies 'Meer' >
'Mijn gegevens downloaden'", "Kies 'Ja, bewaren'". Each such name must be a button of the bot
itself or an element of the chat page the client sees; a path 'A' > 'B' must be a menu A (the
<summary> of a <details>) that holds B. And the download it names gives the client the same
content as the admin export.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Dict, List, Optional, Set, Tuple

import yaml

from tools.stack_env import ROOT

from ..backend.test_cli import ok_json, run_cli
from .test_chat_access import (  # noqa: F401 (fixtures)
    invited,
    open_chat,
    other_browser,
    telegram_client,
    telegram_invited,
)

DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())
QUOTED = re.compile(r"'([^']{2,60})'")
# A quoted name is a name of the product's UI when one of these words comes before it in its
# sentence (knop, menu, pagina, kies, klik, tik, onder) or when it is part of a path 'A' > 'B'.
# "Kies er een, bijvoorbeeld 'behulpzaam'" gives an example answer, not a name of the UI.
UI_CUE = re.compile(r"\b(knop|knoppen|menu|pagina|kies|kiest|klik|klikt|tik|tikt|onder)\b(?P<between>[^.?!']*)$", re.I)
EXAMPLE = re.compile(r"\b(bijvoorbeeld|zoals)\b", re.I)
PATH = re.compile(r"'([^']{2,60})'(?:\s*>\s*'([^']{2,60})')+")


def response_texts() -> List[str]:
    return [
        variant.get("text", "")
        for variants in DOMAIN["responses"].values()
        for variant in variants
    ]


def bot_button_titles() -> Set[str]:
    return {
        button["title"]
        for variants in DOMAIN["responses"].values()
        for variant in variants
        for button in variant.get("buttons", [])
    }


def named_paths(text: str) -> List[Tuple[str, ...]]:
    """The UI names in one bot text: ('Meer', 'Mijn gegevens downloaden') or ('Ja, bewaren',)."""
    found: List[Tuple[str, ...]] = []
    in_paths: Set[int] = set()
    for match in PATH.finditer(text):
        found.append(tuple(QUOTED.findall(match.group(0))))
        in_paths.update(range(*match.span()))
    for match in QUOTED.finditer(text):
        cue = UI_CUE.search(text[: match.start()])
        if match.start() not in in_paths and cue and not EXAMPLE.search(cue.group("between")):
            found.append((match.group(1),))
    return found


class _Controls(HTMLParser):
    """Visible names of clickable things and headings, with the menu (<summary>) they sit in."""

    NAMED = {"button", "a", "summary", "h1", "h2", "label"}

    def __init__(self) -> None:
        super().__init__()
        self.names: List[Tuple[str, Optional[str]]] = []  # (name, enclosing menu)
        self._menus: List[Optional[str]] = []
        self._open: List[Tuple[str, List[str]]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "details":
            self._menus.append(None)
        if tag in self.NAMED:
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self._menus:
            self._menus.pop()
        if self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            name = " ".join("".join(parts).split())
            if tag == "summary" and self._menus:
                self._menus[-1] = name
                self.names.append((name, None))
            else:
                self.names.append((name, self._menus[-1] if self._menus else None))

    def handle_data(self, data: str) -> None:
        for _, parts in self._open:
            parts.append(data)


def page_controls(html: str) -> Dict[str, Set[Optional[str]]]:
    parser = _Controls()
    parser.feed(html)
    controls: Dict[str, Set[Optional[str]]] = {}
    for name, menu in parser.names:
        controls.setdefault(name, set()).add(menu)
    return controls


def missing_names(html: str) -> List[str]:
    controls, buttons = page_controls(html), bot_button_titles()
    missing = []
    for text in response_texts():
        for path in named_paths(text):
            *menus, target = path
            if not menus:
                if target not in buttons and target not in controls:
                    missing.append(f"'{target}' in: {text}")
                continue
            if menus[0] not in controls or target not in controls or menus[-1] not in controls[target]:
                missing.append(f"{' > '.join(repr(part) for part in path)} in: {text}")
    return missing


def test_the_collector_finds_paths_and_cued_names_and_skips_examples():
    assert named_paths("Kies 'Meer' > 'Mijn gegevens downloaden'.") == [("Meer", "Mijn gegevens downloaden")]
    assert named_paths("Klopt het? Kies 'Ja, bewaren'.") == [("Ja, bewaren",)]
    assert named_paths("Bijvoorbeeld 'Wim bellen' of 'drie vacatures zoeken'.") == []
    assert named_paths("Kies er één, bijvoorbeeld 'behulpzaam'.") == []
    assert named_paths("via de knop 'Mijn gegevens' op je chatpagina") == [("Mijn gegevens",)]


def test_a_name_the_page_does_not_have_is_reported(monkeypatch):
    html = "<details><summary>Meer</summary><button>Iets anders</button></details>"
    monkeypatch.setitem(DOMAIN["responses"], "utter_test_named", [{"text": "Kies 'Meer' > 'Mijn gegevens'."}])
    assert any("'Mijn gegevens'" in line for line in missing_names(html))


async def test_every_name_in_the_bots_texts_exists_on_the_chat_page_or_as_a_bot_button(telegram_client, telegram_invited):
    """With Telegram configured, so its part of the 'Meer' menu is on the page too."""
    html = await open_chat(telegram_client, telegram_invited)
    assert missing_names(html) == []
    named = {path for text in response_texts() for path in named_paths(text)}
    assert ("Meer", "Mijn gegevens downloaden") in named, "the export is named by the bot"
    assert ("Meer", "Mijn dossier") in named, "the page to see, correct and erase the data is named by the bot"


async def test_the_download_holds_what_the_admin_export_holds(client, invited, config, dossier):
    html = await open_chat(client, invited)
    link = re.search(r'href="([^"]+mijn-gegevens\.json)"', html).group(1)
    response = await client.get(link)
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    downloaded = json.loads(await response.text())
    exported = ok_json(
        run_cli(config.database_url, "clients", "export", "--client", str(invited.id), TRACKER_STORE_URL=config.tracker_store_url)
    )
    # The second export's audit trail shows the first: the client's own download.
    assert [(a["action"], a["who"]) for a in exported["audit"]][-1:] == [("client_export_dossier", None)]
    for export in (downloaded, exported):
        export.pop("exported_at")
        export.pop("audit")
    assert downloaded == exported
    assert downloaded["client"]["name"] == "Anaïs De Smet"


async def test_another_browser_cannot_download_the_dossier(client, invited):
    html = await open_chat(client, invited)
    link = re.search(r'href="([^"]+mijn-gegevens\.json)"', html).group(1)
    other_browser(client)
    response = await client.get(link)
    assert response.status == 403
    assert "Anaïs" not in await response.text()
