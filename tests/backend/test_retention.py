"""Retention: a client quiet for longer than their retention period loses their dossier and their
chat (Rasa's tracker events) in the daily purge; everyone else keeps everything. The counsellor
sets a client's own period on the client page; the organisation's default comes from the
environment (RETENTION_DAYS_DEFAULT)."""
from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select

from backend import db
from backend.dashboard.labels import datum
from backend.dossier.erasure import ERASED_NAME
from backend.jobs import leases, retention
from backend.tables import Action, AuditEntry, Client, Contact, Flag, Insight, MoodEntry, Note, utcnow

from . import tracker
from .conftest import csrf_from, insight_body, login
from .fixtures import Dossier
from .test_cli import failed, ok_json, run_cli

pytestmark = pytest.mark.asyncio

DOSSIER_MODELS = (Insight, Contact, Action, MoodEntry, Flag, Note)


# Helpers


async def chatting_client(client, auth, dossier: Dossier, counsellor_id: int, name: str, tracker_path) -> Client:
    """A client who gave consent, confirmed an insight, named a contact, planned an action,
    gave a mood, and chatted (tracker events)."""
    made = await dossier.client(counsellor_id, name)
    api = f"/api/v1/chats/{made.chat_id}"
    assert (await client.put(f"{api}/consent", json={"given": True, "version": "v1"}, headers=auth)).status == 200
    assert (await client.post(f"{api}/insights", json=insight_body(key="q1"), headers=auth)).status == 201
    assert (await client.post(f"{api}/contacts", json={"key": "c1", "name": "Els Maes", "circle": "colleagues", "sentence": "Els werkt bij de stad."}, headers=auth)).status == 201
    assert (await client.post(f"{api}/actions", json={"key": "a1", "text": "Els bellen", "due_date": None}, headers=auth)).status == 201
    assert (await client.post(f"{api}/mood", json={"key": "m1", "mood": "good", "sentence": "Het gaat goed."}, headers=auth)).status == 201
    when = utcnow()
    tracker.write_events(f"sqlite:///{tracker_path}", made.chat_id, [("user", when, "mijn buurman Wim werkt bij Colruyt"), ("bot", when, "Dank je.")])
    return made


async def quiet_for(app, client_id: int, days: int, *, own_period=None, never_active: bool = False) -> None:
    """The client's last activity was `days` ago (or, never active, the client was made then)."""
    async with db.session(app) as s:
        row = await s.get(Client, client_id)
        when = utcnow() - timedelta(days=days)
        row.last_activity_at = None if never_active else when
        row.created_at = min(row.created_at, when)
        if own_period is not None:
            row.retention_days = own_period
        await s.commit()


async def age_events(tracker_path, chat_id: str, days: int) -> None:
    """Moves the chat's events back in time, as if the client last chatted `days` ago."""
    engine = create_engine(f"sqlite:///{tracker_path}", future=True)
    try:
        with engine.begin() as conn:
            when = (utcnow() - timedelta(days=days)).timestamp()
            conn.execute(tracker.events.update().where(tracker.events.c.sender_id == chat_id).values(timestamp=when))
    finally:
        engine.dispose()


async def quiet(app, tracker_path, made: Client, days: int, **kwargs) -> None:
    """The client last did anything, in the dossier and in the chat, `days` ago."""
    await quiet_for(app, made.id, days, **kwargs)
    await age_events(tracker_path, made.chat_id, days)


def events_of(tracker_path, chat_id: str) -> int:
    engine = create_engine(f"sqlite:///{tracker_path}", future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(tracker.events).where(tracker.events.c.sender_id == chat_id)
            ).scalar()
    finally:
        engine.dispose()


async def dossier_rows(app, client_id: int) -> int:
    async with db.session(app) as s:
        total = 0
        for model in DOSSIER_MODELS:
            total += await s.scalar(select(func.count()).select_from(model).where(model.client_id == client_id))
        return total


async def name_of(app, client_id: int) -> str:
    async with db.session(app) as s:
        return (await s.get(Client, client_id)).name


async def audit_of(app, client_id: int):
    async with db.session(app) as s:
        return [(e.action, e.counsellor_id) for e in await s.scalars(select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id))]


# The purge


async def test_a_client_past_their_period_is_purged_and_the_others_keep_everything(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    gone = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    recent = await chatting_client(client, auth, dossier, an.id, "Recente Rik", tracker_path)
    longer = await chatting_client(client, auth, dossier, an.id, "Lange Lotte", tracker_path)
    shorter = await chatting_client(client, auth, dossier, an.id, "Korte Kobe", tracker_path)
    await quiet(client.app, tracker_path, gone, 400)  # past the default of 365 days
    await quiet(client.app, tracker_path, recent, 300)  # within it
    await quiet(client.app, tracker_path, longer, 400, own_period=730)  # within their own longer period
    await quiet(client.app, tracker_path, shorter, 90, own_period=60)  # past their own shorter period
    kept_rows = await dossier_rows(client.app, recent.id)
    assert kept_rows == 4 and await dossier_rows(client.app, gone.id) == 4

    report = await retention.run_if_due(client.app)

    assert sorted(report.purged) == sorted([gone.id, shorter.id]) and report.failed == []
    for made in (gone, shorter):
        assert await dossier_rows(client.app, made.id) == 0
        assert events_of(tracker_path, made.chat_id) == 0, "the chat is gone from Rasa's tracker store"
        assert await name_of(client.app, made.id) == ERASED_NAME
        assert (retention.PURGE_ACTION, None) in await audit_of(client.app, made.id)
        # As after an erasure on request: the old chat id and the old link reach nothing.
        assert (await client.get(f"/api/v1/chats/{made.chat_id}", headers=auth)).status == 410
        assert (await client.get(f"/chat/{made.invite_token}")).status == 404
    for made in (recent, longer):
        assert await dossier_rows(client.app, made.id) == kept_rows
        assert events_of(tracker_path, made.chat_id) == 2
        assert await name_of(client.app, made.id) == made.name
        assert await audit_of(client.app, made.id) == []
    # The counsellor sees that the dossier was erased, and what is left of it.
    await login(client)
    html = await (await client.get(f"/clients/{gone.id}")).text()
    assert ERASED_NAME in html and "Oude Olga" not in html and "geduldig" not in html


async def test_the_purge_runs_once_a_day_and_never_purges_a_client_twice(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    gone = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    await quiet(client.app, tracker_path, gone, 400)
    now = utcnow()
    assert (await retention.run_if_due(client.app, now)).purged == [gone.id]
    # Later that day (another backend, or a restart): not due.
    assert await retention.run_if_due(client.app, now + timedelta(hours=5)) is None
    # The next day it runs again, and the erased client is not erased again.
    report = await retention.run_if_due(client.app, now + timedelta(days=1))
    assert report is not None and report.expired == []
    assert [a for a, _ in await audit_of(client.app, gone.id)].count(retention.PURGE_ACTION) == 1


async def test_two_backends_at_once_run_the_purge_once(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    gone = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    await quiet(client.app, tracker_path, gone, 400)
    now = utcnow()
    results = await asyncio.gather(retention.run_if_due(client.app, now), retention.run_if_due(client.app, now))
    assert sorted(r is None for r in results) == [False, True]
    assert [a for a, _ in await audit_of(client.app, gone.id)].count(retention.PURGE_ACTION) == 1


async def test_a_claim_of_a_crashed_run_is_taken_over_after_its_lease(client):
    sessions = client.app[db.SESSIONMAKER]
    now = utcnow()
    lease = timedelta(hours=1)
    first = await leases.claim(sessions, "test_job", now, every=timedelta(days=1), lease=lease)
    assert first is not None
    # The backend holding it died: nobody gets it during the lease, someone does after it.
    assert await leases.claim(sessions, "test_job", now + timedelta(minutes=59), every=timedelta(days=1), lease=lease) is None
    later = now + timedelta(minutes=61)
    second = await leases.claim(sessions, "test_job", later, every=timedelta(days=1), lease=lease)
    assert second is not None
    await leases.finish(sessions, "test_job", first, now, ok=True)  # the dead one's late finish changes nothing
    assert await leases.claim(sessions, "test_job", later + timedelta(minutes=1), every=None, lease=lease) is None
    # A failed run is tried again at the next check, not a day later.
    await leases.finish(sessions, "test_job", second, later, ok=False)
    assert await leases.claim(sessions, "test_job", later + timedelta(hours=1), every=timedelta(days=1), lease=lease) is not None


async def test_a_client_who_still_chats_without_consent_is_kept(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    talker = await dossier.client(an.id, "Praatgrage Pieter")
    await quiet_for(client.app, talker.id, 400, never_active=True)  # made 400 days ago, nothing in the dossier
    tracker.write_events(f"sqlite:///{tracker_path}", talker.chat_id, [("user", utcnow() - timedelta(days=10), "hallo")])
    silent = await dossier.client(an.id, "Stille Sien")
    await quiet_for(client.app, silent.id, 400, never_active=True)
    tracker.write_events(f"sqlite:///{tracker_path}", silent.chat_id, [("user", utcnow() - timedelta(days=390), "hallo")])

    report = await retention.run_if_due(client.app)

    assert report.purged == [silent.id]
    assert events_of(tracker_path, talker.chat_id) == 1 and await name_of(client.app, talker.id) == "Praatgrage Pieter"
    assert events_of(tracker_path, silent.chat_id) == 0
    # The counsellor's page counts the chat too: the data goes a year after that message.
    await login(client)
    page = await (await client.get(f"/clients/{talker.id}")).text()
    assert f"Zonder nieuwe activiteit wordt alles gewist rond {datum(utcnow() + timedelta(days=355))}." in page


async def test_when_the_chat_cannot_be_deleted_the_dossier_stays_for_the_next_run(client, auth, dossier, tracker_path, monkeypatch):
    an = await dossier.counsellor()
    gone = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    await quiet(client.app, tracker_path, gone, 400)
    from sqlalchemy.exc import OperationalError

    from backend.rasa.eraser import ERASER

    def broken(*args, **kwargs):
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(client.app[ERASER], "erase", broken)
    now = utcnow()
    report = await retention.run_if_due(client.app, now)
    assert report.failed == [gone.id] and report.purged == []
    assert await dossier_rows(client.app, gone.id) == 4 and events_of(tracker_path, gone.chat_id) == 2
    monkeypatch.undo()
    report = await retention.run_if_due(client.app, now + timedelta(hours=1))  # the next hourly check
    assert report.purged == [gone.id]
    assert await dossier_rows(client.app, gone.id) == 0 and events_of(tracker_path, gone.chat_id) == 0


@pytest.fixture
def keep_config(config):
    """An organisation that keeps everything unless the counsellor says otherwise."""
    return dataclasses.replace(config, retention_days_default=None)


async def test_under_a_keep_default_only_clients_with_their_own_period_are_purged(aiohttp_client, keep_config, auth, tracker_path):
    from backend.app import create_app

    client = await aiohttp_client(create_app(keep_config))
    dossier = Dossier(client.app)
    an = await dossier.counsellor()
    kept = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    own = await chatting_client(client, auth, dossier, an.id, "Korte Kobe", tracker_path)
    await quiet(client.app, tracker_path, kept, 3000)
    await quiet(client.app, tracker_path, own, 90, own_period=60)

    report = await retention.run_if_due(client.app)

    assert report.purged == [own.id]
    assert await dossier_rows(client.app, kept.id) == 4 and events_of(tracker_path, kept.chat_id) == 2
    assert await name_of(client.app, kept.id) == "Oude Olga"
    assert await dossier_rows(client.app, own.id) == 0 and events_of(tracker_path, own.chat_id) == 0


async def test_keep_chosen_for_a_client_wins_over_the_default(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    kept = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    await quiet(client.app, tracker_path, kept, 3000, own_period=0)
    assert (await retention.run_if_due(client.app)).expired == []
    assert await dossier_rows(client.app, kept.id) == 4


async def test_the_backend_purges_on_its_own_at_start(aiohttp_client, config, auth, tracker_path, monkeypatch):
    from backend.app import create_app

    # A backend that ran before: the data is there when the next one starts.
    first = await aiohttp_client(create_app(config))
    dossier = Dossier(first.app)
    an = await dossier.counsellor()
    gone = await chatting_client(first, auth, dossier, an.id, "Oude Olga", tracker_path)
    await quiet(first.app, tracker_path, gone, 400)
    await first.close()

    monkeypatch.setattr(retention, "FIRST_CHECK_SECONDS", 0)
    second = await aiohttp_client(create_app(config))
    for _ in range(200):
        if await name_of(second.app, gone.id) == ERASED_NAME:
            break
        await asyncio.sleep(0.05)
    assert await name_of(second.app, gone.id) == ERASED_NAME
    assert await dossier_rows(second.app, gone.id) == 0 and events_of(tracker_path, gone.chat_id) == 0


# The counsellor's form


async def retention_form(client, client_id: int, **data):
    token = csrf_from(await (await client.get(f"/clients/{client_id}")).text())
    return await client.post(f"/clients/{client_id}/retention", data={"csrf_token": token, **data}, allow_redirects=False)


async def test_the_counsellor_sets_a_period_and_the_purge_follows_it(client, auth, dossier, tracker_path):
    an = await dossier.counsellor()
    kobe = await chatting_client(client, auth, dossier, an.id, "Korte Kobe", tracker_path)
    await quiet(client.app, tracker_path, kobe, 90)
    await login(client)
    page = await (await client.get(f"/clients/{kobe.id}")).text()
    assert "Nu: na 365 dagen zonder activiteit (de standaard van je organisatie)." in page
    assert "Zonder nieuwe activiteit wordt alles gewist rond" in page

    response = await retention_form(client, kobe.id, choice="own", days="60")

    assert response.status == 303 and response.headers["Location"] == f"/clients/{kobe.id}#bewaartermijn"
    page = await (await client.get(f"/clients/{kobe.id}")).text()
    assert "De bewaartermijn is opgeslagen." in page
    assert "Nu: na 60 dagen zonder activiteit." in page
    assert "Die termijn is voorbij: alles wordt gewist bij de volgende opruiming, binnen een dag." in page
    assert 'value="own" checked' in page and 'value="60"' in page
    assert ("set_retention", an.id) in await audit_of(client.app, kobe.id)

    assert (await retention.run_if_due(client.app)).purged == [kobe.id]
    assert await dossier_rows(client.app, kobe.id) == 0 and events_of(tracker_path, kobe.chat_id) == 0


async def test_keep_and_back_to_the_default(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    assert (await retention_form(client, jan.id, choice="keep")).status == 303
    page = await (await client.get(f"/clients/{jan.id}")).text()
    assert "Nu: niets wordt automatisch gewist." in page and 'value="keep" checked' in page
    async with db.session(client.app) as s:
        assert (await s.get(Client, jan.id)).retention_days == 0
    assert (await retention_form(client, jan.id, choice="default", days="90")).status == 303
    async with db.session(client.app) as s:
        assert (await s.get(Client, jan.id)).retention_days is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"choice": "own", "days": ""}, "Vul een aantal dagen in."),
        ({"choice": "own", "days": "een jaar"}, "Vul een getal in, bijvoorbeeld 730."),
        ({"choice": "own", "days": "-5"}, "Vul een getal in, bijvoorbeeld 730."),
        ({"choice": "own", "days": "7"}, "Kies een termijn van 30 tot 3650 dagen."),
        ({"choice": "own", "days": "99999"}, "Kies een termijn van 30 tot 3650 dagen."),
        ({}, "Kies hoe lang de gegevens bewaard blijven."),
    ],
)
async def test_a_wrong_period_is_a_dutch_message_and_nothing_changes(client, dossier, data, message):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await login(client)
    response = await retention_form(client, jan.id, **data)
    assert response.status == 400
    html = await response.text()
    assert "De bewaartermijn is niet opgeslagen." in html and message in html
    async with db.session(client.app) as s:
        assert (await s.get(Client, jan.id)).retention_days is None
    assert await audit_of(client.app, jan.id) == [("view_client", an.id), ("view_client", an.id)]


async def test_the_form_needs_the_own_counsellor_and_a_csrf_token(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    await login(client, email="bo@example.org")
    token = csrf_from(await (await client.get("/")).text())
    response = await client.post(f"/clients/{jan.id}/retention", data={"csrf_token": token, "choice": "keep"})
    assert response.status == 404
    response = await client.post(f"/clients/{jan.id}/retention", data={"csrf_token": "forged", "choice": "keep"})
    assert response.status == 403
    async with db.session(client.app) as s:
        assert (await s.get(Client, jan.id)).retention_days is None


# The admin command line


async def test_purge_expired_on_the_command_line(client, auth, dossier, tracker_path, database_url):
    an = await dossier.counsellor()
    gone = await chatting_client(client, auth, dossier, an.id, "Oude Olga", tracker_path)
    recent = await chatting_client(client, auth, dossier, an.id, "Recente Rik", tracker_path)
    await quiet(client.app, tracker_path, gone, 400)
    tracker_url = f"sqlite:///{tracker_path}"

    def cli(*args, **env):
        return run_cli(database_url, "purge-expired", *args, TRACKER_STORE_URL=tracker_url, **env)

    dry = ok_json(await asyncio.to_thread(cli, "--dry-run"))
    assert dry == {"dry_run": True, "retention_days_default": 365, "expired": [gone.id], "purged": [], "failed": [], "unknown_sender_events": 0}
    assert await dossier_rows(client.app, gone.id) == 4 and events_of(tracker_path, gone.chat_id) == 2

    done = ok_json(await asyncio.to_thread(cli))
    assert done == {"dry_run": False, "retention_days_default": 365, "expired": [gone.id], "purged": [gone.id], "failed": [], "unknown_sender_events": 0}
    assert await dossier_rows(client.app, gone.id) == 0 and events_of(tracker_path, gone.chat_id) == 0
    assert await dossier_rows(client.app, recent.id) == 4 and events_of(tracker_path, recent.chat_id) == 2
    # The daily run of a backend counts it as today's run.
    assert await retention.run_if_due(client.app) is None

    keep = ok_json(await asyncio.to_thread(cli, "--dry-run", RETENTION_DAYS_DEFAULT="0"))
    assert keep["retention_days_default"] is None and keep["expired"] == []
    assert "RETENTION_DAYS_DEFAULT" in failed(await asyncio.to_thread(cli, RETENTION_DAYS_DEFAULT="7"))


async def test_purge_expired_waits_for_a_backend_that_is_purging(client, database_url, tracker_path):
    lease = await leases.claim(client.app[db.SESSIONMAKER], retention.JOB, utcnow(), every=None, lease=retention.LEASE)
    assert lease is not None
    result = await asyncio.to_thread(run_cli, database_url, "purge-expired", TRACKER_STORE_URL=f"sqlite:///{tracker_path}")
    assert "purging right now" in failed(result)
