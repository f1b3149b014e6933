"""SMART check of an action the client writes, in Dutch.

Decides which parts are missing, so that the bot asks only for those: a deadline (time-bound),
a way to know it is done (measurable) and a concrete verb and object (specific).

Deadlines are resolved against today in Europe/Brussels. Dutch and Flemish expressions are read
by the rules below (docs/extraction.md lists the conventions: "volgende week" is the Sunday of
next week, "eind maart" the last day of March, "na de kerstvakantie" the first school day after
it, a weekday the first such day after today); whatever they do not know but names a month, a
weekday or a date in digits goes to dateparser (Dutch). Only date arithmetic is used (no clock
times), so a change to or from summer time never shifts a date. A sentence about the past
("sinds maart", "vorige week", "in mei ben ik ontslagen") has no deadline.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, List, Optional, Tuple
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

_NUMBER_WORDS = {
    "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "twintig": 20, "dertig": 30, "paar": 2, "anderhalve": 1.5,
}
_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_NAMES = list(_MONTHS)
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "maa": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
_MONTH_OF = {**_MONTHS, **_MONTH_ABBREVIATIONS}
_WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
}

_MONTH = r"(" + "|".join(sorted(_MONTH_OF, key=len, reverse=True)) + r")\.?"
_FULL_MONTH = r"(" + "|".join(_MONTHS) + r")"
_WEEKDAY = r"(" + "|".join(_WEEKDAYS) + r")"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_HOLIDAYS = ("kerstvakantie", "krokusvakantie", "paasvakantie", "zomervakantie", "herfstvakantie")

# A sentence about the past names no deadline, unless a word points ahead.
_PAST = re.compile(r"\b(sinds|geleden|vorige|vorig|afgelopen|gisteren|eergisteren|vroeger|toen)\b")
_AUXILIARY = re.compile(r"\b(ben|heb|is|was|had|werd|waren|hadden)\b")
_PARTICIPLE = re.compile(r"\b(?:ge|be|ont|ver|her|er)\w{3,}(?:d|t|en)\b")
_AHEAD = re.compile(
    r"\b(tegen|binnen|over|uiterlijk|ten laatste|vóór|voor|wil|wilt|ga|gaat|gaan|zal|zullen|moet|moeten|"
    r"plan|hoop|volgende|komende|deze|dit|morgen|overmorgen|na)\b"
)


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


def today_in_brussels() -> date:
    return datetime.now(BRUSSELS).date()


# --------------------------------------------------------------------------- calendar


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _add_period(today: date, amount: float, unit: str) -> date:
    if unit.startswith("dag"):
        return today + timedelta(days=round(amount))
    if unit.startswith("we"):
        return today + timedelta(days=round(amount * 7))
    if unit.startswith("jaar") or unit.startswith("jar"):
        return _add_months(today, round(amount * 12))
    return _add_months(today, round(amount)) if amount == int(amount) else _add_months(today, int(amount)) + timedelta(days=15)


def _next_occurrence(today: date, month: int, day: int) -> date:
    """That day this year, or next year when it has passed (29 February falls back to the 28th)."""
    for year in (today.year, today.year + 1):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate >= today:
            return candidate
    return candidate


def _month_year(today: date, month: int) -> int:
    """The year of the next time `month` comes round (this month counts as coming)."""
    return today.year if month >= today.month else today.year + 1


def _next_weekday(today: date, weekday: int) -> date:
    """The first such weekday after today ("vrijdag" on a Friday is next week's)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _week_end(today: date, weeks: int = 0) -> date:
    return today + timedelta(days=6 - today.weekday() + 7 * weeks)


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 2 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def holiday(name: str, school_year_start: int) -> Tuple[date, date]:
    """First and last day of a Flemish school holiday in the school year starting that year.

    The Flemish calendar since 2023-2024: autumn holiday two weeks around 1 November (from the
    Monday of the week before the week of 1 November), Christmas two weeks from the Monday of the
    week of 25 December (the Monday after when the 25th falls on a weekend), crocus two weeks from
    the seventh Monday before Easter, Easter two weeks from Easter Monday (or ending on Easter
    Monday when Easter is after 15 April), summer from 1 July to the Sunday before the last
    Monday of August. Exceptions a minister may decide are not known here.
    """
    year = school_year_start
    if name == "herfstvakantie":
        start = _monday_on_or_after(date(year, 11, 1)) - timedelta(days=7)
        return start, start + timedelta(days=13)
    if name == "kerstvakantie":
        christmas = date(year, 12, 25)
        start = christmas - timedelta(days=christmas.weekday()) if christmas.weekday() < 5 else _monday_on_or_after(christmas)
        return start, start + timedelta(days=13)
    easter = _easter(year + 1)
    if name == "krokusvakantie":
        start = easter - timedelta(days=48)
        return start, start + timedelta(days=13)
    if name == "paasvakantie":
        start = easter + timedelta(days=1) if not (easter.month == 4 and easter.day > 15) else easter - timedelta(days=13)
        return start, start + timedelta(days=13)
    last_monday = _month_end(year + 1, 8) - timedelta(days=_month_end(year + 1, 8).weekday())
    return date(year + 1, 7, 1), last_monday - timedelta(days=1)


def _holiday_date(today: date, name: str, relation: str) -> date:
    """"na" -> the day after the holiday, "voor"/"tegen" -> the day before it starts."""
    school_year = today.year if today.month >= 9 else today.year - 1
    for year in (school_year, school_year + 1):
        start, end = holiday(name, year)
        target = end + timedelta(days=1) if relation == "na" else start - timedelta(days=1)
        if target >= today:
            return target
    return target


# --------------------------------------------------------------------------- rules


def _number(word: str) -> float:
    return float(word) if word.isdigit() else _NUMBER_WORDS[word]


def _named_date(today: date, day: int, month: int, year: Optional[str]) -> Optional[date]:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year:
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(full, month, day)
        except ValueError:
            return None
    if day > calendar.monthrange(today.year, month)[1] and not (month == 2 and day == 29):
        return None
    return _next_occurrence(today, month, day)


Rule = Tuple["re.Pattern[str]", Callable[[re.Match, date], Optional[date]]]


def _rules() -> List[Rule]:
    def month_part(match: re.Match, today: date) -> date:
        part, month = match.group(1), _MONTH_OF[match.group(2)]
        year = _month_year(today, month)
        if part in ("eind", "einde", "eind van", "einde van", "eind van de maand"):
            return _month_end(year, month)
        if part in ("half", "midden", "halfweg", "medio"):
            return date(year, month, 15)
        return date(year, month, 7)  # begin

    def this_month_end(match: re.Match, today: date) -> date:
        if match.group(1) == "volgende":
            following = _add_months(today.replace(day=1), 1)
            return _month_end(following.year, following.month)
        return _month_end(today.year, today.month)

    def next_week_day(match: re.Match, today: date) -> date:
        weekday = _WEEKDAYS[match.group(1) or match.group(2)]
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)

    def period(match: re.Match, today: date) -> date:
        return _add_period(today, _number(match.group(1) or "een"), match.group(2))

    def day_of_month(match: re.Match, today: date) -> Optional[date]:
        day = int(match.group(1))
        for months in range(3):
            first = _add_months(today.replace(day=1), months)
            if day <= calendar.monthrange(first.year, first.month)[1]:
                candidate = first.replace(day=day)
                if candidate >= today:
                    return candidate
        return None

    def feast(match: re.Match, today: date) -> date:
        name = match.group(1)
        if name.startswith("kerst"):
            return _next_occurrence(today, 12, 25)
        if name.startswith("oudejaar"):
            return _next_occurrence(today, 12, 31)
        if name.startswith("nieuwjaar"):
            return _next_occurrence(today, 1, 1)
        easter = _easter(today.year)
        return easter if easter >= today else _easter(today.year + 1)

    def month_only(match: re.Match, today: date) -> date:
        month = _MONTHS[match.group(1)]
        return _month_end(_month_year(today, month), month)

    return [
        (re.compile(r"\b(na|voor|vóór|tegen|ten laatste voor)\s+(?:de\s+|het\s+)?(" + "|".join(_HOLIDAYS) + r")\b"),
         lambda m, t: _holiday_date(t, m.group(2), "na" if m.group(1) == "na" else "voor")),
        (re.compile(r"\bvolgende\s+week\s+" + _WEEKDAY + r"\b|\b" + _WEEKDAY + r"\s+volgende\s+week\b"), next_week_day),
        (re.compile(r"\b(\d{1,2})(?:ste|de|e)?\s+" + _MONTH + r"(?:\s+(\d{4}))?(?![\w])"),
         lambda m, t: _named_date(t, int(m.group(1)), _MONTH_OF[m.group(2)], m.group(3))),
        (re.compile(r"(?<![\d/.:-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.:-]|\s*(?:u|uur|h)\b)"),
         lambda m, t: _named_date(t, int(m.group(1)), int(m.group(2)), m.group(3))),
        (re.compile(r"\b(?:binnen|over|in)\s+(?:de\s+|een\s+)?" + _NUMBER + r"?\s*(dagen|dagjes|dag|weken|weekjes|weekje|week|maanden|maand|jaar|jaren)\b"), period),
        (re.compile(r"\b(?:binnen|over|in)\s+(?:de\s+|een\s+)?(anderhalve)\s+(week|maand|jaar)\b"), period),
        (re.compile(r"\b(?:de|den)\s+(\d{1,2})(?:ste|de|e)\b"), day_of_month),
        (re.compile(r"\b(?:eind|einde|tegen het einde|tegen het eind)\s+(?:van\s+)?(deze|de|volgende)\s+maand\b"), this_month_end),
        (re.compile(r"\b(eind van|einde van|eind|einde|begin|half|midden|halfweg|medio)\s+" + _MONTH + r"(?![\w])"), month_part),
        (re.compile(r"\b(volgende)\s+maand\b"), this_month_end),
        (re.compile(r"\b(?:eind|einde)\s+(?:van\s+)?volgende\s+week\b|\bvolgende\s+week\b|\bde\s+week\s+erna\b|\bbinnen\s+de\s+week\b"),
         lambda m, t: _week_end(t, 1) if "binnen" not in m.group(0) else t + timedelta(days=7)),
        (re.compile(r"\b(?:na het weekend|na dit weekend|begin volgende week|begin van volgende week)\b"),
         lambda m, t: _next_weekday(t, 0)),
        (re.compile(r"\b(?:deze week|tegen het weekend|dit weekend|voor het weekend|tegen het einde van de week|eind deze week)\b"),
         lambda m, t: _week_end(t)),
        (re.compile(r"\b(kerstmis|kerstdag|kerst|oudejaarsavond|oudejaar|nieuwjaar|pasen)\b"), feast),
        (re.compile(r"\bovermorgen\b"), lambda m, t: t + timedelta(days=2)),
        (re.compile(r"\bmorgen(?:vroeg|middag|avond)?\b"), lambda m, t: t + timedelta(days=1)),
        (re.compile(r"\b(?:vandaag|vanavond|vanmiddag|vannamiddag|straks|vanochtend|vanmorgen)\b"), lambda m, t: t),
        (re.compile(r"\b" + _WEEKDAY + r"\b"), lambda m, t: _next_weekday(t, _WEEKDAYS[m.group(1)])),
        (re.compile(r"\b" + _FULL_MONTH + r"\b"), month_only),
    ]


_RULES = _rules()
# A month or weekday name, or a number next to a month abbreviation ("3 dec"; "Jan" alone is a name).
_DATEPARSER_HINT = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}|\d\s*(" + "|".join(_MONTH_ABBREVIATIONS) + r")\b|\b("
    + "|".join([*_MONTHS, *_WEEKDAYS]) + r")\b"
)


_CLAUSE_SPLIT = re.compile(r"([,;.!?\n]+|\s+(?=(?:en|maar|want|dus|daarna|nadien|en dan)\s))")


def _looks_past(lowered: str) -> bool:
    if _AHEAD.search(lowered):
        return False
    return bool(_PAST.search(lowered) or (_AUXILIARY.search(lowered) and _PARTICIPLE.search(lowered)))


def find_deadline(text: str, today: Optional[date] = None) -> Tuple[Optional[date], Optional[Tuple[int, int]]]:
    """(deadline, (start, end) of the words that named it) or (None, None)."""
    today = today or today_in_brussels()
    lowered = text.lower()
    # Clauses about the past ("vorige week heb ik gebeld, vrijdag bel ik opnieuw") are blanked out.
    kept = "".join(
        clause if not _looks_past(clause) else " " * len(clause) for clause in _CLAUSE_SPLIT.split(lowered)
    )
    if not kept.strip():
        return None, None
    for pattern, resolve in _RULES:
        for match in pattern.finditer(kept):
            found = resolve(match, today)
            if found is not None:
                return found, match.span()
    if _DATEPARSER_HINT.search(kept):
        return _dateparser_deadline(text if kept == lowered else kept, today)
    return None, None


def parse_deadline(text: str, today: Optional[date] = None) -> Optional[date]:
    """The date an action should be done by, or None when the text names none."""
    return find_deadline(text, today)[0]


def _dateparser_deadline(text: str, today: date) -> Tuple[Optional[date], Optional[Tuple[int, int]]]:
    from dateparser.search import search_dates

    settings = {
        "PREFER_DATES_FROM": "future",
        # noon, so that no time-zone or summer-time shift can move the date
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": [],
    }
    found = search_dates(text[:500], languages=["nl"], settings=settings) or []
    # dateparser reads small words ("een", "nu") and ages ("45 jaar") as dates too: trust only
    # phrases with a month or weekday name, or a day and month in digits.
    for phrase, moment in found:
        if _DATEPARSER_HINT.search(phrase.lower()) and moment.date() >= today:
            start = text.find(phrase)
            return moment.date(), ((start, start + len(phrase)) if start >= 0 else None)
    return None, None


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
) | frozenset(_NUMBER_WORDS) | frozenset(_WEEKDAYS) | frozenset(_MONTH_OF)
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
_QUANTITY = re.compile(r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in ("een", "één", "eén", "paar")) + r"|half|halfuur)\b")


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
