"""The conversation of a client without consent (never given, or refused) is deleted from Rasa's
tracker store once the chat has been quiet for UNCONSENTED_CHAT_KEEP_MINUTES; a conversation going
on, a consenting client's and one in a withdrawal's grace period stay. With the tracker store on
SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError

from backend import db
from backend.app import create_app
from backend.config import Config, ConfigError
from backend.jobs import unconsented
from backend.rasa.eraser import ERASER
from backend.tables import Client, Flag, JobRun, utcnow

from . import tracker
from .tracker import tracker_url, web  # noqa: F401 (fixtures)
from .fixtures import Dossier

pytestmark = pytest.mark.asyncio


def conversation(url: str, sender: str, minutes_ago: float) -> None:
    """A client's message and the bot's answer, the last `minutes_ago`."""
    last = utcnow() - timedelta(minutes=minutes_ago)
    tracker.write_events(url, sender, [
        ("session_started", last - timedelta(minutes=5), None),
        ("user", last - timedelta(minutes=1), "ik werk al tien jaar bij Colruyt"),
        ("bot", last, "Wil je dat ik bewaar wat je bevestigt?"),
    ])


def events_of(url: str, sender: str) -> int:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(tracker.events).where(tracker.events.c.sender_id == sender)
            ).scalar()
    finally:
        engine.dispose()


async def consent(web, auth, chat_id: str, given: bool) -> None:
    response = await web.put(f"/api/v1/chats/{chat_id}/consent", json={"given": given, "version": "v1"}, headers=auth)
    assert response.status == 200


async def test_a_quiet_chat_without_consent_is_deleted_and_the_others_stay(web, auth, tracker_url):
    dossier = Dossier(web.app)
    an = await dossier.counsellor()
    never = await dossier.client(an.id, "Nooit Gevraagd")  # never answered the consent question
    refused = await dossier.client(an.id, "Nee Zegger")  # said no
    active = await dossier.client(an.id, "Nog Bezig")  # no consent, still chatting
    agreed = await dossier.client(an.id, "Ja Zegger")  # gave consent
    grace = await dossier.client(an.id, "Trok In")  # withdrew consent: the grace period runs
    await consent(web, auth, refused.chat_id, False)
    await consent(web, auth, agreed.chat_id, True)
    await consent(web, auth, grace.chat_id, True)
    await consent(web, auth, grace.chat_id, False)
    crisis = {"key": "k1", "kind": "crisis", "message": "ik zie het niet meer zitten"}
    assert (await web.post(f"/api/v1/chats/{refused.chat_id}/flags", json=crisis, headers=auth)).status in (200, 201)
    for made in (never, refused, agreed, grace):
        conversation(tracker_url, made.chat_id, 61)
    conversation(tracker_url, active.chat_id, 30)

    report = await unconsented.run_if_due(web.app)

    assert sorted(report.erased) == sorted([never.id, refused.id]) and report.failed == []
    assert report.events == 6
    assert events_of(tracker_url, never.chat_id) == events_of(tracker_url, refused.chat_id) == 0
    for kept in (active, agreed, grace):
        assert events_of(tracker_url, kept.chat_id) == 3, kept.name
    async with db.session(web.app) as s:
        row = await s.get(Client, refused.id)
        assert row.name == "Nee Zegger" and row.chat_id == refused.chat_id, "the client and the chat link stay"
        assert row.last_activity_at > utcnow() - timedelta(minutes=63), "the last message still counts for retention"
        assert [f.kind for f in await s.scalars(select(Flag).where(Flag.client_id == refused.id))] == ["crisis"]


async def test_an_ongoing_chat_goes_once_it_has_been_quiet_for_the_keep_time(web, auth, tracker_url):
    dossier = Dossier(web.app)
    nele = await dossier.client((await dossier.counsellor()).id, "Nele Nee")
    conversation(tracker_url, nele.chat_id, 10)
    now = utcnow()

    assert (await unconsented.run_if_due(web.app, now)).erased == []
    assert events_of(tracker_url, nele.chat_id) == 3
    assert (await unconsented.run_if_due(web.app, now + timedelta(minutes=2))) is None, "at most every 5 minutes"

    report = await unconsented.run_if_due(web.app, now + timedelta(minutes=51))

    assert report.erased == [nele.id] and events_of(tracker_url, nele.chat_id) == 0


async def test_the_keep_time_is_the_organisations_setting(aiohttp_client, config, auth, tracker_url):
    web = await aiohttp_client(create_app(dataclasses.replace(config, tracker_store_url=tracker_url, unconsented_chat_keep_minutes=120)))
    dossier = Dossier(web.app)
    nele = await dossier.client((await dossier.counsellor()).id, "Nele Nee")
    conversation(tracker_url, nele.chat_id, 90)

    assert (await unconsented.run_if_due(web.app)).erased == []
    assert events_of(tracker_url, nele.chat_id) == 3
    assert Config.from_env({}).unconsented_chat_keep_minutes == 60
    assert Config.from_env({"UNCONSENTED_CHAT_KEEP_MINUTES": "30"}).unconsented_chat_keep_minutes == 30
    with pytest.raises(ConfigError, match="UNCONSENTED_CHAT_KEEP_MINUTES"):
        Config.from_env({"UNCONSENTED_CHAT_KEEP_MINUTES": "5"})


async def test_when_a_chat_cannot_be_deleted_the_run_fails_and_is_tried_again(web, auth, tracker_url, monkeypatch):
    dossier = Dossier(web.app)
    nele = await dossier.client((await dossier.counsellor()).id, "Nele Nee")
    conversation(tracker_url, nele.chat_id, 61)

    def broken(*args, **kwargs):
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(web.app[ERASER], "erase", broken)
    now = utcnow()
    report = await unconsented.run_if_due(web.app, now)
    assert report.failed == [nele.id] and report.erased == []
    assert events_of(tracker_url, nele.chat_id) == 3
    async with db.session(web.app) as s:
        run = await s.get(JobRun, unconsented.JOB)
        assert run.last_run_at is None and run.lease_until is None, "a failed run, not claimed any more"
    monkeypatch.undo()

    report = await unconsented.run_if_due(web.app, now + timedelta(minutes=1))  # the next check, before 5 minutes

    assert report is not None and report.erased == [nele.id] and report.failed == []
    assert events_of(tracker_url, nele.chat_id) == 0
