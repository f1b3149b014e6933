"""The POP draft (persoonlijk ontwikkelingsplan): a reflection part and an action part, built
from the dossier, as a Word document (python-docx) or as a printable page (pop.html)."""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from backend.dashboard.labels import action_status, circle_label, datum
from backend.dashboard.queries import ClientDossier

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

REFLECTION = (
    ("quality", "Kwaliteiten"),
    ("motive", "Motieven en waarden"),
    ("network", "Netwerk"),
    ("labour_market", "Arbeidsmarkt"),
)
# Characters XML 1.0 cannot hold (a stray U+FFFF in the client's words would make the whole
# document fail); they become the replacement character.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


INTRO = (
    "Dit is een ontwerp. Het komt uit de gesprekken van de cliënt met de chatbot: "
    "wat de cliënt zelf bevestigde, in de eigen woorden. Bespreek het samen en pas het aan."
)


@dataclass
class Item:
    value: str
    quotes: List[str] = field(default_factory=list)
    dates: List[datetime] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    items: List[Item]
    contacts: list = field(default_factory=list)


@dataclass
class Pop:
    client_name: str
    made_at: datetime
    reflection: List[Section]
    actions: list


def build(dossier: ClientDossier, made_at: datetime) -> Pop:
    sections = []
    for key, title in REFLECTION:
        items: Dict[str, Item] = {}
        # Oldest first in the document: the story of how the insight grew.
        for insight in reversed([i for i in dossier.insights if i.category == key]):
            item = items.setdefault(insight.value.casefold(), Item(value=insight.value))
            if insight.sentence and insight.sentence not in item.quotes:
                item.quotes.append(insight.sentence)
                item.dates.append(insight.said_at or insight.created_at)
        contacts = dossier.contacts if key == "network" else []
        sections.append(Section(key=key, title=title, items=list(items.values()), contacts=contacts))
    return Pop(
        client_name=dossier.client.name,
        made_at=made_at,
        reflection=sections,
        actions=list(dossier.actions),
    )


def filename(client_name: str, extension: str) -> str:
    """An ASCII file name (the header also carries the UTF-8 one)."""
    ascii_name = unicodedata.normalize("NFKD", client_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:60] or "client"
    return f"POP-ontwerp-{slug}.{extension}"


def _quote(paragraph, text: str, when: Optional[datetime]) -> None:
    run = paragraph.add_run(_x(f"“{text}”"))
    run.italic = True
    if when is not None:
        date_run = paragraph.add_run(f"  ({datum(when)})")
        date_run.font.size = Pt(9)
        date_run.font.color.rgb = RGBColor(0x5B, 0x66, 0x6D)


def docx_bytes(pop: Pop) -> bytes:
    document = Document()
    document.core_properties.title = _x(f"POP-ontwerp {pop.client_name}")
    document.core_properties.language = "nl-BE"
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)

    document.add_heading(_x(f"POP-ontwerp van {pop.client_name}"), level=0)
    made = document.add_paragraph(f"Gemaakt op {datum(pop.made_at)}")
    made.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(INTRO)

    document.add_heading("Deel 1. Reflectie", level=1)
    for section in pop.reflection:
        document.add_heading(section.title, level=2)
        if not section.items and not section.contacts:
            document.add_paragraph("Nog niets bevestigd.")
        for item in section.items:
            bullet = document.add_paragraph(style="List Bullet")
            bullet.add_run(_x(item.value)).bold = True
            for quote, when in zip(item.quotes, item.dates):
                _quote(document.add_paragraph(style="List Continue"), quote, when)
        if section.contacts:
            document.add_paragraph("Mensen in het netwerk:")
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ("Naam", "Kring", "Kan helpen met", "Gecontacteerd")):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for contact in section.contacts:
                cells = table.add_row().cells
                cells[0].text = _x(contact.name + (f" ({contact.organisation})" if contact.organisation else ""))
                cells[1].text = circle_label(contact.circle)
                cells[2].text = _x(contact.help or "")
                cells[3].text = "ja" if contact.contacted else "nog niet"

    document.add_heading("Deel 2. Acties", level=1)
    if not pop.actions:
        document.add_paragraph("Nog geen acties.")
    else:
        document.add_paragraph(
            "Elke actie is zo SMART mogelijk: wat precies, hoe je ziet dat het gelukt is, en tegen wanneer."
        )
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Actie", "Zo weet je dat het gelukt is", "Tegen", "Stand", "Wat houdt tegen")):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for action in pop.actions:
            cells = table.add_row().cells
            cells[0].text = _x(action.text + (" (huiswerk)" if action.is_homework else ""))
            cells[1].text = _x(action.measure or "")
            cells[2].text = datum(action.due_date) if action.due_date else ""
            cells[3].text = action_status(action.status)
            cells[4].text = _x(action.obstacle or "")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
