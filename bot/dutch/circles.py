"""The circle of a person in the client's network (family, friends, colleagues, professional,
associations), from the words around the name: "mijn zus An", "een oud-collega, Tom", "Koen van
de voetbal". A job said of the person ("Dirk is zaakvoerder") is not a relation to the client."""
from __future__ import annotations

import re
from typing import List, Optional

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
WORD = re.compile(r"[\w'’-]+")
_SEPARATOR = re.compile(r",|;|\ben\b|\bof\b|\.|\n", re.IGNORECASE)
# Words before a circle word after the name that make it a relation to the client:
# "Tom, een oud-collega", "Els, mijn vroegere baas", "Koen van de voetbal".
_RELATION_WORDS = set("mijn m'n mn onze ons een van bij".split())
_RELATION_SKIPPABLE = set("vroegere oude ex beste goede toenmalige vorige huidige nieuwe de het".split())


def word_circle(word: str) -> Optional[str]:
    """The circle a word names ("zus": family, "voetbalploeg": associations), or None."""
    word = word.lower()
    if word in _CIRCLE_OF:
        return _CIRCLE_OF[word]
    if len(word) > 5 and word.endswith(_ASSOCIATION_ENDINGS):
        return "associations"
    return None


def _circle_words(text: str) -> List[str]:
    return [circle for circle in (word_circle(w) for w in WORD.findall(text)) if circle]


def _related_circle_words(text: str) -> List[str]:
    """Circle words after a name that say how the person relates to the client."""
    words = [w.lower() for w in WORD.findall(text)]
    found = []
    for index, word in enumerate(words):
        circle = word_circle(word)
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
