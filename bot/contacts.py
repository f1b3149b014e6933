"""People in the client's network, from their own words: names, organisations and circles.

Names and organisations come from the NLU entities (DIET, and spaCy's NER where the full
pipeline runs); capitalised words are the fallback, together with a lowercase word right after
a relation ("mijn zus an", "tom, een vriend van vroeger"). The circle comes from the words
around the name ("mijn zus An", "een oud-collega, Tom", "Koen van de voetbal"); a job said of
the person ("Dirk is zaakvoerder", "Lotte doet HR") is not a relation to the client.

Capitalised words that are no names: Dutch function words and greetings at the start of a
sentence ("Wat", "Tegen", "Dank"), quality and motive words ("Geduldig, nauwkeurig"), weekdays,
months, languages and software ("Frans oefenen", "Excel"; "mijn nonkel Frans" is a name),
places ("woon in Gent") and compounds ("HR-verantwoordelijke", "LinkedIn-profiel"). Acronyms
such as VDAB or KBC are organisations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from contract import CIRCLE_LABELS

CIRCLE_WORDS = {
    "family": "zus zussen zusje broer broers broertje moeder mama mams moeke vader papa paps vake ouders oom "
    "tante neef nicht neefje nichtje nonkel schoonbroer schoonzus schoonmoeder schoonvader schoonouders "
    "schoonzoon schoondochter man vrouw partner lief echtgenoot echtgenote zoon dochter grootvader "
    "grootmoeder grootouders opa oma pepe meme bompa bomma familie kozijn kozijntje nicht petekind "
    "metekind meter peter kleinzoon kleindochter stiefvader stiefmoeder",
    "friends": "vriend vriendin vrienden vriendinnen maat maatje kameraad buurman buurvrouw buren buur kennis",
    "colleagues": "collega collegas collega's oud-collega ex-collega baas chef leidinggevende teamleider "
    "werkgever directeur overste ploegbaas ploegleider afdelingshoofd manager",
    "professional": "begeleider begeleidster coach jobcoach loopbaancoach loopbaanbegeleider trajectbegeleider "
    "recruiter klant klanten leverancier consulent consulente hr zaakvoerder bemiddelaar interimkantoor "
    "headhunter maatschappelijk assistent mentor vdab ocmw caw actiris randstad adecco manpower "
    "uitzendkantoor werkwinkel jobcentrum",
    "associations": "club vereniging trainer voetbal volleybal basketbal handbal hockey tennis judo karate "
    "atletiek koor scouts chiro ksa kljb kwb vrijwilliger vrijwilligers ploeg jeugdbeweging fanfare "
    "harmonie toneel turnkring sportclub jeugdhuis parochie",
}
_CIRCLE_OF = {word: circle for circle, words in CIRCLE_WORDS.items() for word in words.split()}
# Compounds: "voetbalploeg", "fietsclub", "volleybalclub", "zangkoor", "oudervereniging".
_ASSOCIATION_ENDINGS = ("club", "ploeg", "kring", "vereniging", "koor", "beweging", "bond")
_WORD = re.compile(r"[\w'’-]+")
_NOT_NAMES = set(
    """
    ik mijn m'n mn hij zij ze we wij jij je u hem haar hun die dat de het een en of bij van in op voor met
    is was werkt ja nee neen dag hallo hoi hey dank bedankt merci sorry oké ok misschien ook maar dan nog
    vorig vorige deze dit wat wie waar waarom hoe wanneer welke welk tegen na naar om tot uit door over
    zonder sinds tijdens via als want omdat dus toen nu zo er daar hier heel erg echt gewoon graag soms
    altijd nooit vaak eerst straks morgen vandaag gisteren volgende elke iedereen niemand iemand alles
    niets geen niet wel al zelf onze ons jullie zijn mama papa
    """.split()
)
# Proper nouns that are neither people (unless a relation word stands right before: "mijn nonkel
# Frans") nor organisations: languages, days, months, places.
_NOT_ORGANISATIONS = set(
    """
    nederlands frans engels duits spaans italiaans portugees arabisch turks pools russisch chinees
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli
    augustus september oktober november december kerstmis pasen nieuwjaar
    belgië belgie vlaanderen wallonië brussel nederland frankrijk duitsland europa
    antwerpen gent brugge leuven mechelen aalst kortrijk hasselt genk oostende roeselare sint-niklaas
    turnhout dendermonde lokeren waregem ieper lier geel mol herentals vilvoorde halle tienen
    beveren knokke-heist blankenberge tielt ninove zottegem oudenaarde eeklo deinze wetteren ronse
    diest tongeren lommel bilzen maasmechelen beringen heist-op-den-berg mortsel boom brasschaat
    schoten kapellen zaventem dilbeek asse grimbergen liedekerke harelbeke menen poperinge diksmuide
    limburg oost-vlaanderen west-vlaanderen vlaams-brabant kempen luik namen charleroi bergen
    """.split()
)
# Software and job sites are no people, but may be organisations ("mijn profiel op Jobat").
_NOT_PEOPLE = _NOT_ORGANISATIONS | set(
    "excel word outlook powerpoint linkedin facebook instagram tiktok whatsapp teams zoom google indeed "
    "jobat gmail windows".split()
)
_NOT_PERSON_ACRONYMS = set("hr it ict cv ok kmo bv nv vzw cvba ps pc tv gsm sms b c d".split())
_PLACE_PREFIXES = set("stad gemeente provincie".split())
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




_SEPARATOR = re.compile(r",|;|\ben\b|\bof\b|\.|\n", re.IGNORECASE)
# Words before a circle word after the name that make it a relation to the client:
# "Tom, een oud-collega", "Els, mijn vroegere baas", "Koen van de voetbal".
_RELATION_WORDS = set("mijn m'n mn onze ons een van bij".split())
_RELATION_SKIPPABLE = set("vroegere oude ex beste goede toenmalige vorige huidige nieuwe de het".split())


def _circle(word: str) -> Optional[str]:
    word = word.lower()
    if word in _CIRCLE_OF:
        return _CIRCLE_OF[word]
    if len(word) > 5 and word.endswith(_ASSOCIATION_ENDINGS):
        return "associations"
    return None


def _circle_words(text: str) -> List[str]:
    return [circle for circle in (_circle(w) for w in _WORD.findall(text)) if circle]


def _related_circle_words(text: str) -> List[str]:
    """Circle words after a name that say how the person relates to the client."""
    words = [w.lower() for w in _WORD.findall(text)]
    found = []
    for index, word in enumerate(words):
        circle = _circle(word)
        if not circle:
            continue
        position = index - 1
        while position >= 0 and words[position] in _RELATION_SKIPPABLE and index - position <= 3:
            position -= 1
        if position >= 0 and words[position] in _RELATION_WORDS:
            found.append(circle)
    return found


def circle_of(before: str, after: str, first: bool = False) -> Optional[str]:
    """The circle of a name from the words around it: "mijn zus An", "Tom, een oud-collega".

    Words just before the name (after the last separator) count first, then the words after it
    (up to the next name) that name a relation ("een oud-collega", "van de voetbal", not "is
    zaakvoerder"), then, for the first name only, anything earlier in the sentence ("een
    vriendin, Nathalie").
    """
    tail = _SEPARATOR.split(before)[-1]
    earlier = _circle_words(before)[-1:] if first else []
    for candidates in (_circle_words(tail)[-1:], _related_circle_words(after)[:1], earlier):
        if candidates:
            return candidates[0]
    return None


_ORGANISATION_MARKER = re.compile(r"\b(?:bij|voor|van|in|op)\s+(?:de\s+|het\s+)?$", re.IGNORECASE)
_PARTICLES = r"(?:van|de|der|den|von|el|ten|ter|le|la|di|da|dos|d'|op\s+de|van\s+de|van\s+den|van\s+der)"
_NAME_WORD = r"[A-ZÀ-Ý][\wà-ÿ'’-]*"
_CAPITALISED = re.compile(_NAME_WORD + r"(?:\s+(?:" + _PARTICLES + r"\s+)?" + _NAME_WORD + r")*")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n:]\s*|[\"“(]\s*)$")


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()


def _is_compound(word: str) -> bool:
    """'HR-verantwoordelijke', 'LinkedIn-profiel', "IT'er" (but 'Jan-Willem', "D'hondt")."""
    parts = re.split(r"-", word)
    if len(parts) > 1 and any(part[:1].islower() for part in parts[1:]):
        return True
    head, _, tail = word.partition("'") if "'" in word else word.partition("’")
    return bool(tail) and len(head) > 1 and head.isupper() and tail[:1].islower()


def _lexicon_word(word: str) -> bool:
    try:
        from bot import lexicon
    except ImportError:  # pragma: no cover - bot.lexicon is always there
        return False
    return bool(lexicon.get_lexicon().single(lexicon.normalize(word)))


def _split_chain(chain: str, start: int) -> List[List[Tuple[str, int]]]:
    """The words of a capitalised chain with their offsets, split where a new name starts:
    'Kim van de VDAB' -> [Kim], [VDAB] (an acronym, a compound or a known non-person word)."""
    pieces: List[List[Tuple[str, int]]] = []
    current: List[Tuple[str, int]] = []
    for match in re.finditer(_NAME_WORD, chain):
        word = match.group()
        alone = _is_acronym(word) or _is_compound(word)
        if current and (alone or word.lower() in _NOT_PEOPLE or _is_acronym(current[-1][0]) or _is_compound(current[-1][0])):
            pieces.append(current)
            current = []
        current.append((word, start + match.start()))
    if current:
        pieces.append(current)
    return pieces


def _capitalised_names(text: str) -> Iterable[tuple[str, int, bool]]:
    """Capitalised words: (text, start, is an organisation ("bij"/"voor" before it, or an acronym))."""
    for match in _CAPITALISED.finditer(text):
        for words in _split_chain(match.group(0), match.start()):
            while words and words[0][0].lower() in _NOT_NAMES:  # "De Lijn" -> "Lijn", "Mijn" -> nothing
                words = words[1:]
            if not words:
                continue
            head, start = words[0]
            name = text[start : words[-1][1] + len(words[-1][0])]
            before = text[max(0, start - 40) : start]
            previous = _WORD.findall(before)[-1:]
            previous_word = previous[0].lower() if previous else ""
            lowered = head.lower()
            if _is_compound(head) or lowered in _NOT_PERSON_ACRONYMS or previous_word in _PLACE_PREFIXES:
                continue
            marked = bool(_ORGANISATION_MARKER.search(text[max(0, start - 12) : start]))
            if lowered in _NOT_PEOPLE and not _circle(previous_word):
                if marked and lowered not in _NOT_ORGANISATIONS:
                    yield name, start, True  # "mijn profiel op Jobat"
                continue
            at_sentence_start = start == 0 or bool(_SENTENCE_START.search(before))
            if at_sentence_start and len(words) == 1 and (
                _lexicon_word(head) or (lowered.endswith("en") and len(lowered) >= 6 and _dutch_word(lowered))
            ):
                continue  # "Geduldig, nauwkeurig", "Bellen naar Wim"
            is_organisation = _is_acronym(head) or marked
            yield name, start, is_organisation


_LOWERCASE_NOT_NAMES = _NOT_NAMES | set(
    """
    werkt werken werkte werkten is zijn was waren heeft hebben had zit zitten zat kent kennen kende woont wonen
    zegt zeggen zei doet doen kan kunnen wil willen zou zal moet mag heet heten gaat ging komt kwam helpt
    weet vindt studeert speelt geeft allemaal vroeger ook nog al zelf heel erg nu daar hier ooit altijd
    nooit soms vaak echt gewoon wel niet geen uit tot aan over zonder die dat dit deze wie wat
    mij me mezelf zich hem haar hen ons jou jullie
    """.split()
)
_POSSESSIVES = set("mijn m'n mn onze ons".split())


class _SortedWords:
    """A sorted word list in one string with an offset array: membership by binary search in a
    few MB instead of a set of 400,000 strings."""

    def __init__(self, words: Iterable[str]) -> None:
        from array import array

        ordered = sorted(set(words))
        self._blob = "\n".join(ordered)
        self._offsets = array("I", [0])
        for word in ordered:
            self._offsets.append(self._offsets[-1] + len(word) + 1)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        return self._blob[self._offsets[index] : self._offsets[index + 1] - 1]

    def __contains__(self, word: object) -> bool:
        import bisect

        index = bisect.bisect_left(self, word)
        return index < len(self) and self[index] == word


_DUTCH_WORDS: Optional[_SortedWords] = None


def _dutch_words() -> _SortedWords:
    """Dutch word forms (spacy-lookups-data, via bot.lexicon); empty when not installed."""
    global _DUTCH_WORDS
    if _DUTCH_WORDS is None:
        from bot import lexicon

        _DUTCH_WORDS = _SortedWords(
            word.lower() if word.isascii() else lexicon.normalize(word) for word in lexicon._dutch_words()
        )
    return _DUTCH_WORDS


def _dutch_word(word: str) -> bool:
    return word in _dutch_words()


def _lowercase_names(text: str) -> Iterable[tuple[str, int]]:
    """Names written in lowercase: 'mijn zus an', 'mijn nonkel jef', 'tom, een vriend van vroeger',
    'lien van de volleybal'."""
    tokens = [(m.group(), m.start()) for m in re.finditer(r"\w[\w'’-]*|[^\w\s]", text)]
    for index, (word, start) in enumerate(tokens):
        if not word[:1].isalpha() or not word.islower() or word in _LOWERCASE_NOT_NAMES or len(word) < 2:
            continue
        previous = tokens[index - 1][0].lower() if index else ""
        before_previous = tokens[index - 2][0].lower() if index > 1 else ""
        # "mijn zus an", "mijn beste vriend jonas"
        if _circle(previous) and (before_previous in _POSSESSIVES or (index > 2 and tokens[index - 3][0].lower() in _POSSESSIVES)):
            if len(word) <= 3 or previous in ("meter", "peter") or not _dutch_word(word):
                if not _lexicon_word(word):
                    yield word, start
            continue
        # sentence start: "tom, een vriend van vroeger", "wout van het koor", "lien van de volleybal"
        if index == 0 or tokens[index - 1][0] in ".!?\n":
            following = [t.lower() for t, _ in tokens[index + 1 : index + 6]]
            related = (
                following[:1] == [","] and following[1:2] in (["een"], ["mijn"], ["m'n"]) and any(_circle(w) for w in following[2:4])
            ) or (
                following[:1] == ["van"] and following[1:2] in (["de"], ["het"], ["mijn"], ["onze"]) and any(_circle(w) for w in following[2:3])
            )
            if related and not _dutch_word(word) and not _lexicon_word(word):
                yield word, start


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
        if name.strip().lower() in _NOT_NAMES:
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
                if words[-1].lower() not in _NOT_PEOPLE and words[-1].lower() not in _NOT_NAMES and len(words) > 1:
                    end = following.end()
        name = text[start:end].strip(" ,.;:-")
        lowered = name.lower()
        previous = _WORD.findall(text[max(0, start - 30) : start])[-1:]
        after_relation = bool(previous and _circle(previous[0]))
        if not name or lowered in _NOT_NAMES or _is_compound(name.split()[0]):
            continue
        if lowered in _NOT_PEOPLE and not after_relation:
            continue
        cleaned.append((name, start))
    return cleaned


def _plausible_organisation(name: str) -> bool:
    """Not a place, a month or a plain Dutch word ('gezin', 'stad', 'bakkerij') tagged by the model."""
    lowered = name.strip().lower()
    if not lowered or lowered in _NOT_ORGANISATIONS or lowered in _NOT_NAMES:
        return False
    if " " not in lowered and name.strip().islower() and (_dutch_word(lowered) or _circle(lowered)):
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
        for name, start, is_organisation in _capitalised_names(text):
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
        people.extend(_lowercase_names(text))
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
