"""The backend's own work: "no activity" flags for clients who went quiet."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend import db
from backend.jobs import no_activity
from backend.tables import Client, Flag, utcnow

from .conftest import login

pytestmark = pytest.mark.asyncio


async def make_quiet(app, client_id: int, days: int) -> None:
    async with db.session(app) as s:
        client = await s.get(Client, client_id)
        client.last_activity_at = utcnow() - timedelta(days=days)
        await s.commit()


async def flags(app):
    async with db.session(app) as s:
        return list(await s.scalars(select(Flag).order_by(Flag.id)))


async def consenting_client(client, auth, dossier, counsellor_id, name):
    made = await dossier.client(counsellor_id, name)
    await client.put(f"/api/v1/chats/{made.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    return made


async def test_a_quiet_client_gets_one_flag_until_they_are_back(client, auth, dossier):
    an = await dossier.counsellor()
    quiet = await consenting_client(client, auth, dossier, an.id, "Stille Sarah")
    busy = await consenting_client(client, auth, dossier, an.id, "Drukke Dirk")
    never_asked = await dossier.client(an.id, "Nieuwe Nina")
    await make_quiet(client.app, quiet.id, 15)
    await make_quiet(client.app, busy.id, 13)
    await make_quiet(client.app, never_asked.id, 30)  # no consent: not in the programme yet

    async with db.session(client.app) as s:
        assert await no_activity.flag_inactive_clients(s) == 1
    async with db.session(client.app) as s:
        assert await no_activity.flag_inactive_clients(s) == 0  # one flag per quiet spell
    [flag] = await flags(client.app)
    assert (flag.client_id, flag.kind, flag.resolved_at) == (quiet.id, "no_activity", None)
    assert flag.message == "Al 14 dagen geen activiteit in de chat."

    await login(client)
    html = await (await client.get("/")).text()
    assert "1 open" in html[html.index("Stille Sarah"):]
    page = await (await client.get(f"/clients/{quiet.id}")).text()
    assert "Je cliënt deed al een tijd niets meer." in page

    # The client is back: the flag is resolved by that write itself.
    response = await client.post(f"/api/v1/chats/{quiet.chat_id}/mood", json={"key": "m", "mood": "good", "sentence": ""}, headers=auth)
    assert response.status == 201
    [flag] = await flags(client.app)
    assert flag.resolved_at is not None


async def test_two_checks_on_the_same_day_raise_one_flag(client, auth, dossier):
    an = await dossier.counsellor()
    quiet = await consenting_client(client, auth, dossier, an.id, "Stille Sarah")
    await make_quiet(client.app, quiet.id, 20)
    now = utcnow()
    async with db.session(client.app) as s:
        assert await no_activity.flag_inactive_clients(s, now=now) == 1
    # Another backend's check saw no open flag (here: it was resolved meanwhile) on the same
    # day: the day's key makes its insert a no-op instead of a second flag.
    [flag] = await flags(client.app)
    async with db.session(client.app) as s:
        (await s.get(Flag, flag.id)).resolved_at = now
        await s.commit()
    async with db.session(client.app) as s:
        assert await no_activity.flag_inactive_clients(s, now=now) == 0
    async with db.session(client.app) as s:
        assert await no_activity.flag_inactive_clients(s, now=now + timedelta(days=1)) == 1
    assert [f.kind for f in await flags(client.app)] == ["no_activity", "no_activity"]


@pytest.fixture
def quick_housekeeping(monkeypatch):
    monkeypatch.setattr(no_activity, "FIRST_CHECK_SECONDS", 0)


async def test_the_app_runs_the_check_on_its_own(quick_housekeeping, aiohttp_client, app, auth):
    from .fixtures import Dossier

    client = await aiohttp_client(app)
    dossier = Dossier(client.app)
    an = await dossier.counsellor()
    quiet = await consenting_client(client, auth, dossier, an.id, "Stille Sarah")
    await make_quiet(client.app, quiet.id, 30)
    # The first round ran at start (before the client was quiet); run the loop once more.
    task = asyncio.create_task(no_activity.hourly_checks(client.app))
    try:
        for _ in range(100):
            if await flags(client.app):
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert [f.kind for f in await flags(client.app)] == ["no_activity"]
