"""The retention purge after an erasure, and beyond the clients: a client erased once who chats on
is purged again once their period has passed since their last message; Rasa's events of senders
that belong to no client (a chat id retired by an erasure or a new invite link, a made-up sender)
go once they are UNKNOWN_SENDER_RETENTION_DAYS old. With the tracker store on SQLite, and on
PostgreSQL too when TEST_DATABASE_URL is set."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, update

from backend import db
from backend.chat import access
from backend.config import UNKNOWN_SENDER_RETENTION_DAYS
from backend.jobs import retention
from backend.rasa.eraser import ERASER
from backend.tables import AuditEntry, Client, RetiredChatId, utcnow

from . import tracker
from .tracker import tracker_url, web  # noqa: F401 (fixtures)
from .fixtures import Dossier

pytestmark = pytest.mark.asyncio


def said(url: str, sender: str, days_ago: float, text: str = "hallo") -> None:
    tracker.write_events(url, sender, [("user", utcnow() - timedelta(days=days_ago), text)])


def events_of(url: str, sender: str) -> int:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(tracker.events).where(tracker.events.c.sender_id == sender)
            ).scalar()
    finally:
        engine.dispose()


async def erased_ago(web, auth, made: Client, days: int) -> None:
    """The client asked the bot to erase everything, `days` ago (and was made before that)."""
    assert (await web.delete(f"/api/v1/chats/{made.chat_id}/data", headers=auth)).status == 204
    when = utcnow() - timedelta(days=days)
    async with db.session(web.app) as s:
        await s.execute(update(AuditEntry).where(AuditEntry.client_id == made.id).values(at=when))
        await s.execute(update(RetiredChatId).values(retired_at=when))
        await s.execute(update(Client).where(Client.id == made.id).values(created_at=when - timedelta(days=10)))
        await s.commit()


async def new_invite(web, client_id: int) -> str:
    """`clients invite`: the counsellor gives a new link; the client's new chat id."""

    async def no_conversation(old: str, new: str) -> int:
        return 0

    async with db.session(web.app) as s:
        renewed, _, _ = await access.reissue_invite(s, client_id, no_conversation)
        return renewed.chat_id


async def audit_actions(web, client_id: int):
    async with db.session(web.app) as s:
        return list(await s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id)))


async def test_a_client_erased_once_who_chats_on_is_purged_once_their_period_has_passed(web, auth, tracker_url):
    dossier = Dossier(web.app)
    an = await dossier.counsellor()
    olga = await dossier.client(an.id, "Oude Olga")  # back after the erasure, then quiet for longer than a year
    rik = await dossier.client(an.id, "Recente Rik")  # back after the erasure, still chatting
    sien = await dossier.client(an.id, "Stille Sien")  # never back after the erasure
    for made in (olga, rik, sien):
        await erased_ago(web, auth, made, 500)
    # With a new link they chat on without consent: nothing reaches the dossier, only Rasa's store.
    olga_chat = await new_invite(web, olga.id)
    rik_chat = await new_invite(web, rik.id)
    said(tracker_url, olga_chat, 380, "ik ben er weer, mijn buurman Wim werkt bij Colruyt")
    said(tracker_url, rik_chat, 100)

    report = await retention.run_if_due(web.app)

    assert report.purged == [olga.id] and report.failed == []
    assert events_of(tracker_url, olga_chat) == 0, "what Olga wrote after her erasure is gone too"
    assert events_of(tracker_url, rik_chat) == 1
    assert await audit_actions(web, olga.id) == ["erase_client_data", retention.PURGE_ACTION]
    assert await audit_actions(web, sien.id) == ["erase_client_data"], "nothing new since her erasure: not erased again"
    # The next day nobody is purged a second time.
    assert (await retention.run_if_due(web.app, utcnow() + timedelta(days=1))).expired == []


async def test_events_of_senders_without_a_client_go_after_30_days(web, auth, tracker_url):
    assert UNKNOWN_SENDER_RETENTION_DAYS == 30
    dossier = Dossier(web.app)
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, "Jan Janssens")
    said(tracker_url, jan.chat_id, 40, "een maand geleden, van Jan")  # a client: their own period applies
    els = await dossier.client(an.id, "Els Maes")
    old_els = els.chat_id
    await new_invite(web, els.id)
    said(tracker_url, old_els, 40, "een beurt die Rasa nog onder de oude id bewaarde")
    said(tracker_url, "zelfverzonnen-afzender", 31)
    said(tracker_url, "zelfverzonnen-afzender", 5, "nog eens hallo")
    said(tracker_url, "verse-vreemde", 29)
    # Many of them: more than one query's worth of ids.
    for number in range(520):
        said(tracker_url, f"willekeurig-{number}", 45)
    sessions, eraser = web.app[db.SESSIONMAKER], web.app[ERASER]

    dry = await retention.purge_expired(sessions, eraser, 365, dry_run=True)
    assert dry.unknown_sender_events == 522 and events_of(tracker_url, old_els) == 1, "a dry run deletes nothing"

    report = await retention.run_if_due(web.app)

    assert report.unknown_sender_events == 522 and report.purged == [] and report.ok
    assert events_of(tracker_url, old_els) == 0
    assert events_of(tracker_url, "zelfverzonnen-afzender") == 1, "its recent message stays for now"
    assert events_of(tracker_url, "verse-vreemde") == 1
    assert events_of(tracker_url, "willekeurig-519") == 0
    assert events_of(tracker_url, jan.chat_id) == 1, "a client's chat follows the client's period"


async def test_when_the_unknown_senders_cannot_be_deleted_the_run_is_tried_again(web, auth, tracker_url, monkeypatch):
    from sqlalchemy.exc import OperationalError

    said(tracker_url, "zelfverzonnen-afzender", 31)

    def broken(*args, **kwargs):
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(web.app[ERASER], "erase_senders", broken)
    now = utcnow()
    report = await retention.run_if_due(web.app, now)
    assert report.unknown_senders_failed and not report.ok
    monkeypatch.undo()
    report = await retention.run_if_due(web.app, now + timedelta(hours=1))  # the next hourly check
    assert report is not None and report.unknown_sender_events == 1
    assert events_of(tracker_url, "zelfverzonnen-afzender") == 0
