"""Everything counsellors read that is made from data: Dutch labels and Dutch dates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from backend.clock import local
from contract import CIRCLE_LABELS, MONTH_NAMES

# Crisis first: the counsellor must see it before anything else.
CATEGORY_LABELS = {
    "crisis": "Signalen van crisis",
    "quality": "Kwaliteiten",
    "motive": "Motieven en waarden",
    "network": "Netwerk",
    "labour_market": "Arbeidsmarkt",
    "action": "Acties",
    "question_for_counsellor": "Vragen voor jou",
    "mood": "Stemming",
}


def group_insights(insights: Iterable[Any], labels: Mapping[str, str] = CATEGORY_LABELS) -> List[Dict[str, Any]]:
    """The insights per category, in the order of `labels` (the counsellor's by default), each
    group with its label; categories without insights are left out."""
    by_category: Dict[str, List[Any]] = {}
    for insight in insights:
        by_category.setdefault(insight.category, []).append(insight)
    return [
        {"category": category, "label": label, "insights": by_category[category]}
        for category, label in labels.items()
        if by_category.get(category)
    ]


ACTION_STATUS_LABELS = {"open": "nog te doen", "done": "gedaan", "blocked": "zit vast"}
FLAG_LABELS = {"crisis": "Crisis", "stuck": "Zit vast", "no_activity": "Geen activiteit"}
TOPIC_LABELS = {
    "qualities": "kwaliteiten",
    "motives": "motieven",
    "network": "netwerk",
    "labour_market": "arbeidsmarkt",
    "actions": "acties",
}


def datum(value: Optional[Union[date, datetime]]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def datumtijd(value: Optional[datetime]) -> str:
    if value is None:
        return ""
    return f"{datum(value)}, {local(value):%H:%M}"


def tijd(value: Optional[datetime]) -> str:
    return f"{local(value):%H:%M}" if value is not None else ""


def action_status(status: str) -> str:
    return ACTION_STATUS_LABELS.get(status, status)


def circle_label(circle: Optional[str]) -> str:
    return CIRCLE_LABELS.get(circle, "andere") if circle else "andere"


def count_words(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def novelty(new) -> str:
    """'3 inzichten, 1 actie' for the client list; empty when nothing changed."""
    parts = []
    if new.flags:
        parts.append(count_words(new.flags, "signaal", "signalen"))
    if new.insights:
        parts.append(count_words(new.insights, "inzicht", "inzichten"))
    if new.actions:
        parts.append(count_words(new.actions, "actie", "acties"))
    if new.mood:
        parts.append(count_words(new.mood, "stemming", "stemmingen"))
    return ", ".join(parts)


def topic_label(topic: Optional[str]) -> str:
    return TOPIC_LABELS.get(topic or "", "")


def flag_label(kind: str) -> str:
    return FLAG_LABELS.get(kind, kind)


FILTERS = {
    "topic_label": topic_label,
    "flag_label": flag_label,
    "datum": datum,
    "datumtijd": datumtijd,
    "tijd": tijd,
    "action_status": action_status,
    "circle_label": circle_label,
    "novelty": novelty,
}
