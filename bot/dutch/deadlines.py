"""Deadlines in the Dutch and Flemish words of an action the client writes.

Deadlines are resolved against today in Europe/Brussels (bot/dutch/dates.py). Dutch and Flemish
expressions are read by the rules below (docs/extraction.md lists the conventions: "volgende
week" is the Sunday of next week, "eind maart" the last day of March, "na de kerstvakantie" the
first school day after it, a weekday the first such day after today); whatever they do not know
but names a month, a weekday or a date in digits goes to dateparser (Dutch). A sentence about
the past ("sinds maart", "vorige week", "in mei ben ik ontslagen") has no deadline.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Callable, List, Optional, Tuple

from bot.dutch.dates import (
    add_months,
    add_period,
    easter_sunday,
    holiday_date,
    month_end,
    month_year,
    next_occurrence,
    next_weekday,
    today_in_brussels,
    week_end,
)
from contract import MONTH_NAMES

NUMBER_WORDS = {
    "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "twintig": 20, "dertig": 30, "paar": 2, "anderhalve": 1.5,
}
_MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "maa": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
MONTH_OF = {**_MONTHS, **_MONTH_ABBREVIATIONS}
WEEKDAYS = {
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6,
}

_MONTH = r"(" + "|".join(sorted(MONTH_OF, key=len, reverse=True)) + r")\.?"
_FULL_MONTH = r"(" + "|".join(_MONTHS) + r")"
_WEEKDAY = r"(" + "|".join(WEEKDAYS) + r")"
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_HOLIDAYS = ("kerstvakantie", "krokusvakantie", "paasvakantie", "zomervakantie", "herfstvakantie")

# A sentence about the past names no deadline, unless a word points ahead.
_PAST = re.compile(r"\b(sinds|geleden|vorige|vorig|afgelopen|gisteren|eergisteren|vroeger|toen)\b")
_AUXILIARY = re.compile(r"\b(ben|heb|is|was|had|werd|waren|hadden)\b")
_PARTICIPLE = re.compile(r"\b(?:ge|be|ont|ver|her|er)\w{3,}(?:d|t|en)\b")
_AHEAD = re.compile(
    r"\b(tegen|binnen|over|uiterlijk|ten laatste|vóór|voor|wil|wilt|ga|gaat|gaan|zal|zullen|moet|moeten|"
    r"plan|hoop|volgende|komende|deze|dit|morgen|overmorgen|na)\b"
)


def _number(word: str) -> float:
    return float(word) if word.isdigit() else NUMBER_WORDS[word]


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
    return next_occurrence(today, month, day)


Rule = Tuple["re.Pattern[str]", Callable[[re.Match, date], Optional[date]]]


def _rules() -> List[Rule]:
    def month_part(match: re.Match, today: date) -> date:
        part, month = match.group(1), MONTH_OF[match.group(2)]
        year = month_year(today, month)
        if part in ("eind", "einde", "eind van", "einde van", "eind van de maand"):
            return month_end(year, month)
        if part in ("half", "midden", "halfweg", "medio"):
            return date(year, month, 15)
        return date(year, month, 7)  # begin

    def this_month_end(match: re.Match, today: date) -> date:
        if match.group(1) == "volgende":
            following = add_months(today.replace(day=1), 1)
            return month_end(following.year, following.month)
        return month_end(today.year, today.month)

    def next_week_day(match: re.Match, today: date) -> date:
        weekday = WEEKDAYS[match.group(1) or match.group(2)]
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)

    def period(match: re.Match, today: date) -> date:
        return add_period(today, _number(match.group(1) or "een"), match.group(2))

    def day_of_month(match: re.Match, today: date) -> Optional[date]:
        day = int(match.group(1))
        for months in range(3):
            first = add_months(today.replace(day=1), months)
            if day <= calendar.monthrange(first.year, first.month)[1]:
                candidate = first.replace(day=day)
                if candidate >= today:
                    return candidate
        return None

    def feast(match: re.Match, today: date) -> date:
        name = match.group(1)
        if name.startswith("kerst"):
            return next_occurrence(today, 12, 25)
        if name.startswith("oudejaar"):
            return next_occurrence(today, 12, 31)
        if name.startswith("nieuwjaar"):
            return next_occurrence(today, 1, 1)
        easter = easter_sunday(today.year)
        return easter if easter >= today else easter_sunday(today.year + 1)

    def month_only(match: re.Match, today: date) -> date:
        month = _MONTHS[match.group(1)]
        return month_end(month_year(today, month), month)

    return [
        (re.compile(r"\b(na|voor|vóór|tegen|ten laatste voor)\s+(?:de\s+|het\s+)?(" + "|".join(_HOLIDAYS) + r")\b"),
         lambda m, t: holiday_date(t, m.group(2), "na" if m.group(1) == "na" else "voor")),
        (re.compile(r"\bvolgende\s+week\s+" + _WEEKDAY + r"\b|\b" + _WEEKDAY + r"\s+volgende\s+week\b"), next_week_day),
        (re.compile(r"\b(\d{1,2})(?:ste|de|e)?\s+" + _MONTH + r"(?:\s+(\d{4}))?(?![\w])"),
         lambda m, t: _named_date(t, int(m.group(1)), MONTH_OF[m.group(2)], m.group(3))),
        (re.compile(r"(?<![\d/.:-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.:-]|\s*(?:u|uur|h)\b)"),
         lambda m, t: _named_date(t, int(m.group(1)), int(m.group(2)), m.group(3))),
        (re.compile(r"\b(?:binnen|over|in)\s+(?:de\s+|een\s+)?" + _NUMBER + r"?\s*(dagen|dagjes|dag|weken|weekjes|weekje|week|maanden|maand|jaar|jaren)\b"), period),
        (re.compile(r"\b(?:binnen|over|in)\s+(?:de\s+|een\s+)?(anderhalve)\s+(week|maand|jaar)\b"), period),
        (re.compile(r"\b(?:de|den)\s+(\d{1,2})(?:ste|de|e)\b"), day_of_month),
        (re.compile(r"\b(?:eind|einde|tegen het einde|tegen het eind)\s+(?:van\s+)?(deze|de|volgende)\s+maand\b"), this_month_end),
        (re.compile(r"\b(eind van|einde van|eind|einde|begin|half|midden|halfweg|medio)\s+" + _MONTH + r"(?![\w])"), month_part),
        (re.compile(r"\b(volgende)\s+maand\b"), this_month_end),
        (re.compile(r"\b(?:eind|einde)\s+(?:van\s+)?volgende\s+week\b|\bvolgende\s+week\b|\bde\s+week\s+erna\b|\bbinnen\s+de\s+week\b"),
         lambda m, t: week_end(t, 1) if "binnen" not in m.group(0) else t + timedelta(days=7)),
        (re.compile(r"\b(?:na het weekend|na dit weekend|begin volgende week|begin van volgende week)\b"),
         lambda m, t: next_weekday(t, 0)),
        (re.compile(r"\b(?:deze week|tegen het weekend|dit weekend|voor het weekend|tegen het einde van de week|eind deze week)\b"),
         lambda m, t: week_end(t)),
        (re.compile(r"\b(kerstmis|kerstdag|kerst|oudejaarsavond|oudejaar|nieuwjaar|pasen)\b"), feast),
        (re.compile(r"\bovermorgen\b"), lambda m, t: t + timedelta(days=2)),
        (re.compile(r"\bmorgen(?:vroeg|middag|avond)?\b"), lambda m, t: t + timedelta(days=1)),
        (re.compile(r"\b(?:vandaag|vanavond|vanmiddag|vannamiddag|straks|vanochtend|vanmorgen)\b"), lambda m, t: t),
        (re.compile(r"\b" + _WEEKDAY + r"\b"), lambda m, t: next_weekday(t, WEEKDAYS[m.group(1)])),
        (re.compile(r"\b" + _FULL_MONTH + r"\b"), month_only),
    ]


_RULES = _rules()
# A month or weekday name, or a number next to a month abbreviation ("3 dec"; "Jan" alone is a name).
_DATEPARSER_HINT = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}|\d\s*(" + "|".join(_MONTH_ABBREVIATIONS) + r")\b|\b("
    + "|".join([*_MONTHS, *WEEKDAYS]) + r")\b"
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
