"""Calendar arithmetic for deadlines, on dates in Europe/Brussels: today, month ends, months and
weeks ahead, Easter and the Flemish school holidays. Only date arithmetic is used (no clock
times), so a change to or from summer time never shifts a date."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Tuple
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def today_in_brussels() -> date:
    return datetime.now(BRUSSELS).date()


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_period(today: date, amount: float, unit: str) -> date:
    if unit.startswith("dag"):
        return today + timedelta(days=round(amount))
    if unit.startswith("we"):
        return today + timedelta(days=round(amount * 7))
    if unit.startswith("jaar") or unit.startswith("jar"):
        return add_months(today, round(amount * 12))
    return add_months(today, round(amount)) if amount == int(amount) else add_months(today, int(amount)) + timedelta(days=15)


def next_occurrence(today: date, month: int, day: int) -> date:
    """That day this year, or next year when it has passed (29 February falls back to the 28th)."""
    for year in (today.year, today.year + 1):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate >= today:
            return candidate
    return candidate


def month_year(today: date, month: int) -> int:
    """The year of the next time `month` comes round (this month counts as coming)."""
    return today.year if month >= today.month else today.year + 1


def next_weekday(today: date, weekday: int) -> date:
    """The first such weekday after today ("vrijdag" on a Friday is next week's)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def week_end(today: date, weeks: int = 0) -> date:
    return today + timedelta(days=6 - today.weekday() + 7 * weeks)


def easter_sunday(year: int) -> date:
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
    easter = easter_sunday(year + 1)
    if name == "krokusvakantie":
        start = easter - timedelta(days=48)
        return start, start + timedelta(days=13)
    if name == "paasvakantie":
        start = easter + timedelta(days=1) if not (easter.month == 4 and easter.day > 15) else easter - timedelta(days=13)
        return start, start + timedelta(days=13)
    last_monday = month_end(year + 1, 8) - timedelta(days=month_end(year + 1, 8).weekday())
    return date(year + 1, 7, 1), last_monday - timedelta(days=1)


def holiday_date(today: date, name: str, relation: str) -> date:
    """"na" -> the day after the holiday, "voor"/"tegen" -> the day before it starts."""
    school_year = today.year if today.month >= 9 else today.year - 1
    for year in (school_year, school_year + 1):
        start, end = holiday(name, year)
        target = end + timedelta(days=1) if relation == "na" else start - timedelta(days=1)
        if target >= today:
            return target
    return target
