"""People in the client's network, from their own words: names, organisations and circles.

Names and organisations come from the NLU entities (DIET, and spaCy's NER where the full
pipeline runs); capitalised words are the fallback, together with a lowercase word right after
a relation ("mijn zus an", "tom, een vriend van vroeger"). The circle comes from the words
around the name ("mijn zus An", "een oud-collega, Tom", "Koen van de voetbal"); a job said of
the person ("Dirk is zaakvoerder", "Lotte doet HR") is not a relation to the client.

The names themselves come from bot/dutch/names.py, the circles from bot/dutch/circles.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.dutch.circles import WORD, circle_of, word_circle
from bot.dutch.names import NOT_NAMES, NOT_ORGANISATIONS, NOT_PEOPLE, capitalised_names, is_compound, lowercase_names
from bot.dutch.wordforms import is_dutch_word
from contract import CIRCLE_LABELS

MAX_CONTACTS = 8


@dataclass
class Contact:
    name: str
    organisation: Optional[str] = None
    circle: Optional[str] = None
    help: Optional[str] = None
    start: int = field(default=0, repr=False)

    def as_payload(self) -> Dict[str, Any]:
        return {"name": self.name, "organisation": self.organisation, "circle": self.circle, "help": self.help}

    def label(self) -> str:
        details = ", ".join(part for part in (self.organisation, CIRCLE_LABELS.get(self.circle or "")) if part)
        return f"{self.name} ({details})" if details else self.name


_SURNAME_AFTER = re.compile(
    r"\s+(?:(?:van|de|der|den|von|ter|ten|le|la|van de|van den|van der|vande|vanden|d')\s*)?"
    r"[A-ZÀ-Ý][\wà-ÿ'’-]+", re.IGNORECASE
)
_PARTICLE_GAP = re.compile(r"^[\s-]*(?:(?:van|de|der|den|von|ter|ten|le|la|d')\s+)*$", re.IGNORECASE)


def _valid_span(text: str, entity: Dict[str, Any]) -> bool:
    start, end = entity.get("start"), entity.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def _clean_people(text: str, people: List[Tuple[str, int]], organisations: List[Tuple[int, str]]) -> List[Tuple[str, int]]:
    """NLU person entities made whole and plausible: 'Jan-Willem' + 'den Berg' -> one name,
    'An-Sofie' -> 'An-Sofie de Vos'; no function words ('door'), languages ('Frans spreek ik')
    or places."""
    org_starts = {start for start, _ in organisations}
    merged: List[List[int]] = []
    for name, start in sorted(people, key=lambda item: item[1]):
        if name.strip().lower() in NOT_NAMES:
            continue  # "door", "mijn": a word the model tagged with the name next to it
        end = start + len(name)
        if merged and start >= merged[-1][1] and _PARTICLE_GAP.match(text[merged[-1][1] : start]):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    cleaned = []
    for start, end in merged:
        following = _SURNAME_AFTER.match(text, end)
        if following and following.group()[:1].isspace():
            surname_start = following.start() + len(following.group()) - len(following.group().lstrip())
            words = following.group().split()
            if words[-1][:1].isupper() and not any(start_ for start_ in org_starts if surname_start <= start_ < following.end()):
                if words[-1].lower() not in NOT_PEOPLE and words[-1].lower() not in NOT_NAMES and len(words) > 1:
                    end = following.end()
        name = text[start:end].strip(" ,.;:-")
        lowered = name.lower()
        previous = WORD.findall(text[max(0, start - 30) : start])[-1:]
        after_relation = bool(previous and word_circle(previous[0]))
        if not name or lowered in NOT_NAMES or is_compound(name.split()[0]):
            continue
        if lowered in NOT_PEOPLE and not after_relation:
            continue
        cleaned.append((name, start))
    return cleaned


def _plausible_organisation(name: str) -> bool:
    """Not a place, a month or a plain Dutch word ('gezin', 'stad', 'bakkerij') tagged by the model."""
    lowered = name.strip().lower()
    if not lowered or lowered in NOT_ORGANISATIONS or lowered in NOT_NAMES:
        return False
    if " " not in lowered and name.strip().islower() and (is_dutch_word(lowered) or word_circle(lowered)):
        return False
    return True


def _people_and_organisations(text: str, entities: Iterable[Dict[str, Any]]) -> tuple[list, list]:
    """([(name, start)], [(start, organisation)]) from the entities, capitalised words as fallback."""
    entities = [e for e in entities if isinstance(e, dict) and _valid_span(text, e)]
    organisations = sorted(
        (e["start"], text[e["start"]:e["end"]]) for e in entities
        if e.get("entity") == "organisation" and _plausible_organisation(text[e["start"]:e["end"]])
    )
    people = [(text[e["start"]:e["end"]], e["start"]) for e in entities if e.get("entity") == "person"]
    people = _clean_people(text, people, organisations)
    if not people:
        org_spans = {start for start, _ in organisations}
        org_ranges = [(start, start + len(name)) for start, name in organisations]
        for name, start, is_organisation in capitalised_names(text):
            if any(a <= start < b for a, b in org_ranges):
                continue
            if is_organisation and start not in org_spans:
                # "Kind en Gezin": an organisation goes on over "en" and a capitalised word
                joined = re.match(r"\s+en\s+([A-ZÀ-Ý][\wà-ÿ'’-]*)", text[start + len(name):])
                if joined:
                    name = text[start : start + len(name) + joined.end()]
                organisations.append((start, name))
                org_ranges.append((start, start + len(name)))
            elif start not in org_spans:
                people.append((name, start))
        people = [(n, s) for n, s in people if not any(a <= s < b for a, b in org_ranges)]
        people.extend(lowercase_names(text))
        organisations.sort()
    return people, organisations


def find_organisations(text: str, entities: Iterable[Dict[str, Any]] = ()) -> List[str]:
    """Organisations named in `text` (with or without a person), in text order."""
    _, organisations = _people_and_organisations(text, entities)
    found: List[str] = []
    for _, name in organisations:
        if name.strip() and name.strip() not in found:
            found.append(name.strip())
    return found


def find_contacts(text: str, entities: Iterable[Dict[str, Any]] = ()) -> List[Contact]:
    """Contacts in `text`, using NLU entities when there are any, capitalised words otherwise."""
    people, organisations = _people_and_organisations(text, entities)
    contacts: List[Contact] = []
    previous_end = 0
    for name, start in sorted(people, key=lambda item: item[1])[:MAX_CONTACTS]:
        end = start + len(name)
        next_start = min((s for _, s in people if s > start), default=len(text))
        organisation = next((org for org_start, org in organisations if start < org_start < next_start), None)
        if name.strip() and all(c.name != name.strip() for c in contacts):
            circle = circle_of(text[previous_end:start], text[end:next_start], first=not contacts)
            contacts.append(Contact(name=name.strip(), organisation=organisation, circle=circle, start=start))
        previous_end = end
    return contacts
