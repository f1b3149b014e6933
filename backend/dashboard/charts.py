"""Geometry for the two pictures on the client page, drawn as inline SVG by the templates:
the network map (rings per circle around the client) and the mood and activity timeline.
Plain numbers here, no markup: the templates escape every name."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, Iterable, List, Optional, Sequence

from backend.clock import local, local_today
from backend.tables import CIRCLES

# The rings of the network map: groups of contacts (one contact's circle: contract.CIRCLE_LABELS).
CIRCLE_GROUPS = {
    "family": "Familie",
    "friends": "Vrienden",
    "colleagues": "(Oud-)collega's",
    "professional": "Professionele contacten",
    "associations": "Verenigingen",
    None: "Andere",
}
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

# Network map.
MAP_WIDTH = 760
MAP_HEIGHT = 660
CENTER_X = MAP_WIDTH / 2
CENTER_Y = MAP_HEIGHT / 2
FIRST_RING = 78
RING_STEP = 44
LABEL_MAX = 22
FREE_TOP_DEGREES = 28


@dataclass(frozen=True)
class Ring:
    circle: Optional[str]
    label: str
    r: float
    label_y: float


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label_x: float
    anchor: str  # "start" or "end": labels point away from the centre
    name: str
    label: str
    circle_label: str
    contacted: bool
    detail: str


@dataclass(frozen=True)
class NetworkMap:
    width: int
    height: int
    cx: float
    cy: float
    rings: List[Ring]
    dots: List[Dot]


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def network_map(contacts: Sequence) -> NetworkMap:
    """Contacts on the ring of their circle (inner: family, outer: associations, then those
    without a circle). Every contact gets its own direction around the client, ring after
    ring, so that names on neighbouring rings do not collide; the top stays free for the
    rings' names."""
    order: List[Optional[str]] = list(CIRCLES) + [None]
    by_circle: Dict[Optional[str], list] = {circle: [] for circle in order}
    for contact in contacts:
        by_circle.get(contact.circle, by_circle[None]).append(contact)
    # Empty circles get no ring, so that a small network is not lost in empty space.
    used = [circle for circle in order if by_circle[circle]]
    total = sum(len(by_circle[circle]) for circle in used)
    rings: List[Ring] = []
    dots: List[Dot] = []
    slot = 0
    for index, circle in enumerate(used):
        r = FIRST_RING + index * RING_STEP
        label = CIRCLE_GROUPS[circle]
        rings.append(Ring(circle=circle, label=label, r=r, label_y=CENTER_Y - r + 4))
        for contact in by_circle[circle]:
            degrees = FREE_TOP_DEGREES + (360 - 2 * FREE_TOP_DEGREES) * (slot + 0.5) / total
            slot += 1
            angle = math.radians(degrees)
            x = CENTER_X + r * math.sin(angle)
            y = CENTER_Y - r * math.cos(angle)
            right = x >= CENTER_X
            detail = ", ".join(p for p in (contact.organisation, contact.help) if p)
            dots.append(
                Dot(
                    x=round(x, 1),
                    y=round(y, 1),
                    label_x=round(x + (12 if right else -12), 1),
                    anchor="start" if right else "end",
                    name=contact.name,
                    label=_short(contact.name),
                    circle_label=label,
                    contacted=bool(contact.contacted),
                    detail=detail,
                )
            )
    return NetworkMap(MAP_WIDTH, MAP_HEIGHT, CENTER_X, CENTER_Y, rings, dots)


def centre_label(name: str) -> str:
    """The client's first name fits in the middle circle; the full name is in the title."""
    first = name.split()[0] if name.split() else name
    return _short(first, 9)


# Mood and activity timeline.
WEEKS = 12
CHART_WIDTH = 720
CHART_HEIGHT = 210
PLOT_LEFT = 70
PLOT_RIGHT = 705
GOOD_Y = 30
BAD_Y = 62
BASELINE_Y = 172
BAR_MAX = 78


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    title: str


@dataclass(frozen=True)
class MoodDot:
    x: float
    y: float
    good: bool
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    good_y: int
    bad_y: int
    baseline_y: int
    bars: List[Bar]
    moods: List[MoodDot]
    ticks: List[Tick]
    total: int


def short_date(day) -> str:
    return f"{day.day} {MONTHS_SHORT[day.month - 1]}"


def timeline(activity: Iterable[datetime], mood: Sequence, weeks: int = WEEKS) -> Timeline:
    """Bars: what the client did per week (insights, actions, mood notes); dots: each mood,
    good on the upper line and bad on the lower one. Weeks start on Monday, Belgian time."""
    today = local_today()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    counts = [0] * weeks
    for when in activity:
        week = (local(when).date() - first_monday).days // 7
        if 0 <= week < weeks:
            counts[week] += 1
    slot = (PLOT_RIGHT - PLOT_LEFT) / weeks
    peak = max(counts) or 1
    bars, ticks = [], []
    for week, count in enumerate(counts):
        monday = first_monday + timedelta(weeks=week)
        height = round(BAR_MAX * count / peak, 1) if count else 0
        x = PLOT_LEFT + week * slot
        word = "ding" if count == 1 else "dingen"
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=round(BASELINE_Y - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                count=count,
                title=f"Week van {short_date(monday)}: {count} {word} gedaan",
            )
        )
        if week % 2 == 0:
            ticks.append(Tick(x=round(x + slot / 2, 1), label=short_date(monday)))
    span_days = weeks * 7
    moods = []
    for entry in mood:
        moment = local(entry.at)
        days = (moment.date() - first_monday).days + (moment.hour * 60 + moment.minute) / 1440
        if not 0 <= days < span_days:
            continue
        good = entry.mood == "good"
        words = f": “{_short(entry.sentence, 80)}”" if entry.sentence else ""
        moods.append(
            MoodDot(
                x=round(PLOT_LEFT + days / span_days * (PLOT_RIGHT - PLOT_LEFT), 1),
                y=GOOD_Y if good else BAD_Y,
                good=good,
                title=f"{short_date(moment)}: {'goed' if good else 'niet goed'}{words}",
            )
        )
    return Timeline(
        CHART_WIDTH, CHART_HEIGHT, PLOT_LEFT, PLOT_RIGHT, GOOD_Y, BAD_Y, BASELINE_Y,
        bars, moods, ticks, sum(counts),
    )
