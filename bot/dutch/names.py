"""Names in the client's words when the NLU found none: capitalised words, and a lowercase word
right after a relation ("mijn zus an", "tom, een vriend van vroeger").

Capitalised words that are no names: Dutch function words and greetings at the start of a
sentence ("Wat", "Tegen", "Dank"), quality and motive words ("Geduldig, nauwkeurig"), weekdays,
months, languages and software ("Frans oefenen", "Excel"; "mijn nonkel Frans" is a name),
places ("woon in Gent") and compounds ("HR-verantwoordelijke", "LinkedIn-profiel"). Acronyms
such as VDAB or KBC are organisations.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Tuple

from bot.dutch import normalise
from bot.dutch.circles import WORD, word_circle
from bot.dutch.lexicon_index import get_lexicon
from bot.dutch.wordforms import is_dutch_word
from contract import MONTH_NAMES

NOT_NAMES = set(
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
NOT_ORGANISATIONS = set(
    """
    nederlands frans engels duits spaans italiaans portugees arabisch turks pools russisch chinees
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag kerstmis pasen nieuwjaar
    belgië belgie vlaanderen wallonië brussel nederland frankrijk duitsland europa
    antwerpen gent brugge leuven mechelen aalst kortrijk hasselt genk oostende roeselare sint-niklaas
    turnhout dendermonde lokeren waregem ieper lier geel mol herentals vilvoorde halle tienen
    beveren knokke-heist blankenberge tielt ninove zottegem oudenaarde eeklo deinze wetteren ronse
    diest tongeren lommel bilzen maasmechelen beringen heist-op-den-berg mortsel boom brasschaat
    schoten kapellen zaventem dilbeek asse grimbergen liedekerke harelbeke menen poperinge diksmuide
    limburg oost-vlaanderen west-vlaanderen vlaams-brabant kempen luik namen charleroi bergen
    """.split()
) | set(MONTH_NAMES)
# Software and job sites are no people, but may be organisations ("mijn profiel op Jobat").
NOT_PEOPLE = NOT_ORGANISATIONS | set(
    "excel word outlook powerpoint linkedin facebook instagram tiktok whatsapp teams zoom google indeed "
    "jobat gmail windows".split()
)
_NOT_PERSON_ACRONYMS = set("hr it ict cv ok kmo bv nv vzw cvba ps pc tv gsm sms b c d".split())
_PLACE_PREFIXES = set("stad gemeente provincie".split())


_ORGANISATION_MARKER = re.compile(r"\b(?:bij|voor|van|in|op)\s+(?:de\s+|het\s+)?$", re.IGNORECASE)
_PARTICLES = r"(?:van|de|der|den|von|el|ten|ter|le|la|di|da|dos|d'|op\s+de|van\s+de|van\s+den|van\s+der)"
_NAME_WORD = r"[A-ZÀ-Ý][\wà-ÿ'’-]*"
_CAPITALISED = re.compile(_NAME_WORD + r"(?:\s+(?:" + _PARTICLES + r"\s+)?" + _NAME_WORD + r")*")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n:]\s*|[\"“(]\s*)$")


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()


def is_compound(word: str) -> bool:
    """'HR-verantwoordelijke', 'LinkedIn-profiel', "IT'er" (but 'Jan-Willem', "D'hondt")."""
    parts = re.split(r"-", word)
    if len(parts) > 1 and any(part[:1].islower() for part in parts[1:]):
        return True
    head, _, tail = word.partition("'") if "'" in word else word.partition("’")
    return bool(tail) and len(head) > 1 and head.isupper() and tail[:1].islower()


def _lexicon_word(word: str) -> bool:
    return bool(get_lexicon().single(normalise(word)))


def _split_chain(chain: str, start: int) -> List[List[Tuple[str, int]]]:
    """The words of a capitalised chain with their offsets, split where a new name starts:
    'Kim van de VDAB' -> [Kim], [VDAB] (an acronym, a compound or a known non-person word)."""
    pieces: List[List[Tuple[str, int]]] = []
    current: List[Tuple[str, int]] = []
    for match in re.finditer(_NAME_WORD, chain):
        word = match.group()
        alone = _is_acronym(word) or is_compound(word)
        if current and (alone or word.lower() in NOT_PEOPLE or _is_acronym(current[-1][0]) or is_compound(current[-1][0])):
            pieces.append(current)
            current = []
        current.append((word, start + match.start()))
    if current:
        pieces.append(current)
    return pieces


def capitalised_names(text: str) -> Iterable[tuple[str, int, bool]]:
    """Capitalised words: (text, start, is an organisation ("bij"/"voor" before it, or an acronym))."""
    for match in _CAPITALISED.finditer(text):
        for words in _split_chain(match.group(0), match.start()):
            while words and words[0][0].lower() in NOT_NAMES:  # "De Lijn" -> "Lijn", "Mijn" -> nothing
                words = words[1:]
            if not words:
                continue
            head, start = words[0]
            name = text[start : words[-1][1] + len(words[-1][0])]
            before = text[max(0, start - 40) : start]
            previous = WORD.findall(before)[-1:]
            previous_word = previous[0].lower() if previous else ""
            lowered = head.lower()
            if is_compound(head) or lowered in _NOT_PERSON_ACRONYMS or previous_word in _PLACE_PREFIXES:
                continue
            marked = bool(_ORGANISATION_MARKER.search(text[max(0, start - 12) : start]))
            if lowered in NOT_PEOPLE and not word_circle(previous_word):
                if marked and lowered not in NOT_ORGANISATIONS:
                    yield name, start, True  # "mijn profiel op Jobat"
                continue
            at_sentence_start = start == 0 or bool(_SENTENCE_START.search(before))
            if at_sentence_start and len(words) == 1 and (
                _lexicon_word(head) or (lowered.endswith("en") and len(lowered) >= 6 and is_dutch_word(lowered))
            ):
                continue  # "Geduldig, nauwkeurig", "Bellen naar Wim"
            is_organisation = _is_acronym(head) or marked
            yield name, start, is_organisation


_LOWERCASE_NOT_NAMES = NOT_NAMES | set(
    """
    werkt werken werkte werkten is zijn was waren heeft hebben had zit zitten zat kent kennen kende woont wonen
    zegt zeggen zei doet doen kan kunnen wil willen zou zal moet mag heet heten gaat ging komt kwam helpt
    weet vindt studeert speelt geeft allemaal vroeger ook nog al zelf heel erg nu daar hier ooit altijd
    nooit soms vaak echt gewoon wel niet geen uit tot aan over zonder die dat dit deze wie wat
    mij me mezelf zich hem haar hen ons jou jullie
    """.split()
)
_POSSESSIVES = set("mijn m'n mn onze ons".split())


def lowercase_names(text: str) -> Iterable[tuple[str, int]]:
    """Names written in lowercase: 'mijn zus an', 'mijn nonkel jef', 'tom, een vriend van vroeger',
    'lien van de volleybal'."""
    tokens = [(m.group(), m.start()) for m in re.finditer(r"\w[\w'’-]*|[^\w\s]", text)]
    for index, (word, start) in enumerate(tokens):
        if not word[:1].isalpha() or not word.islower() or word in _LOWERCASE_NOT_NAMES or len(word) < 2:
            continue
        previous = tokens[index - 1][0].lower() if index else ""
        before_previous = tokens[index - 2][0].lower() if index > 1 else ""
        # "mijn zus an", "mijn beste vriend jonas"
        if word_circle(previous) and (before_previous in _POSSESSIVES or (index > 2 and tokens[index - 3][0].lower() in _POSSESSIVES)):
            if len(word) <= 3 or previous in ("meter", "peter") or not is_dutch_word(word):
                if not _lexicon_word(word):
                    yield word, start
            continue
        # sentence start: "tom, een vriend van vroeger", "wout van het koor", "lien van de volleybal"
        if index == 0 or tokens[index - 1][0] in ".!?\n":
            following = [t.lower() for t, _ in tokens[index + 1 : index + 6]]
            related = (
                following[:1] == [","] and following[1:2] in (["een"], ["mijn"], ["m'n"]) and any(word_circle(w) for w in following[2:4])
            ) or (
                following[:1] == ["van"] and following[1:2] in (["de"], ["het"], ["mijn"], ["onze"]) and any(word_circle(w) for w in following[2:3])
            )
            if related and not is_dutch_word(word) and not _lexicon_word(word):
                yield word, start
