"""Dashboard speed with a full database: 1,000 clients and 200,000 insights.

Seeds a temporary SQLite file and PostgreSQL (bulk inserts), then renders the client list and
one client's page N times each through the real app (create_app, login, HTTP on 127.0.0.1) and
prints the median and p95 per page. Writes docs/dashboard-bench.json.

Run from the repo root:
    .venv/bin/python bench/dashboard_bench.py [--runs 200] [--postgres-url URL | --no-postgres]

The PostgreSQL database is emptied first (the backend's tables only): use a test database.
The target (docs/dashboard.md): a median under 100 ms for both pages on both databases.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from backend import db  # noqa: E402
from backend.app import create_app  # noqa: E402
from backend.config import Config, sync_url  # noqa: E402
from backend.dashboard.passwords import hash_password  # noqa: E402
from backend.tables import (  # noqa: E402
    Action,
    Client,
    ClientView,
    Contact,
    Counsellor,
    Flag,
    Insight,
    MoodEntry,
    Note,
)
from tests.backend.dbreset import drop_backend_tables  # noqa: E402
from tests.backend.tracker import write_events  # noqa: E402

CLIENTS = 1_000
INSIGHTS = 200_000
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
OUTPUT = ROOT / "docs" / "dashboard-bench.json"
PASSWORD = "bench-wachtwoord"
BATCH = 10_000
TARGET_MS = 100

CATEGORIES = ["quality"] * 5 + ["motive"] * 3 + ["network", "labour_market", "question_for_counsellor", "mood"]
WORDS = ("geduldig nauwkeurig creatief behulpzaam eerlijk zelfstandig autonomie zekerheid erkenning "
         "afwisseling logistiek zorg onderwijs planning klanten collega's").split()
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _batches(rows: List[Dict[str, Any]]):
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def seed(database_url: str, tracker_url: str) -> Tuple[int, Dict[str, int]]:
    """Bulk-inserts the dossier: (the id of the client whose page is measured, rows per table)."""
    rng = random.Random(42)
    now = datetime.now(timezone.utc)
    engine = create_engine(sync_url(database_url), future=True)
    try:
        with engine.begin() as conn:
            conn.execute(insert(Counsellor), [{
                "id": 1, "email": "bench@example.org", "name": "Bench Begeleider",
                "password_hash": hash_password(PASSWORD), "created_at": now,
            }])
            # Worst case for the list: one counsellor holds every client.
            conn.execute(insert(Client), [{
                "id": i, "counsellor_id": 1, "name": f"Cliënt {i:04d} {rng.choice(WORDS).title()}",
                "chat_id": f"bench-chat-{i}", "invite_token": f"bench-invite-{i}",
                "consent_given": True, "consent_at": now - timedelta(days=120), "consent_version": "v1",
                "formal_address": False, "created_at": now - timedelta(days=130),
                "last_activity_at": now - timedelta(minutes=rng.randrange(0, 60 * 24 * 90)),
            } for i in range(1, CLIENTS + 1)])
            per_client = INSIGHTS // CLIENTS
            rows = []
            for client_id in range(1, CLIENTS + 1):
                for n in range(per_client):
                    created = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
                    rows.append({
                        "client_id": client_id, "category": rng.choice(CATEGORIES),
                        "value": rng.choice(WORDS),
                        "sentence": f"Ik merkte dat ik {rng.choice(WORDS)} was toen ik {rng.choice(WORDS)} deed.",
                        "status": "confirmed" if rng.random() < 0.8 else "proposed",
                        "said_at": created, "created_at": created, "idempotency_key": f"k{n}",
                    })
            for batch in _batches(rows):
                conn.execute(insert(Insight), batch)
            contacts, actions, moods, flags, views, notes = [], [], [], [], [], []
            for client_id in range(1, CLIENTS + 1):
                for n in range(6):
                    contacts.append({
                        "client_id": client_id, "name": f"Contact {n}", "idempotency_key": f"c{n}",
                        "circle": rng.choice(["family", "friends", "colleagues", "professional", "associations", None]),
                        "organisation": None, "help": "kan helpen", "sentence": "", "contacted": rng.random() < 0.3,
                        "created_at": now - timedelta(days=rng.randrange(90)),
                    })
                for n in range(4):
                    created = now - timedelta(days=rng.randrange(90))
                    actions.append({
                        "client_id": client_id, "text": f"Actie {n}: {rng.choice(WORDS)}",
                        "due_date": date.today() + timedelta(days=rng.randrange(1, 30)), "measure": "gedaan",
                        "status": rng.choice(["open", "done", "blocked"]), "obstacle": None,
                        "created_by": "counsellor" if n == 0 else "client", "is_homework": n == 0,
                        "reminder_at": None, "source_insight": None, "created_at": created, "updated_at": created,
                        "idempotency_key": None if n == 0 else f"a{n}",
                    })
                for n in range(8):
                    moods.append({
                        "client_id": client_id, "mood": rng.choice(["good", "bad"]), "sentence": "zo voel ik me",
                        "at": now - timedelta(hours=rng.randrange(24 * 84)), "idempotency_key": f"m{n}",
                    })
                if rng.random() < 0.1:
                    flags.append({
                        "client_id": client_id, "kind": rng.choice(["stuck", "crisis"]), "message": "signaal",
                        "created_at": now - timedelta(days=rng.randrange(30)), "resolved_at": None,
                        "idempotency_key": "f1", "insight_id": None,
                    })
                if client_id % 2:
                    views.append({"counsellor_id": 1, "client_id": client_id, "viewed_at": now - timedelta(days=7)})
                notes.append({"client_id": client_id, "counsellor_id": 1, "text": "Eerste gesprek gehad.", "created_at": now})
            for model, data in ((Contact, contacts), (Action, actions), (MoodEntry, moods), (Flag, flags),
                                (ClientView, views), (Note, notes)):
                for batch in _batches(data):
                    conn.execute(insert(model), batch)
            if conn.dialect.name == "postgresql":
                # Explicit ids above: move the sequences on, as real inserts would have.
                for table in ("counsellors", "clients"):
                    conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        with engine.connect() as conn:
            counts = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("clients", "insights", "contacts", "actions", "mood_entries", "flags")
            }
            assert counts["clients"] == CLIENTS and counts["insights"] == INSIGHTS, counts
            conn.rollback()  # end the read transaction: ANALYZE runs outside one
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
            else:
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    measured = 500
    t0 = now - timedelta(days=2)
    events = [("session_started", t0, None)]
    for n in range(60):
        events.append(("user", t0 + timedelta(seconds=20 * n), f"Bericht {n} van de cliënt over {WORDS[n % len(WORDS)]}"))
        events.append(("bot", t0 + timedelta(seconds=20 * n + 2), "Dank je. Kun je een voorbeeld geven?"))
    write_events(tracker_url, f"bench-chat-{measured}", events)
    return measured, counts


async def measure(config: Config, client_id: int, runs: int) -> Dict[str, Dict[str, float]]:
    client = TestClient(TestServer(create_app(config)))
    await client.start_server()
    try:
        login_page = await (await client.get("/login")).text()
        token = _CSRF.search(login_page).group(1)
        response = await client.post("/login", data={
            "email": "bench@example.org", "password": PASSWORD, "csrf_token": token,
        }, allow_redirects=False)
        assert response.status == 303, response.status
        pages = {
            "client_list": "/",
            "client_list_search": "/?q=cli%C3%ABnt%2004",
            "client_page": f"/clients/{client_id}",
        }
        results = {}
        for name, path in pages.items():
            for _ in range(10):  # warm-up: connection pool, template cache
                await (await client.get(path)).read()
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(path)
                body = await response.read()
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status == 200 and len(body) > 1000, (name, response.status)
            timings.sort()
            results[name] = {
                "median_ms": round(statistics.median(timings), 2),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                "max_ms": round(timings[-1], 2),
                "runs": runs,
                "bytes": len(body),
            }
        return results
    finally:
        await client.close()


def run_one(label: str, database_url: str, runs: int, tmp: Path) -> Dict[str, Any]:
    print(f"{label}: migrating and seeding {CLIENTS} clients, {INSIGHTS} insights ...", flush=True)
    db.upgrade(database_url)
    tracker_url = f"sqlite:///{tmp / f'tracker-{label}.sqlite3'}"
    started = time.perf_counter()
    client_id, counts = seed(database_url, tracker_url)
    seed_seconds = time.perf_counter() - started
    config = Config(
        database_url=database_url, service_token="bench", session_secret=Fernet.generate_key().decode(),
        tracker_store_url=tracker_url, rasa_url="http://127.0.0.1:9",
    )
    load_before = os.getloadavg()[0]
    results = asyncio.run(measure(config, client_id, runs))
    for name, figures in results.items():
        verdict = "ok" if figures["median_ms"] < TARGET_MS else "TOO SLOW"
        print(f"  {name:20s} median {figures['median_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms  ({verdict})")
    # This machine is shared: the load says how much the figures may be inflated.
    load = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    print(f"  load average (1 min) before/after: {load['before']} / {load['after']}")
    return {"rows": counts, "seed_seconds": round(seed_seconds, 1), "load_average_1min": load, "pages": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    report: Dict[str, Any] = {
        "what": f"{CLIENTS} clients (all of one counsellor), {INSIGHTS} insights, 6 contacts, 4 actions "
                f"and 8 moods per client, 10% with an open flag; list = first page of 50",
        "target_median_ms": TARGET_MS,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "databases": {},
    }
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        report["databases"]["sqlite"] = run_one("sqlite", f"sqlite:///{tmp / 'bench.db'}", args.runs, tmp)
        if not args.no_postgres:
            drop_backend_tables(args.postgres_url)
            try:
                report["databases"]["postgresql"] = run_one("postgresql", args.postgres_url, args.runs, tmp)
            finally:
                drop_backend_tables(args.postgres_url)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {args.output}")
    slow = [
        (database, page) for database, result in report["databases"].items()
        for page, figures in result["pages"].items() if figures["median_ms"] >= TARGET_MS
    ]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
