"""A withdrawn consent: the counsellor no longer sees what the client gave under it (crisis flags
excepted) from that moment, with one line saying when it was withdrawn and when it goes; after
CONSENT_WITHDRAWAL_GRACE_DAYS it is erased, unless the client gave consent again."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, update

from backend import db
from backend.app import create_app
from backend.dashboard.labels import datum
from backend.jobs import withdrawal
from backend.tables import Action, AuditEntry, Client, Contact, Flag, Insight, MoodEntry, Note, utcnow

from . import tracker
from .conftest import csrf_from, insight_body, login
from .fixtures import Dossier

pytestmark = pytest.mark.asyncio

CONTENT = (Insight, Contact, Action, MoodEntry, Note)


async def consenting_client(client, auth, dossier, tracker_path, name="Jan Janssens"):
    """A client who gave consent and did a bit of everything; a note of the counsellor; a crisis
    signal; a conversation."""
    an = await dossier.counsellor()
    jan = await dossier.client(an.id, name)
    api = f"/api/v1/chats/{jan.chat_id}"
    assert (await client.put(f"{api}/consent", json={"given": True, "version": "v1"}, headers=auth)).status == 200
    await client.post(f"{api}/insights", json=insight_body(key="q1", value="geduldig"), headers=auth)
    await client.post(f"{api}/contacts", json={"key": "c1", "name": "Els Maes", "circle": "colleagues", "sentence": ""}, headers=auth)
    await client.post(f"{api}/actions", json={"key": "a1", "text": "Els bellen", "due_date": None}, headers=auth)
    await client.post(f"{api}/mood", json={"key": "m1", "mood": "bad", "sentence": "Vandaag niet."}, headers=auth)
    await client.post(f"{api}/flags", json={"key": "f1", "kind": "stuck", "message": "Ik zit vast met mijn cv."}, headers=auth)
    crisis = {**insight_body(key="k1"), "category": "crisis", "value": "crisissignaal", "sentence": "ik zie het niet meer zitten"}
    assert (await client.post(f"{api}/insights", json=crisis, headers=auth)).status == 201
    await login(client)
    token = csrf_from(await (await client.get(f"/clients/{jan.id}")).text())
    await client.post(f"/clients/{jan.id}/notes", data={"csrf_token": token, "text": "Jan twijfelt over de opleiding."})
    tracker.write_events(f"sqlite:///{tracker_path}", jan.chat_id, [("user", utcnow() - timedelta(hours=1), "mijn buurman Wim werkt bij Colruyt")])
    return jan


async def withdraw(client, auth, chat_id: str) -> dict:
    response = await client.put(f"/api/v1/chats/{chat_id}/consent", json={"given": False, "version": "v1"}, headers=auth)
    assert response.status == 200
    return await response.json()


async def rows(app, client_id: int, model) -> int:
    async with db.session(app) as s:
        return await s.scalar(select(func.count()).select_from(model).where(model.client_id == client_id))


def events_of(tracker_path, chat_id: str) -> int:
    engine = create_engine(f"sqlite:///{tracker_path}", future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tracker.events).where(tracker.events.c.sender_id == chat_id)).scalar()
    finally:
        engine.dispose()


async def test_a_withdrawal_hides_the_dossier_at_once_but_not_the_crisis_signals(client, auth, dossier, tracker_path):
    jan = await consenting_client(client, auth, dossier, tracker_path)
    before = await (await client.get(f"/clients/{jan.id}")).text()
    assert "geduldig" in before and "Jan twijfelt" in before and "Els bellen" in before
    assert "2 open" in await (await client.get("/")).text(), "a crisis flag and a 'stuck' flag"

    profile = await withdraw(client, auth, jan.chat_id)

    assert profile["consent"]["given"] is False and profile["consent"]["withdrawn_at"]
    assert profile["withdrawal"]["erase_after_days"] == 14
    page = await (await client.get(f"/clients/{jan.id}")).text()
    today, erase_day = datum(utcnow()), datum(utcnow() + timedelta(days=14))
    assert f"Je cliënt trok de toestemming in op {today}." in page
    assert f"Ze worden gewist op {erase_day}." in page
    for hidden in ("geduldig", "Els Maes", "Els bellen", "Vandaag niet", "Jan twijfelt", "Ik zit vast", "Colruyt", "POP-ontwerp"):
        assert hidden not in page, hidden
    assert "ik zie het niet meer zitten" in page, "a crisis signal stays in view"
    listing = await (await client.get("/")).text()
    assert f"Toestemming ingetrokken op {today}. De gegevens worden gewist op {erase_day}." in listing
    assert "2 open" not in listing and "flag-crisis" in listing, "the crisis flag counts, the hidden 'stuck' flag not"
    pop = await (await client.get(f"/clients/{jan.id}/pop")).text()
    assert "geduldig" not in pop and "Els bellen" not in pop
    # Nothing is erased yet: the client may still change their mind.
    assert await rows(client.app, jan.id, Insight) == 2 and events_of(tracker_path, jan.chat_id) == 1


async def test_consent_given_again_shows_everything_again_and_erases_nothing(client, auth, dossier, tracker_path):
    jan = await consenting_client(client, auth, dossier, tracker_path)
    await withdraw(client, auth, jan.chat_id)
    again = await client.put(f"/api/v1/chats/{jan.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    assert (await again.json())["withdrawal"] is None

    report = await withdrawal.run_if_due(client.app, utcnow() + timedelta(days=15))

    assert report.erased == []
    page = await (await client.get(f"/clients/{jan.id}")).text()
    assert "geduldig" in page and "Jan twijfelt" in page and "trok de toestemming in" not in page


async def test_after_the_grace_period_what_was_given_under_consent_is_erased(client, auth, dossier, tracker_path):
    jan = await consenting_client(client, auth, dossier, tracker_path)
    other = await dossier.client((await dossier.counsellor(email="bo@example.org", name="Bo")).id, "Els Maes")
    await client.put(f"/api/v1/chats/{other.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    await client.post(f"/api/v1/chats/{other.chat_id}/insights", json=insight_body(key="o1"), headers=auth)
    await withdraw(client, auth, jan.chat_id)
    # Jan chats on without consent: that part of the conversation is not erased with the dossier.
    tracker.write_events(f"sqlite:///{tracker_path}", jan.chat_id, [("user", utcnow() + timedelta(hours=1), "hallo")])
    now = utcnow()

    assert (await withdrawal.run_if_due(client.app, now + timedelta(days=13))).erased == []
    assert await rows(client.app, jan.id, Contact) == 1

    report = await withdrawal.run_if_due(client.app, now + timedelta(days=14, hours=2))

    assert report.erased == [jan.id] and report.failed == []
    for model in CONTENT:
        expected = 1 if model is Insight else 0  # the crisis signal stays (safety first)
        assert await rows(client.app, jan.id, model) == expected, model.__name__
    async with db.session(client.app) as s:
        assert [f.kind for f in await s.scalars(select(Flag).where(Flag.client_id == jan.id))] == ["crisis"]
        row = await s.get(Client, jan.id)
        assert (row.consent_given, row.consent_withdrawn_at, row.name) == (False, None, "Jan Janssens")
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.client_id == jan.id)))
    assert actions.count("consent_withdrawal_erasure") == 1
    assert events_of(tracker_path, jan.chat_id) == 1, "the conversation up to the withdrawal is gone"
    assert await rows(client.app, other.id, Insight) == 1, "other clients keep everything"
    # The chat link still works: the client can give consent again and start over.
    assert (await client.get(f"/api/v1/chats/{jan.chat_id}", headers=auth)).status == 200
    assert (await withdrawal.run_if_due(client.app, now + timedelta(days=15))).erased == [], "once"


async def test_saying_no_again_does_not_extend_the_grace_period(client, auth, dossier, tracker_path):
    jan = await consenting_client(client, auth, dossier, tracker_path)
    first = await withdraw(client, auth, jan.chat_id)
    async with db.session(client.app) as s:
        await s.execute(update(Client).where(Client.id == jan.id).values(consent_withdrawn_at=utcnow() - timedelta(days=5)))
        await s.commit()
    again = await withdraw(client, auth, jan.chat_id)
    assert again["withdrawal"]["erase_after_days"] == 9
    assert again["consent"]["withdrawn_at"] != first["consent"]["withdrawn_at"]  # the stored, older moment


async def test_a_first_no_is_not_a_withdrawal(client, auth, chat):
    profile = await withdraw(client, auth, chat)
    assert profile["withdrawal"] is None and profile["consent"]["withdrawn_at"] is None


async def test_the_grace_period_is_the_organisations_setting(aiohttp_client, config, auth, tracker_path):
    client = await aiohttp_client(create_app(dataclasses.replace(config, consent_withdrawal_grace_days=7)))
    jan = await consenting_client(client, auth, Dossier(client.app), tracker_path)
    assert (await withdraw(client, auth, jan.chat_id))["withdrawal"]["erase_after_days"] == 7
    page = await (await client.get(f"/clients/{jan.id}")).text()
    assert f"Ze worden gewist op {datum(utcnow() + timedelta(days=7))}." in page
    assert (await withdrawal.run_if_due(client.app, utcnow() + timedelta(days=7, hours=1))).erased == [jan.id]
