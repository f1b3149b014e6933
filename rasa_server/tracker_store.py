"""Rasa's SQL tracker store, tuned (docs/performance.md): the endpoints files name it as
`type: rasa_server.tracker_store.TunedSQLTrackerStore`. It is only a tracker store; the
changes to Rasa itself are applied by the launcher (`python -m rasa_server`, see patches.py).

`TunedSQLTrackerStore` is Rasa's SQL tracker store that, on SQLite, keeps its connections
open (Rasa would open the file anew for every read and write) and uses the write-ahead log
with `synchronous=NORMAL` (one sync per checkpoint instead of several per turn; a power cut
can lose the last turns of a conversation, never corrupt the file; the dossier is elsewhere).
On PostgreSQL it is Rasa's SQL tracker store, plus the kept tracker of the last turn.
"""
from __future__ import annotations

import itertools
import json
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core import events as rasa_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from contract.private_files import private_sqlite_file, secure_delete


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    secure_delete(dbapi_connection)


Stamp = Tuple[int, Optional[int]]  # (number of events of the conversation, highest event id)


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    stamp: Stamp
    length: int  # events of `tracker` that are in the database


@dataclass
class _HandedOut:
    tracker: "weakref.ReferenceType[DialogueStateTracker]"
    stamp: Stamp
    length: int


class TunedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, keeping the trackers it saved for the next turn.

    Rasa reads every event of the conversation session from the database at the start of a
    turn (ORM objects, JSON, event objects: 8 ms for 150 events) and counts them again with a
    sub-query before it saves. This store keeps the tracker it saved last; the next turn asks
    the database only for the number and the highest id of the conversation's events (one
    index lookup) and uses the kept tracker when they did not change. Any change made
    elsewhere (another Rasa server behind the same load balancer, an API call) changes them,
    and then the tracker is read as Rasa reads it. Rasa's lock store already ensures that only
    one server at a time handles a message of a conversation.

    On SQLite it also keeps its connections open and uses the write-ahead log (see above).
    """

    KEPT_TRACKERS = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            url = self.engine.url
            self.engine.dispose()
            private_sqlite_file(url.database)
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=5, max_overflow=5,
                connect_args={"check_same_thread": False, "timeout": 15},
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._kept: "OrderedDict[Text, _Cached]" = OrderedDict()
        self._handed_out: Dict[Text, _HandedOut] = {}

    def _stamp(self, session: Any, sender_id: Text) -> Stamp:
        table = self.SQLEvent.__table__
        count, highest = session.execute(
            sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
        ).one()
        return int(count), highest

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        kept = self._kept.pop(sender_id, None)
        self._handed_out.pop(sender_id, None)
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
            if kept is not None and kept.stamp == stamp and len(kept.tracker.events) == kept.length:
                tracker: Optional[DialogueStateTracker] = kept.tracker
            else:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
                events = [json.loads(row.data) for row in rows]
                tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots) if self.domain and events else None
        if tracker is not None:
            self._handed_out[sender_id] = _HandedOut(weakref.ref(tracker), stamp, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        handed_out = self._handed_out.pop(sender_id, None)
        self._kept.pop(sender_id, None)
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
            if (
                handed_out is not None and handed_out.tracker() is tracker and handed_out.stamp == stamp
                and handed_out.length <= len(tracker.events)
            ):
                new_events = list(itertools.islice(tracker.events, handed_out.length, None))
                known_length = True
            else:
                new_events = list(self._additional_events(session, tracker))  # Rasa's way
                known_length = False
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append({
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                # One INSERT for all rows, in their order (ids ascend as Rasa's ORM inserts do).
                session.execute(self.SQLEvent.__table__.insert(), rows)
            new_stamp = self._stamp(session, sender_id) if rows else stamp
            session.commit()
        # Kept only when the database holds exactly this tracker's events (so nothing was
        # written in between), and not across a new conversation session: Rasa reads only
        # the new session's events from then on, and so do we.
        known_length = known_length and new_stamp[0] == stamp[0] + len(rows)
        if known_length and not any(isinstance(event, rasa_events.SessionStarted) for event in new_events):
            self._kept[sender_id] = _Cached(tracker, new_stamp, len(tracker.events))
            while len(self._kept) > self.KEPT_TRACKERS:
                self._kept.popitem(last=False)
