"""SMART check of an action the client writes, in Dutch.

Decides which parts are missing, so that the bot asks only for those: a deadline (time-bound),
a way to know it is done (measurable) and a concrete verb and object (specific). Dates are
resolved against today in Europe/Brussels with dateparser, plus the Flemish expressions it does
not know ("eind maart", "na de kerstvakantie", "over twee weken").
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

_NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "veertien": 14, "paar": 2,
}
_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_NAMES = list(_MONTHS)
# Rough ends of the Flemish school holidays: "na de kerstvakantie" means the first school day.
_HOLIDAY_ENDS = {"kerstvakantie": (1, 8), "krokusvakantie": (3, 9), "paasvakantie": (4, 20), "zomervakantie": (9, 1), "herfstvakantie": (11, 9)}

_IN_PERIOD = re.compile(r"\b(?:binnen|over|in)\s+(?:de\s+)?(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s+(dag|dagen|week|weken|maand|maanden)\b")
_END_OF_MONTH = re.compile(r"\b(?:eind|einde|tegen eind|tegen het einde van)\s+(" + "|".join(_MONTHS) + r")\b")
_HOLIDAY = re.compile(r"\b(?:na|voor|tegen)\s+(?:de\s+)?(" + "|".join(_HOLIDAY_ENDS) + r")\b")
_THIS_WEEK = re.compile(r"\b(deze week|tegen het weekend|dit weekend|voor het weekend)\b")
_NEXT_WEEK = re.compile(r"\b(volgende week|de week erna)\b")
_TODAY = re.compile(r"\b(vandaag|vanavond|straks)\b")

# Measurable: a number, a deliverable, or an outcome that is plainly done or not.
_MEASURABLE = re.compile(
    r"\d|\b(" + "|".join(_NUMBER_WORDS) + r")\b|\b(cv|brief|mail|e-?mail|bericht|sollicitatie\w*|vacature\w*|gesprek\w*|afspraak|"
    r"afspraken|lijst|overzicht|profiel|linkedin|motivatiebrief|formulier|inschrijving|opleiding|cursus|"
    r"bellen|bel|mailen|mail|sturen|stuur|versturen|inschrijven|schrijf|schrijven|afspreken|solliciteren|"
    r"solliciteer|vragen|vraag|bezoeken|bezoek|invullen|vul|maken|maak|afwerken|plannen|plan|kiezen|kies)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"^\s*(meer|beter|eens|wat|iets)\b|\b(proberen|nadenken|bekijken|kijken|misschien)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SmartCheck:
    deadline: Optional[date]
    measurable: bool
    specific: bool

    @property
    def missing(self) -> list[str]:
        """What to ask for, in the order the bot asks it."""
        return [part for part, ok in (("specific", self.specific), ("deadline", self.deadline is not None), ("measurable", self.measurable)) if not ok]


def today_in_brussels() -> date:
    return datetime.now(BRUSSELS).date()


def _add_period(today: date, amount: int, unit: str) -> date:
    if unit.startswith("dag"):
        return today + timedelta(days=amount)
    if unit.startswith("wek") or unit == "week":
        return today + timedelta(weeks=amount)
    month = today.month - 1 + amount
    year, month = today.year + month // 12, month % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _next_occurrence(today: date, month: int, day: int) -> date:
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def parse_deadline(text: str, today: Optional[date] = None) -> Optional[date]:
    """The date an action should be done by, or None when the text names none."""
    today = today or today_in_brussels()
    lowered = text.lower()
    if match := _IN_PERIOD.search(lowered):
        amount = int(match.group(1)) if match.group(1).isdigit() else _NUMBER_WORDS[match.group(1)]
        return _add_period(today, amount, match.group(2))
    if match := _END_OF_MONTH.search(lowered):
        month = _MONTHS[match.group(1)]
        year = today.year if month >= today.month else today.year + 1
        return date(year, month, calendar.monthrange(year, month)[1])
    if match := _HOLIDAY.search(lowered):
        return _next_occurrence(today, *_HOLIDAY_ENDS[match.group(1)])
    if _TODAY.search(lowered):
        return today
    if _THIS_WEEK.search(lowered):
        return today + timedelta(days=6 - today.weekday())
    if _NEXT_WEEK.search(lowered):
        return today + timedelta(days=13 - today.weekday())
    return _dateparser_deadline(text, today)


def _dateparser_deadline(text: str, today: date) -> Optional[date]:
    from dateparser.search import search_dates

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": [],
    }
    found = search_dates(text[:500], languages=["nl"], settings=settings) or []
    # dateparser reads small words ("een", "nu") as dates too: trust only day, month and weekday names.
    for phrase, moment in found:
        if re.search(r"\d|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|morgen|overmorgen|" + "|".join(_MONTHS), phrase.lower()):
            return moment.date()
    return None


def check(text: str, today: Optional[date] = None) -> SmartCheck:
    words = re.findall(r"[^\W\d_]+", text)
    specific = len(words) >= 3 and not _VAGUE.search(text)
    return SmartCheck(deadline=parse_deadline(text, today), measurable=bool(_MEASURABLE.search(text)), specific=specific)
