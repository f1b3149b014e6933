"""People in the client's network, from their own words: names, organisations and circles.

Names and organisations come from the NLU entities (DIET, and spaCy's NER where the full
pipeline runs); capitalised words are the fallback. The circle comes from the words just
before the name ("mijn zus An", "een oud-collega, Tom", "de trainer van de voetbal, Wim").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

CIRCLE_WORDS = {
    "family": "zus zussen broer broers moeder mama mams vader papa paps ouders oom tante neef nicht nonkel "
    "schoonbroer schoonzus schoonmoeder schoonvader man vrouw partner lief echtgenoot echtgenote zoon dochter "
    "grootvader grootmoeder opa oma pepe meme familie kozijn",
    "friends": "vriend vriendin vrienden vriendinnen maat kameraad buurman buurvrouw buren buur kennis",
    "colleagues": "collega collegas collega's oud-collega ex-collega baas chef leidinggevende teamleider "
    "werkgever directeur overste",
    "professional": "begeleider coach recruiter klant klanten leverancier consulent hr zaakvoerder "
    "bemiddelaar interimkantoor headhunter",
    "associations": "club vereniging trainer voetbal koor scouts chiro vrijwilliger vrijwilligers ploeg "
    "jeugdbeweging fanfare turnkring sportclub",
}
_CIRCLE_OF = {word: circle for circle, words in CIRCLE_WORDS.items() for word in words.split()}
_WORD = re.compile(r"[\w'’-]+")
_NOT_NAMES = set(
    "ik mijn hij zij ze we wij jij je hem haar die dat de het een en of bij van in op voor met is was werkt "
    "ja nee neen dag hallo misschien ook maar dan nog vorig vorige deze dit".split()
)
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


CIRCLE_LABELS = {
    "family": "familie",
    "friends": "vrienden en buren",
    "colleagues": "collega of oud-collega",
    "professional": "professioneel",
    "associations": "vereniging of club",
}


_SEPARATOR = re.compile(r",|;|\ben\b|\bof\b|\.|\n", re.IGNORECASE)


def _circle_words(text: str) -> List[str]:
    return [_CIRCLE_OF[w] for w in (w.lower() for w in _WORD.findall(text)) if w in _CIRCLE_OF]


def circle_of(before: str, after: str, first: bool = False) -> Optional[str]:
    """The circle of a name from the words around it: "mijn zus An", "Tom, een oud-collega".

    Words just before the name (after the last separator) count first, then the words after it
    (up to the next name), then, for the first name only, anything earlier in the sentence
    ("de trainer van de voetbal, Koen").
    """
    tail = _SEPARATOR.split(before)[-1]
    earlier = _circle_words(before)[-1:] if first else []
    for candidates in (_circle_words(tail)[-1:], _circle_words(after)[:1], earlier):
        if candidates:
            return candidates[0]
    return None


_ORGANISATION_MARKER = re.compile(r"\b(?:bij|voor|van|in|op)\s+(?:de\s+|het\s+)?$", re.IGNORECASE)


def _capitalised_names(text: str) -> Iterable[tuple[str, int, bool]]:
    """Capitalised words: (text, start, looks like an organisation because of "bij"/"voor" before it)."""
    for match in re.finditer(r"\b[A-ZÀ-Ý][\wà-ÿ'’-]+(?:\s+(?:van|de|der|den|von|el|ten|ter|le|la|di|da|dos|d'|op\s+de|van\s+de|van\s+den|van\s+der)?\s*[A-ZÀ-Ý][\wà-ÿ'’-]+)*", text):
        if match.group(0).split()[0].lower() not in _NOT_NAMES:
            yield match.group(0), match.start(), bool(_ORGANISATION_MARKER.search(text[max(0, match.start() - 12):match.start()]))


def _people_and_organisations(text: str, entities: Iterable[Dict[str, Any]]) -> tuple[list, list]:
    """([(name, start)], [(start, organisation)]) from the entities, capitalised words as fallback."""
    entities = [e for e in entities if isinstance(e, dict) and e.get("start") is not None]
    people = [(text[e["start"]:e["end"]], e["start"]) for e in entities if e.get("entity") == "person"]
    organisations = sorted((e["start"], text[e["start"]:e["end"]]) for e in entities if e.get("entity") == "organisation")
    if not people:
        org_spans = {start for start, _ in organisations}
        for name, start, is_organisation in _capitalised_names(text):
            if is_organisation and start not in org_spans:
                organisations.append((start, name))
            elif start not in org_spans:
                people.append((name, start))
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
