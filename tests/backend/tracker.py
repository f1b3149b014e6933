"""A stand-in for Rasa's SQL tracker store: the `events` table as Rasa 3.6 writes it."""
from __future__ import annotations

import dataclasses
import json
import os
from datetime import datetime
from typing import Iterable, Optional, Tuple

import pytest
import pytest_asyncio
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

from backend.app import create_app

from .dbreset import worker_database_url

metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# (type, when, text): "user" and "bot" carry text; "session_started" and "action" do not.
Event = Tuple[str, datetime, Optional[str]]


def _row(sender_id: str, kind: str, when: datetime, text: Optional[str]) -> dict:
    ts = when.timestamp()
    data = {"event": kind, "timestamp": ts}
    row = {"sender_id": sender_id, "type_name": kind, "timestamp": ts, "intent_name": None, "action_name": None}
    if kind == "user":
        data.update({"text": text, "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}})
        row["intent_name"] = "greet"
    elif kind == "bot":
        data.update({"text": text, "data": {"buttons": None}, "metadata": {}})
    elif kind == "action":
        data.update({"name": "action_listen"})
        row["action_name"] = "action_listen"
    row["data"] = json.dumps(data)
    return row


def write_events(url: str, sender_id: str, items: Iterable[Event]) -> None:
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            conn.execute(events.insert(), [_row(sender_id, *item) for item in items])
    finally:
        engine.dispose()


def drop_events(url: str) -> None:
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
    finally:
        engine.dispose()


# --- fixtures for the tests of jobs that read and delete Rasa's events (import them by name) ----


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tracker_path):
    """Rasa's tracker store as these tests write it, on SQLite and, when TEST_DATABASE_URL is
    set, on PostgreSQL (the worker's database, events dropped before and after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tracker_path}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    url = worker_database_url()
    drop_events(url)
    yield url
    drop_events(url)


@pytest_asyncio.fixture
async def web(aiohttp_client, config, tracker_url):
    """The app with its tracker store at `tracker_url`."""
    return await aiohttp_client(create_app(dataclasses.replace(config, tracker_store_url=tracker_url)))
