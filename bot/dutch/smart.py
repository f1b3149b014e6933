"""SMART check of an action the client writes, in Dutch.

Decides which parts are missing, so that the bot asks only for those: a deadline (time-bound),
a way to know it is done (measurable) and a concrete verb and object (specific).

The deadline is found by bot/dutch/deadlines.py; this module judges the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Tuple

from bot.dutch.deadlines import MONTH_OF, NUMBER_WORDS, WEEKDAYS, find_deadline


@dataclass(frozen=True)
class SmartCheck:
    deadline: Optional[date]
    measurable: bool
    specific: bool

    @property
    def missing(self) -> list[str]:
        """What to ask for, in the order the bot asks it."""
        return [part for part, ok in (("specific", self.specific), ("deadline", self.deadline is not None), ("measurable", self.measurable)) if not ok]

    def questions(self, formal: bool = False) -> list[str]:
        """The plain Dutch question for each missing part, in the order of `missing`."""
        table = QUESTIONS_FORMAL if formal else QUESTIONS
        return [table[part] for part in self.missing]


QUESTIONS = {
    "specific": "Wat ga je precies doen, en met wie of wat?",
    "deadline": "Tegen wanneer wil je dat gedaan hebben?",
    "measurable": "Hoe weet je dat het gelukt is?",
}
QUESTIONS_FORMAL = {
    "specific": "Wat gaat u precies doen, en met wie of wat?",
    "deadline": "Tegen wanneer wilt u dat gedaan hebben?",
    "measurable": "Hoe weet u dat het gelukt is?",
}


# --------------------------------------------------------------------------- specific, measurable

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# Words that say nothing about what will be done: pronouns, articles, prepositions, auxiliaries,
# light verbs ("doen"), adverbs and the words of time phrases.
_FUNCTION_WORDS = frozenset(
    """
    ik je jij u hij zij ze we wij mij me mezelf zich mijn m'n mn zijn z'n haar hun onze ons jouw uw
    de het een 't den der dat dit die deze wat wie waar hoe wanneer welke welk er
    en of maar want dus dan toen als om te tot aan bij met van voor naar over op in uit door na zonder tegen per
    ook nog al wel niet geen eens even echt heel erg zeer zo toch gewoon nu eerst straks later elke elk keer
    ga gaat gaan zal zult zullen wil wilt willen wou moet moeten kan kun kunt kunnen mag mogen
    ben bent is zijn was waren heb hebt heeft hebben had laat laten doe doet doen word wordt worden
    dag dagen week weken maand maanden jaar komende volgende binnenkort ooit snel mogelijk asap ergens
    voorjaar najaar zomer winter lente herfst loop uiterlijk laatste einde eind begin half midden
    morgen overmorgen vandaag vanavond weekend u uur
    """.split()
) | frozenset(NUMBER_WORDS) | frozenset(WEEKDAYS) | frozenset(MONTH_OF)
# Objects too general to tell what will be done.
_GENERIC_OBJECTS = frozenset("werk iets dingen zaken toekomst alles".split())
# Verbs and phrases of intention or reflection instead of a step.
_VAGUE = re.compile(
    r"\b(nadenken|denken|denk|proberen|probeer|probeert|kijken|kijk|verdiepen|verdiep|uitbreiden|oriënteren|"
    r"orienteren|focussen|focus|bezig|werken aan|werk aan|werk maken van|zien we wel|misschien|iets|"
    r"voelen|voel|verbeteren|worden)\b"
)
_VAGUE_AMOUNT = re.compile(r"\b(een paar|enkele|een aantal|sommige|wat meer|wat minder)\b")
_COMPARATIVE = re.compile(r"\b(meer|beter|betere|minder|vaker|positiever|actiever|harder|sneller)\b")
_PREPOSITIONS = frozenset("over met voor naar van aan op in om".split())
_DELIVERABLES = re.compile(
    r"\b(cv|\w*brief|\w*brieven|e-?mail|mail|\w*bericht|berichtje|lijst|lijstje|overzicht|\w*profiel|linkedin|"
    r"portfolio|formulier|\w*documenten|document|inschrijving|afspraak|afspraken|\w*gesprek|\w*gesprekken|"
    r"rijbewijs|diploma|attest|certificaat|proefdag|infosessie|jobbeurs|jobdag|opendeurdag|opleiding|cursus|"
    r"koffie|feedback|job|stageplaats|vacature|vacatures|sollicitatie|sollicitaties)\b"
)
_DONE_VERBS = re.compile(
    r"\b(bel|belt|bellen|mail|mailen|stuur|sturen|versturen|verstuurd|doorsturen|schrijf|schrijven|"
    r"inschrijven|invullen|vul|indienen|dien|aanvragen|vraag|vragen|halen|haal|vinden|vind|start|starten|"
    r"begin|beginnen|kies|kiezen|beslissen|beslis|tonen|toon|afronden|afgerond|afwerken|klaar|nalezen|"
    r"updaten|aanpassen|pas|herschrijven|contacteren|contacteer|bezoeken|bezoek|langs|langsgaan|plan|plannen|"
    r"solliciteer|solliciteren|zetten|zet|brengen|lezen|gepraat|praten|spreek|spreken|afspreken|weet|weten|"
    r"oefenen|oefen|maak|maken)\b"
)
_SEARCH_VERBS = re.compile(r"\b(zoek|zoeken|zoekt)\b")
_DIGIT = re.compile(r"\d")
_QUANTITY = re.compile(r"\b(" + "|".join(w for w in NUMBER_WORDS if w not in ("een", "één", "eén", "paar")) + r"|half|halfuur)\b")


def _without(text: str, span: Optional[Tuple[int, int]]) -> str:
    return text if not span else text[: span[0]] + " " + text[span[1]:]


def _is_vague(lowered: str) -> bool:
    if _VAGUE.search(lowered) or _VAGUE_AMOUNT.search(lowered):
        return True
    words = _TOKEN.findall(lowered)
    for index, word in enumerate(words):
        if _COMPARATIVE.fullmatch(word) and not (index and words[index - 1] in _PREPOSITIONS):
            return True
    return False


def _content_words(lowered: str) -> List[str]:
    # "naar de jobbeurs gaan", "langsgaan bij": going somewhere is the step itself
    going = ["gaan"] if re.search(r"\b(ga|gaat|gaan)\s+(?:ik\s+|je\s+|we\s+|u\s+)?(naar|langs)\b|\bnaar\b.*\bgaan\b|\blangsgaan\b", lowered) else []
    return going + [
        word for word in _TOKEN.findall(lowered)
        if word not in _FUNCTION_WORDS and word not in _GENERIC_OBJECTS and not word.isdigit()
        and not re.fullmatch(r"\d+(?:u|h|de|ste|e)", word)
    ]


def check(text: str, today: Optional[date] = None) -> SmartCheck:
    deadline, span = find_deadline(text, today)
    rest = _without(text, span).lower()
    vague = _is_vague(rest)
    specific = not vague and len(_content_words(rest)) >= 2
    counted = bool(_DIGIT.search(rest) or _QUANTITY.search(rest))
    searching = bool(_SEARCH_VERBS.search(rest)) and not counted
    measurable = specific and not searching and (
        counted or bool(_DELIVERABLES.search(rest)) or bool(_DONE_VERBS.search(rest))
    )
    return SmartCheck(deadline=deadline, measurable=measurable, specific=specific)
