"""Tests of bot.dutch.smart and its deadlines (bot.dutch.deadlines, bot.dutch.dates): Dutch
deadlines and the SMART decisions (which parts the bot asks for)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.dutch import dates, deadlines, smart

SATURDAY = date(2026, 11, 28)  # the `today` of tests/data/extraction_dev.yml


@pytest.mark.parametrize(
    "text, expected",
    [
        # the expressions of the issue
        ("tegen vrijdag", date(2026, 12, 4)),
        ("volgende week", date(2026, 12, 6)),  # Sunday of next week
        ("eind maart", date(2027, 3, 31)),
        ("binnen 14 dagen", date(2026, 12, 12)),
        ("na de kerstvakantie", date(2027, 1, 4)),  # first school day: holiday 21/12 - 3/1
        ("morgen", date(2026, 11, 29)),
        ("over twee weken", date(2026, 12, 12)),
        ("15 januari", date(2027, 1, 15)),
        ("deze week", date(2026, 11, 29)),
        # weekdays: the first such day after today, also today's own weekday
        ("maandag", date(2026, 11, 30)),
        ("ten laatste woensdag", date(2026, 12, 2)),
        ("zaterdag", date(2026, 12, 5)),
        ("volgende week dinsdag", date(2026, 12, 1)),
        ("donderdag volgende week", date(2026, 12, 3)),
        ("tegen volgende week vrijdag", date(2026, 12, 4)),
        # periods
        ("binnen de maand", date(2026, 12, 28)),
        ("over een maand", date(2026, 12, 28)),
        ("over 2 maand", date(2027, 1, 28)),
        ("binnen de twee weken", date(2026, 12, 12)),
        ("over een week", date(2026, 12, 5)),
        ("over 6 maanden", date(2027, 5, 28)),
        ("over anderhalve week", date(2026, 12, 8)),
        # months and days of the month
        ("eind deze maand", date(2026, 11, 30)),
        ("tegen het einde van de maand", date(2026, 11, 30)),
        ("volgende maand", date(2026, 12, 31)),
        ("in januari", date(2027, 1, 31)),
        ("eind november", date(2026, 11, 30)),
        ("half december", date(2026, 12, 15)),
        ("de 12de", date(2026, 12, 12)),
        ("tegen den 20ste", date(2026, 12, 20)),
        ("tegen 20/12", date(2026, 12, 20)),
        ("ten laatste 5/1", date(2027, 1, 5)),
        ("op 12-12-2026", date(2026, 12, 12)),
        ("uiterlijk 3 dec", date(2026, 12, 3)),
        ("vrijdag 11 december", date(2026, 12, 11)),
        ("voor 1 februari", date(2027, 2, 1)),
        # holidays and feasts
        ("voor de kerstvakantie", date(2026, 12, 20)),
        ("tegen kerstmis", date(2026, 12, 25)),
        ("tegen nieuwjaar", date(2027, 1, 1)),
        ("na het weekend", date(2026, 11, 30)),
        ("vanavond nog", date(2026, 11, 28)),
        ("overmorgen", date(2026, 11, 30)),
    ],
)
def test_dutch_deadlines(text, expected):
    assert deadlines.parse_deadline(text, SATURDAY) == expected
    assert deadlines.parse_deadline(f"ik stuur mijn cv naar Colruyt {text}", SATURDAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "meer netwerken",
        "zo snel mogelijk",
        "binnenkort eens bellen",
        "de komende dagen",
        "twee keer per week oefenen",
        "ik ben 45 jaar",
        "om 9u30 bellen",
        "sinds maart ben ik werkloos",
        "vorige week had ik een gesprek",
        "in mei ben ik ontslagen",
        "ik werk daar al sinds 2015",
        "twee jaar geleden ben ik gestopt",
        "ik werk ook in het weekend",
        "",
    ],
)
def test_no_deadline(text):
    assert deadlines.parse_deadline(text, SATURDAY) is None


def test_a_clause_about_the_past_does_not_hide_the_deadline():
    text = "vorige week heb ik gebeld, vrijdag bel ik opnieuw"
    assert deadlines.parse_deadline(text, SATURDAY) == date(2026, 12, 4)


def test_the_christmas_holiday_follows_the_flemish_rule():
    # 25 December on a weekday: from the Monday of that week; on a weekend: the Monday after.
    assert dates.holiday("kerstvakantie", 2026) == (date(2026, 12, 21), date(2027, 1, 3))
    assert dates.holiday("kerstvakantie", 2021) == (date(2021, 12, 27), date(2022, 1, 9))
    assert dates.holiday("kerstvakantie", 2023) == (date(2023, 12, 25), date(2024, 1, 7))
    assert deadlines.parse_deadline("na de kerstvakantie", date(2025, 12, 1)) == date(2026, 1, 5)
    # during the holiday, "na de kerstvakantie" is still its end
    assert deadlines.parse_deadline("na de kerstvakantie", date(2026, 12, 28)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 3, 28),  # the day before summer time starts (29 March 2026)
        date(2026, 3, 29),
        date(2026, 10, 24),  # the day before summer time ends (25 October 2026)
        date(2026, 10, 25),
    ],
)
def test_deadlines_do_not_shift_around_summer_time(today):
    assert deadlines.parse_deadline("morgen", today) == today + timedelta(days=1)
    assert deadlines.parse_deadline("overmorgen", today) == today + timedelta(days=2)
    assert deadlines.parse_deadline("over twee weken", today) == today + timedelta(days=14)
    assert deadlines.parse_deadline("binnen 14 dagen", today) == today + timedelta(days=14)
    friday = deadlines.parse_deadline("tegen vrijdag", today)
    assert friday.weekday() == 4 and 1 <= (friday - today).days <= 7
    # the dateparser fallback is anchored at noon, so a one-hour shift cannot change the day
    tomorrow = today + timedelta(days=1)
    found, _ = deadlines._dateparser_deadline(f"op {tomorrow.day}.{tomorrow.month}.", today)
    assert found in (None, tomorrow)


def test_today_is_taken_in_brussels(monkeypatch):
    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            # 23:30 UTC on 31 December is already 1 January in Brussels
            moment = datetime(2026, 12, 31, 23, 30, tzinfo=dates.ZoneInfo("UTC"))
            return moment.astimezone(tz) if tz else moment

    monkeypatch.setattr(dates, "datetime", FakeDatetime)
    assert dates.today_in_brussels() == date(2027, 1, 1)


@pytest.mark.parametrize(
    "text, specific, measurable, has_deadline",
    [
        ("tegen vrijdag mijn cv aanpassen en naar An sturen", True, True, True),
        ("ik stuur mijn cv naar drie bedrijven tegen vrijdag", True, True, True),
        ("drie vacatures zoeken", True, True, False),
        ("een mail sturen naar Wim", True, True, False),
        ("An bellen over haar job", True, True, False),
        ("volgende week naar de jobbeurs gaan", True, True, True),
        ("meer netwerken", False, False, False),
        ("netwerken", False, False, False),
        ("solliciteren", False, False, False),
        ("ik ga bellen", False, False, False),
        ("werk zoeken", False, False, False),
        ("nadenken over mijn toekomst", False, False, False),
        ("ik ga proberen wat meer te bewegen", False, False, False),
        ("een paar mensen aanspreken", False, False, False),
        ("een stage zoeken", True, False, False),
        ("een gesprek met mijn baas over minder uren, binnen de twee weken", True, True, True),
        ("", False, False, False),
    ],
)
def test_smart_parts(text, specific, measurable, has_deadline):
    check = smart.check(text, SATURDAY)
    assert (check.specific, check.measurable, check.deadline is not None) == (specific, measurable, has_deadline)


def test_the_bot_asks_only_for_what_is_missing():
    assert smart.check("mijn cv aanpassen tegen vrijdag", SATURDAY).missing == []
    assert smart.check("mijn cv aanpassen", SATURDAY).missing == ["deadline"]
    assert smart.check("een stage zoeken tegen vrijdag", SATURDAY).missing == ["measurable"]
    vague = smart.check("meer netwerken", SATURDAY)
    assert vague.missing == ["specific", "deadline", "measurable"]
    assert vague.questions() == [
        "Wat ga je precies doen, en met wie of wat?",
        "Tegen wanneer wil je dat gedaan hebben?",
        "Hoe weet je dat het gelukt is?",
    ]
    assert smart.check("mijn cv aanpassen", SATURDAY).questions(formal=True) == ["Tegen wanneer wilt u dat gedaan hebben?"]


def test_odd_input_does_not_crash():
    for text in ("???", "🙂" * 50, "a" * 5000, "31/02", "99/99", "de 45ste", "12 13 14", "\n\n"):
        smart.check(text, SATURDAY)
