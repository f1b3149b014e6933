"""Reading the client's chat from Rasa's SQL tracker store."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from backend.config import ConfigError
from backend.rasa.tracker_store import TrackerStore, TranscriptUnavailable
from backend.rasa.transcripts import TranscriptReader

from .dbreset import worker_database_url
from .tracker import drop_events, write_events

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)


def conversation_events(start=T0):
    return [
        ("session_started", start, None),
        ("action", start, None),
        ("user", start + timedelta(seconds=5), "hallo"),
        ("bot", start + timedelta(seconds=6), "Dag! Ik ben een computerprogramma."),
        ("bot", start + timedelta(seconds=7), None),  # buttons only: nothing to read
        ("user", start + timedelta(seconds=30), "Ik wil over mijn kwaliteiten praten."),
    ]


def test_missing_tracker_file_is_an_empty_transcript_and_is_not_created(tmp_path):
    path = tmp_path / "rasa_tracker.sqlite3"
    reader = TranscriptReader(TrackerStore(f"sqlite:///{path}"))
    assert reader.read("chat") == []
    assert not path.exists()


def test_tracker_without_events_table_is_empty(tmp_path):
    path = tmp_path / "rasa_tracker.sqlite3"
    path.write_bytes(b"")  # an empty file is a valid, empty SQLite database
    assert TranscriptReader(TrackerStore(f"sqlite:///{path}")).read("chat") == []


def test_messages_of_one_chat_in_order_split_into_conversations(tmp_path):
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    later = T0 + timedelta(days=7)
    write_events(url, "chat-a", conversation_events() + conversation_events(later))
    write_events(url, "chat-b", [("user", T0, "iemand anders")])
    # Written without a session start, two hours later: a new conversation all the same.
    write_events(url, "chat-a", [("user", later + timedelta(hours=2), "ben ik er weer")])

    reader = TranscriptReader(TrackerStore(url))
    conversations = reader.read("chat-a")
    assert [c.started_at for c in conversations] == [
        T0 + timedelta(seconds=5),
        later + timedelta(seconds=5),
        later + timedelta(hours=2),
    ]
    first = conversations[0].messages
    assert [(m.who, m.text) for m in first] == [
        ("client", "hallo"),
        ("bot", "Dag! Ik ben een computerprogramma."),
        ("client", "Ik wil over mijn kwaliteiten praten."),
    ]
    assert first[0].at == T0 + timedelta(seconds=5)
    assert reader.read("chat-c") == []
    reader.store.close()


@pytest.mark.asyncio
async def test_flat_transcript_for_the_export(tmp_path):
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    write_events(url, "chat-a", conversation_events())
    reader = TranscriptReader(TrackerStore(url))
    transcript = await reader.transcript("chat-a")
    assert transcript[0] == {"at": "2024-05-01T09:00:05+00:00", "who": "client", "text": "hallo"}
    assert [m["who"] for m in transcript] == ["client", "bot", "client"]
    reader.store.close()


def test_limit_keeps_the_newest_events(tmp_path):
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    write_events(url, "chat-a", [("user", T0 + timedelta(seconds=i), f"bericht {i}") for i in range(10)])
    messages = TranscriptReader(TrackerStore(url)).read("chat-a", limit=3)[0].messages
    assert [m.text for m in messages] == ["bericht 7", "bericht 8", "bericht 9"]


def test_unreachable_tracker_store_is_a_clear_error(unused_tcp_port):
    reader = TranscriptReader(TrackerStore(f"postgresql://nobody@127.0.0.1:{unused_tcp_port}/rasa"))
    with pytest.raises(TranscriptUnavailable):
        reader.read("chat")


@pytest.mark.parametrize("url", ["mysql://localhost/rasa", "not a url"])
def test_unsupported_tracker_url_is_a_config_error(url):
    with pytest.raises(ConfigError, match="TRACKER_STORE_URL"):
        TrackerStore(url)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_tracker_store_on_postgresql():
    url = worker_database_url()
    drop_events(url)
    try:
        write_events(url, "chat-a", conversation_events())
        reader = TranscriptReader(TrackerStore(url))
        assert [m.text for m in reader.read("chat-a")[0].messages][0] == "hallo"
        reader.store.close()
    finally:
        drop_events(url)


async def test_the_app_reads_and_erases_rasas_events_through_one_engine(client):
    """One tracker-store engine for the transcripts, the reminders' view and the erasure."""
    from backend.rasa.eraser import ERASER
    from backend.rasa.tracker_events import TRACKER_EVENTS
    from backend.rasa.tracker_store import TRACKER_STORE
    from backend.rasa.transcripts import TRANSCRIPTS

    app = client.app
    store = app[TRACKER_STORE]
    assert app[TRANSCRIPTS].store is store and app[TRACKER_EVENTS].store is store and app[ERASER].store is store
