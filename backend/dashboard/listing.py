"""The counsellor's client list: a page of their clients, searched by name, most urgent first
(open crisis flags by how urgent the bot's words were), with what is new since the last visit.
Of a client who withdrew consent only the crisis flags count, and the page says when it was
withdrawn instead of what is new."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional

from sqlalchemy import String, and_, case, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from backend.tables import Action, Client, ClientView, Flag, Insight, MoodEntry
from contract import CRISIS_CLEAR, CRISIS_URGENCY

PAGE_SIZE = 50

# How urgent an open crisis flag is comes from the words the bot gave it (contract.CRISIS_URGENCY):
# the client list puts the most urgent first, and shows the words.
ANY_CRISIS = 1  # a crisis flag whose value is not listed above


def crisis_urgency():
    """SQL: the urgency of a flag joined with its insight (0 for flags that are no crisis)."""
    ranks = case(
        *((Insight.value == value, rank) for value, rank in CRISIS_URGENCY.items()), else_=ANY_CRISIS
    )
    return case((Flag.kind == "crisis", ranks), else_=0)


def urgency_words(urgency: int) -> str:
    """The words of the most urgent open crisis flag ("crisis" when there are none to say)."""
    words = [value for value, rank in CRISIS_URGENCY.items() if rank == urgency]
    return words[0] if words and urgency > CRISIS_URGENCY[CRISIS_CLEAR] else "crisis"


@dataclass
class Novelty:
    """What changed since the counsellor last opened the client's page."""

    insights: int = 0
    actions: int = 0
    mood: int = 0
    flags: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.insights or self.actions or self.mood or self.flags)


@dataclass
class ClientRow:
    id: int
    name: str
    last_activity_at: Optional[datetime]
    open_flags: int
    crisis: bool
    viewed_at: Optional[datetime] = None
    open_homework: int = 0
    new: Novelty = field(default_factory=Novelty)
    urgency: int = 0  # CRISIS_URGENCY of the most urgent open crisis flag
    consent_withdrawn_at: Optional[datetime] = None
    withdrawal_erase_at: Optional[datetime] = None  # filled in by the page (the grace period is a setting)
    trajectory_ended_at: Optional[datetime] = None

    @property
    def crisis_words(self) -> str:
        return urgency_words(self.urgency)


@dataclass(frozen=True)
class ClientPage:
    rows: List[ClientRow]
    total: int
    page: int
    pages: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def client_list(
    s: AsyncSession, counsellor_id: int, search: str = "", page: int = 1, *, show_ended: bool = False
) -> ClientPage:
    """One page of the counsellor's clients: open crisis flags first (the most urgent first: a
    client who is not safe and alone above a possible signal), then other open flags, then the
    most recently active. Aggregates run for the 50 shown clients only. Clients whose trajectory
    ended only with `show_ended`."""
    where = [Client.counsellor_id == counsellor_id]
    if not show_ended:
        where.append(Client.trajectory_ended_at.is_(None))
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        where.append(func.lower(Client.name).like(pattern, escape="\\"))

    open_flags = (
        select(
            Flag.client_id.label("client_id"),
            func.count(Flag.id).label("open_flags"),
            func.max(crisis_urgency()).label("crisis"),
        )
        .join(Client, Client.id == Flag.client_id)
        .outerjoin(Insight, Insight.id == Flag.insight_id)
        .where(
            Flag.resolved_at.is_(None),
            Client.counsellor_id == counsellor_id,
            or_(Client.consent_withdrawn_at.is_(None), Flag.kind == "crisis"),
        )
        .group_by(Flag.client_id)
        .subquery()
    )
    flags = func.coalesce(open_flags.c.open_flags, 0)
    crisis = func.coalesce(open_flags.c.crisis, 0)
    seen = and_(ClientView.counsellor_id == counsellor_id, ClientView.client_id == Client.id)
    query = (
        select(
            Client.id, Client.name, Client.last_activity_at, flags, crisis,
            ClientView.viewed_at, Client.consent_withdrawn_at, Client.trajectory_ended_at,
            func.count().over().label("total"),  # the page and the total in one round trip
        )
        .outerjoin(open_flags, open_flags.c.client_id == Client.id)
        .outerjoin(ClientView, seen)
        .where(*where)
        .order_by(
            crisis.desc(),
            (flags > 0).desc(),
            Client.last_activity_at.is_(None),
            Client.last_activity_at.desc(),
            func.lower(Client.name),
            Client.id,
        )
        .limit(PAGE_SIZE)
    )
    page = max(page, 1)
    result = (await s.execute(query.offset((page - 1) * PAGE_SIZE))).all()
    if not result and page > 1:
        # Past the end (an old link, a typed number): show the last page instead.
        total = await s.scalar(select(func.count(Client.id)).where(*where)) or 0
        page = max(1, -(-total // PAGE_SIZE))
        result = (await s.execute(query.offset((page - 1) * PAGE_SIZE))).all()
    total = result[0].total if result else 0
    rows = [
        ClientRow(
            id=r[0], name=r[1], last_activity_at=r[2], open_flags=r[3], crisis=bool(r[4]), viewed_at=r[5],
            urgency=r[4], consent_withdrawn_at=r[6], trajectory_ended_at=r[7],
        )
        for r in result
    ]
    counted = {row.id: row for row in rows if row.consent_withdrawn_at is None}
    if counted:
        await _fill_counts(s, counsellor_id, counted)
    return ClientPage(rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)))


async def _fill_counts(s: AsyncSession, counsellor_id: int, rows: Dict[int, ClientRow]) -> None:
    """Open homework and what is new, for the shown clients, in one round trip."""
    ids = list(rows)

    def counted(kind: str, model, *where):
        return (
            select(literal(kind, String).label("kind"), model.client_id, func.count(model.id))
            .where(model.client_id.in_(ids), *where)
            .group_by(model.client_id)
        )

    def newer(kind: str, model, when, *where):
        # Joined with the counsellor's last view; never viewed means everything is new.
        seen = and_(ClientView.counsellor_id == counsellor_id, ClientView.client_id == model.client_id)
        return counted(
            kind, model, or_(ClientView.viewed_at.is_(None), when > ClientView.viewed_at), *where
        ).outerjoin(ClientView, seen)

    query = union_all(
        counted("homework", Action, Action.is_homework.is_(True), Action.status != "done"),
        newer("insights", Insight, Insight.created_at, Insight.status == "confirmed"),
        newer("actions", Action, Action.updated_at),
        newer("mood", MoodEntry, MoodEntry.at),
        newer("flags", Flag, Flag.created_at),
    )
    for kind, client_id, n in await s.execute(query):
        row = rows[client_id]
        if kind == "homework":
            row.open_homework = n
        else:
            setattr(row.new, kind, n)
