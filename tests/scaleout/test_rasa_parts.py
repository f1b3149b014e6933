"""The Rasa server parts of the scale-out set-up, without a Rasa server: the tuning of
rasa_server/ (tracker store, action answers, model loading) and the atomic Redis lock store
(rasa_server/lock_store.py). The changes to Rasa are applied here as the launcher applies them."""
from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
import warnings

import pytest
from jsonschema import ValidationError

from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_server import patches
from rasa_server.lock_store import AtomicRedisLockStore
from rasa_server.tracker_store import TunedSQLTrackerStore
from tools.stack_env import ROOT, stack_env

patches.install()  # as `python -m rasa_server` does before Rasa starts

with warnings.catch_warnings():
    # Rasa always warns that slot auto-fill is gone, whatever the domain says.
    warnings.filterwarnings("ignore", message="Slot auto-fill has been removed", category=UserWarning)
    DOMAIN = Domain.from_yaml(
        """
version: "3.1"
intents: [greet]
slots:
  topic:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "Hallo!"}]
"""
    )


# --- validation of action server answers -------------------------------------------------------


def test_valid_answers_pass_and_invalid_ones_fail_as_in_rasa():
    action = RemoteAction("action_x", None)
    valid = {"events": [{"event": "slot", "name": "topic", "value": "x"}], "responses": [{"text": "hoi"}]}
    assert action._validate_action_result(valid)
    assert action._validate_action_result(valid), "again, from the table of valid events"
    for invalid in (
        {"events": [{"event": "slot"}]},  # a slot event without its name
        {"events": [{"event": "slot", "name": "topic", "value": "x"}], "responses": [3]},
        {"events": 3},
    ):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(invalid)


# --- the tracker store -------------------------------------------------------------------------


def run(coroutine):
    return asyncio.run(coroutine)


def event_names(tracker):
    return [(event.type_name, getattr(event, "text", None) or getattr(event, "action_name", None) or getattr(event, "key", None)) for event in tracker.events]


def test_two_tuned_stores_on_one_database_see_each_others_turns(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    first, second = TunedSQLTrackerStore(DOMAIN, host=url), TunedSQLTrackerStore(DOMAIN, host=url)

    assert run(first.retrieve("chat")) is None
    tracker = DialogueStateTracker("chat", DOMAIN.slots)
    tracker.update_with_events([SessionStarted(), ActionExecuted("action_listen"), UserUttered("hallo")], DOMAIN)
    run(first.save(tracker))

    # The second server takes the next turn: it reads what the first stored.
    on_second = run(second.retrieve("chat"))
    assert event_names(on_second) == event_names(tracker)
    on_second.update(ActionExecuted("utter_greet"))
    on_second.update(SlotSet("topic", "qualities"))
    run(second.save(on_second))

    # The first kept its tracker, but the database changed since: it reads it again.
    back_on_first = run(first.retrieve("chat"))
    assert back_on_first is not tracker
    assert event_names(back_on_first) == event_names(on_second)
    assert back_on_first.get_slot("topic") == "qualities"

    # Two turns in a row on the first: the second one uses the kept tracker.
    back_on_first.update(ActionExecuted("action_listen"))
    run(first.save(back_on_first))
    assert run(first.retrieve("chat")) is back_on_first

    # Rasa's own store reads exactly the same conversation from the database.
    plain = run(SQLTrackerStore(DOMAIN, host=url).retrieve("chat"))
    assert [event.as_dict() for event in plain.events] == [event.as_dict() for event in back_on_first.events]


def test_a_tracker_not_handed_out_by_the_store_is_saved_the_way_rasa_does(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    store = TunedSQLTrackerStore(DOMAIN, host=url)
    tracker = DialogueStateTracker("chat", DOMAIN.slots)
    tracker.update_with_events([SessionStarted(), ActionExecuted("action_listen"), UserUttered("hallo")], DOMAIN)
    run(store.save(tracker))
    rebuilt = DialogueStateTracker.from_dict("chat", [event.as_dict() for event in tracker.events], DOMAIN.slots)
    rebuilt.update(ActionExecuted("utter_greet"))
    run(store.save(rebuilt))  # not the object the store knows: counted as Rasa counts
    assert event_names(run(SQLTrackerStore(DOMAIN, host=url).retrieve("chat"))) == event_names(rebuilt)


def _store_with_one_message(tmp_path):
    path = tmp_path / "tracker.sqlite3"
    store = TunedSQLTrackerStore(DOMAIN, host=f"sqlite:///{path}")
    tracker = DialogueStateTracker("chat", DOMAIN.slots)
    tracker.update(UserUttered("hallo"))
    run(store.save(tracker))
    return path, store


def test_sqlite_tracker_database_uses_the_write_ahead_log(tmp_path):
    path, _ = _store_with_one_message(tmp_path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_tracker_database_is_the_owners_only_and_overwrites_what_is_deleted(tmp_path):
    import stat

    path, store = _store_with_one_message(tmp_path)
    for file in (path, path.with_name(path.name + "-wal")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


# --- the lock store ----------------------------------------------------------------------------


@pytest.fixture
def lock_stores():
    from tests.scaleout.cluster import REDIS_HOST, REDIS_PORT, Unavailable, clear_redis_prefix, free_redis_db

    try:
        db = free_redis_db()
    except Unavailable as error:
        pytest.fail(f"{error} (start the services with .ci/run)")
    prefix = "locktest" + uuid.uuid4().hex[:8]
    stores = [AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=db, key_prefix=prefix) for _ in range(2)]
    yield stores
    clear_redis_prefix(db, prefix)


def test_tickets_issued_at_once_by_several_servers_are_all_different(lock_stores):
    tickets, start = [], threading.Barrier(8)

    def issue(store):
        start.wait(timeout=10)
        for _ in range(5):
            tickets.append(store.issue_ticket("chat"))

    threads = [threading.Thread(target=issue, args=(lock_stores[index % 2],)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(tickets) == list(range(40))


def test_one_conversation_is_in_one_server_at_a_time(lock_stores):
    inside, overlaps = [], []

    async def turn(store, name):
        async with store.lock("chat", wait_time_in_seconds=0.02):
            if inside:
                overlaps.append((inside[-1], name))
            inside.append(name)
            await asyncio.sleep(0.05)
            inside.remove(name)

    async def both():
        await asyncio.gather(*(turn(lock_stores[index % 2], f"turn {index}") for index in range(10)))

    asyncio.run(asyncio.wait_for(both(), timeout=30))
    assert overlaps == []
    assert lock_stores[0].get_lock("chat") is None, "the lock is gone when no one waits"


# --- TensorFlow models loaded for prediction only -----------------------------------------------


def _parse_with(model: str, *flags: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.scaleout.parse_messages", model, *flags],
        cwd=ROOT, env=stack_env(dict(os.environ)), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_model_loaded_for_prediction_only_understands_exactly_what_rasa_loading_it_does():
    """Intent, full ranking (5 decimals) and entities of 150 held-out messages are the same when
    the model is loaded without Rasa's training step, and loading needs less memory."""
    model = stack_env(dict(os.environ))["RASA_MODEL"]
    rasa_way, tuned = _parse_with(model), _parse_with(model, "--tuned")
    assert len(tuned["parsed"]) > 100
    for ours, theirs in zip(tuned["parsed"], rasa_way["parsed"]):
        assert ours == theirs
    assert tuned["peak_rss_mib"] < rasa_way["peak_rss_mib"]
