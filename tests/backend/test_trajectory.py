"""Issue #17, points 3 and 4: the counsellor ends a trajectory (reminders held, retention from the
end, hidden from the list, a notice in the chat) and reopens it, and hands a client to a colleague;
with the bad inputs (forged CSRF, another counsellor's client, a disabled or unknown colleague,
oneself, a wrong or future date). Reminders held: tests/reminders/test_scheduler.py."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend import db
from backend.clock import local_today
from backend.dashboard.labels import datum
from backend.dashboard import queries
from backend.dashboard.trajectory import end_trajectory, start_of_day
from backend.jobs import retention
from backend.rasa.eraser import ERASER
from backend.tables import AuditEntry, Client, Counsellor, Insight, utcnow

from ..channels.test_chat_access import open_chat
from .conftest import csrf_from, insight_body, login

pytestmark = pytest.mark.asyncio

TODAY = local_today()


async def _signed_in(client, dossier):
    counsellor = await dossier.counsellor()
    assert (await login(client)).status == 303
    return counsellor


async def _row(app, client_id: int) -> Client:
    async with db.session(app) as s:
        return await s.get(Client, client_id)


async def _audit(app, client_id: int):
    async with db.session(app) as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id))
        return [(a.action, a.counsellor_id, a.to_counsellor_id) for a in rows if a.action != "view_client"]


async def _started_days_ago(app, client_id: int, days: int) -> None:
    async with db.session(app) as s:
        (await s.get(Client, client_id)).created_at = utcnow() - timedelta(days=days)
        await s.commit()


async def _end(client, client_id: int, ended_on: str, token=None):
    if token is None:
        token = csrf_from(await (await client.get(f"/clients/{client_id}/afsluiten")).text())
    return await client.post(f"/clients/{client_id}/afsluiten", data={"ended_on": ended_on, "csrf_token": token}, allow_redirects=False)


async def _names(client, path: str = "/") -> str:
    return await (await client.get(path)).text()


# Ending and reopening


async def test_end_a_trajectory_then_reopen_it(client, dossier, auth):
    an = await _signed_in(client, dossier)
    jan = await dossier.client(an.id, "Jan Janssens")
    other = await dossier.client(an.id, "Zoë Claes")
    page = await (await client.get(f"/clients/{jan.id}")).text()
    assert "Traject afsluiten" in page and "Overdragen aan een collega" in page
    form = await client.get(f"/clients/{jan.id}/afsluiten")
    html = await form.text()
    assert form.status == 200 and f'value="{TODAY.isoformat()}"' in html  # today by default
    assert "Ja, sluit het traject af" in html and "geen herinneringen meer" in html

    response = await _end(client, jan.id, TODAY.isoformat())
    assert response.status == 303 and response.headers["Location"] == f"/clients/{jan.id}#traject"
    assert (await _row(client.app, jan.id)).trajectory_ended_at == start_of_day(TODAY)
    assert await _audit(client.app, jan.id) == [("end_trajectory", an.id, None)]
    page = await (await client.get(response.headers["Location"])).text()
    assert "Het traject is afgesloten." in page
    assert f"Traject afgesloten op {datum(TODAY)}" in page and "Traject heropenen" in page

    listing = await _names(client)
    assert "Zoë Claes" in listing and "Jan Janssens" not in listing
    assert "Toon afgesloten trajecten" in listing
    with_ended = await _names(client, "/?afgesloten=ja")
    assert "Jan Janssens" in with_ended and "Zoë Claes" in with_ended and "afgesloten op" in with_ended
    assert "Jan Janssens" in await _names(client, "/?q=jan&afgesloten=ja")
    profile = await (await client.get(f"/api/v1/chats/{jan.chat_id}", headers=auth)).json()
    assert profile["trajectory_ended_at"] == start_of_day(TODAY).isoformat()

    token = csrf_from(page)
    response = await client.post(f"/clients/{jan.id}/heropenen", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert (await _row(client.app, jan.id)).trajectory_ended_at is None
    assert [a[0] for a in await _audit(client.app, jan.id)] == ["end_trajectory", "reopen_trajectory"]
    assert "Het traject loopt weer." in await (await client.get(response.headers["Location"])).text()
    assert "Jan Janssens" in await _names(client)
    assert (await _row(client.app, other.id)).trajectory_ended_at is None


async def test_the_bot_hears_of_no_next_reminder_after_the_end(client, dossier, auth):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    async with db.session(client.app) as s:
        await queries.assign_homework(
            s, an.id, jan.id, "Mail Karel", TODAY + timedelta(days=7), utcnow() + timedelta(days=1)
        )
    path = f"/api/v1/chats/{jan.chat_id}/reminders"
    assert (await (await client.get(path, headers=auth)).json())["next_reminder_at"] is not None
    async with db.session(client.app) as s:
        await end_trajectory(s, an.id, jan.id, TODAY)
    assert (await (await client.get(path, headers=auth)).json())["next_reminder_at"] is None


async def test_an_end_date_in_the_past_counts(client, dossier):
    an = await _signed_in(client, dossier)
    jan = await dossier.client(an.id)
    await _started_days_ago(client.app, jan.id, 60)
    last_week = TODAY - timedelta(days=7)
    assert (await _end(client, jan.id, last_week.isoformat())).status == 303
    assert (await _row(client.app, jan.id)).trajectory_ended_at == start_of_day(last_week)


@pytest.mark.parametrize(
    "ended_on, message",
    [
        ("", "Kies de datum waarop het traject afloopt."),
        ("14-03-2025", "Die datum bestaat niet."),
        ("2025-02-30", "Die datum bestaat niet."),
        ("<script>", "Die datum bestaat niet."),
        ("2999-01-01", "Die datum ligt in de toekomst."),
        ((TODAY + timedelta(days=1)).isoformat(), "Die datum ligt in de toekomst."),
        ((TODAY - timedelta(days=400)).isoformat(), "Die datum ligt voor de start van het traject."),
    ],
)
async def test_a_wrong_end_date_gets_a_dutch_message_and_changes_nothing(client, dossier, ended_on, message):
    an = await _signed_in(client, dossier)
    jan = await dossier.client(an.id)
    response = await _end(client, jan.id, ended_on)
    html = await response.text()
    assert response.status == 400
    assert "Het traject is niet afgesloten." in html and message in html
    assert "<script>" not in html
    assert (await _row(client.app, jan.id)).trajectory_ended_at is None
    assert await _audit(client.app, jan.id) == []


async def test_the_retention_period_counts_from_the_end_of_the_trajectory(client, dossier, tracker_path):
    an = await dossier.counsellor()
    ended_recently = await dossier.client(an.id, "Recent Afgesloten")
    ended_long_ago = await dossier.client(an.id, "Lang Geleden")
    running = await dossier.client(an.id, "Loopt Nog")
    long_ago = utcnow() - timedelta(days=400)
    async with db.session(client.app) as s:
        for made, ended in ((ended_recently, utcnow() - timedelta(days=10)), (ended_long_ago, long_ago), (running, None)):
            row = await s.get(Client, made.id)
            row.created_at = row.last_activity_at = long_ago - timedelta(days=30)
            row.trajectory_ended_at = ended
        await s.commit()
    report = await retention.purge_expired(
        client.app[db.SESSIONMAKER], client.app[ERASER], 365, dry_run=True
    )
    assert sorted(report.expired) == sorted([ended_long_ago.id, running.id])
    row = await _row(client.app, ended_recently.id)
    assert retention.purge_due_at(row, 365) == row.trajectory_ended_at + timedelta(days=365)


async def test_the_chat_says_the_trajectory_ended_and_what_happens_to_the_data(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    html = await open_chat(client, jan)
    assert "Je traject is afgesloten" not in html
    async with db.session(client.app) as s:
        (await s.get(Client, jan.id)).trajectory_ended_at = start_of_day(TODAY)
        await s.commit()
    html = await open_chat(client, jan)
    assert f"Je traject is afgesloten op {datum(TODAY)}." in html
    erase_at = datum(start_of_day(TODAY) + timedelta(days=365))
    assert f"We bewaren je gegevens tot {erase_at}. Daarna wissen we ze." in html
    assert "‘Meer’ &gt; ‘Mijn dossier’" in html and "je begeleider, An Peeters" in html
    assert 'id="composer"' in html  # the chat goes on: exercises can still be done


# Handing over


async def test_hand_a_client_to_a_colleague(client, dossier, auth, aiohttp_client):
    an = await _signed_in(client, dossier)
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    cas = await dossier.counsellor(email="cas@example.org", name="Cas Wouters")
    async with db.session(client.app) as s:
        (await s.get(Counsellor, cas.id)).disabled_at = utcnow()
        await s.commit()
    jan = await dossier.client(an.id, "Jan Janssens")
    await client.put(f"/api/v1/chats/{jan.chat_id}/consent", json={"given": True, "version": "v1"}, headers=auth)
    assert (await client.post(f"/api/v1/chats/{jan.chat_id}/insights", json=insight_body(), headers=auth)).status == 201

    form = await client.get(f"/clients/{jan.id}/overdragen")
    html = await form.text()
    assert form.status == 200
    assert f'<option value="{bo.id}">Bo Claes' in html
    assert "Cas Wouters" not in html and f'<option value="{an.id}"' not in html
    response = await client.post(
        f"/clients/{jan.id}/overdragen", data={"colleague": str(bo.id), "csrf_token": csrf_from(html)}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/"
    listing = await (await client.get("/")).text()
    assert "Je cliënt is overgedragen." in listing and "Jan Janssens" not in listing
    assert (await client.get(f"/clients/{jan.id}")).status == 404  # An lost access at once
    assert (await client.get(f"/clients/{jan.id}/overdragen")).status == 404

    after = await _row(client.app, jan.id)
    assert after.counsellor_id == bo.id and after.chat_id == jan.chat_id and after.invite_token == jan.invite_token
    async with db.session(client.app) as s:
        assert await s.scalar(select(func.count(Insight.id)).where(Insight.client_id == jan.id)) == 1
    assert await _audit(client.app, jan.id) == [("hand_over", an.id, bo.id)]

    other = await aiohttp_client(client.server)  # Bo's browser
    assert (await login(other, email="bo@example.org")).status == 303
    assert "Jan Janssens" in await (await other.get("/")).text()
    page = await other.get(f"/clients/{jan.id}")
    assert page.status == 200 and "geduldig" in await page.text()  # the dossier came along


@pytest.mark.parametrize("choice, message", [
    ("", "Kies de collega die je cliënt verder begeleidt."),
    ("self", "Je begeleidt deze cliënt al zelf."),
    ("disabled", "Die collega kan je cliënt niet overnemen."),
    ("999999", "Die collega kan je cliënt niet overnemen."),
    ("99999999999999999999999", "Die collega kan je cliënt niet overnemen."),
    ("bo<script>", "Die collega kan je cliënt niet overnemen."),
])
async def test_a_wrong_colleague_gets_a_dutch_message_and_changes_nothing(client, dossier, choice, message):
    an = await _signed_in(client, dossier)
    await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    cas = await dossier.counsellor(email="cas@example.org", name="Cas Wouters")
    async with db.session(client.app) as s:
        (await s.get(Counsellor, cas.id)).disabled_at = utcnow()
        await s.commit()
    jan = await dossier.client(an.id)
    value = {"self": str(an.id), "disabled": str(cas.id)}.get(choice, choice)
    token = csrf_from(await (await client.get(f"/clients/{jan.id}/overdragen")).text())
    response = await client.post(f"/clients/{jan.id}/overdragen", data={"colleague": value, "csrf_token": token})
    html = await response.text()
    assert response.status == 400
    assert "Je cliënt is niet overgedragen." in html and message in html and "<script>" not in html
    assert (await _row(client.app, jan.id)).counsellor_id == an.id
    assert await _audit(client.app, jan.id) == []


# Refused


@pytest.mark.parametrize("token", [None, "vervalst"])
async def test_a_forged_or_missing_csrf_token_is_refused(client, dossier, token):
    an = await _signed_in(client, dossier)
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    jan = await dossier.client(an.id)
    ended = await dossier.client(an.id, "Al Afgesloten")
    async with db.session(client.app) as s:
        (await s.get(Client, ended.id)).trajectory_ended_at = start_of_day(TODAY)
        await s.commit()
    extra = {"csrf_token": token} if token else {}
    assert (await client.post(f"/clients/{jan.id}/afsluiten", data={"ended_on": TODAY.isoformat(), **extra})).status == 403
    assert (await client.post(f"/clients/{ended.id}/heropenen", data=extra)).status == 403
    assert (await client.post(f"/clients/{jan.id}/overdragen", data={"colleague": str(bo.id), **extra})).status == 403
    assert (await _row(client.app, jan.id)).trajectory_ended_at is None
    assert (await _row(client.app, ended.id)).trajectory_ended_at is not None
    assert (await _row(client.app, jan.id)).counsellor_id == an.id


async def test_another_counsellors_client_is_not_found_and_nothing_changes(client, dossier):
    an = await _signed_in(client, dossier)
    bo = await dossier.counsellor(email="bo@example.org", name="Bo Claes")
    theirs = await dossier.client(bo.id, "Karel Maes")
    token = csrf_from(await (await client.get("/")).text())
    for path in (f"/clients/{theirs.id}/afsluiten", f"/clients/{theirs.id}/overdragen"):
        response = await client.get(path)
        assert response.status == 404 and "Karel Maes" not in await response.text()
    posts = [
        (f"/clients/{theirs.id}/afsluiten", {"ended_on": TODAY.isoformat()}),
        (f"/clients/{theirs.id}/heropenen", {}),
        (f"/clients/{theirs.id}/overdragen", {"colleague": str(an.id)}),  # taking it over is no hand-over
    ]
    for path, data in posts:
        assert (await client.post(path, data={**data, "csrf_token": token})).status == 404
    row = await _row(client.app, theirs.id)
    assert row.counsellor_id == bo.id and row.trajectory_ended_at is None
    assert await _audit(client.app, theirs.id) == []


async def test_the_pages_need_a_login(client, dossier):
    an = await dossier.counsellor()
    jan = await dossier.client(an.id)
    for path in (f"/clients/{jan.id}/afsluiten", f"/clients/{jan.id}/overdragen"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login"
