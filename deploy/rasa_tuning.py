"""Tuning of the Rasa 3.6 server, found by profiling `make bench` (docs/performance.md).

The Rasa server loads this module through its endpoints file, as its tracker store:

    tracker_store:
      type: deploy.rasa_tuning.TunedSQLTrackerStore
      url: ${TRACKER_STORE_URL}

Rasa imports it when it creates the tracker store, before it loads the model. Importing it
changes five things in Rasa that cost time on every turn, or memory and time at start-up,
without changing what Rasa does:

1. Answers of the action server are validated with a validator built once. Rasa's
   `RemoteAction` calls `jsonschema.validate`, which first checks the large events schema
   against the JSON Schema meta-schema, on every call: 45% of the server's CPU time in the
   benchmark went there. Events already found valid are not checked again.
2. Calls to the action server reuse one HTTP session (kept-alive connections) instead of a new
   session and connection per call, and encode the request body with ujson.
3. Event types are looked up in a table; Rasa searches every subclass of `Event` for every
   event it loads from the tracker store.
4. Once a model is loaded, the objects it consists of (millions: TensorFlow, spaCy, the
   lexicons) are moved out of the garbage collector's reach with `gc.freeze()`. Without it,
   every full collection walks them all: 0.5 to 0.7 s each, every 10 to 15 s under load, a
   pause for every conversation in progress.
5. A TensorFlow model (DIET) is loaded for prediction without a training step. Rasa creates
   the model's weights by training it on one example (`fit`), which traces the whole training
   graph with its gradients and optimizer: 34 s and 600 MiB of the server's 1.45 GB. Here one
   forward pass creates the same weights, the saved weights are restored into them (every one
   of them, or the load fails), and the prediction function is traced as Rasa does. The
   predictions are the same (`tests/scaleout/test_rasa_parts.py`). Loading for fine-tuning
   (`rasa train --finetune`) stays Rasa's.

`TunedSQLTrackerStore` is Rasa's SQL tracker store that, on SQLite, keeps its connections
open (Rasa would open the file anew for every read and write) and uses the write-ahead log
with `synchronous=NORMAL` (one sync per checkpoint instead of several per turn; a power cut
can lose the last turns of a conversation, never corrupt the file; the dossier is elsewhere).
On PostgreSQL it is Rasa's SQL tracker store as it is.
"""
from __future__ import annotations

import asyncio
import gc
import itertools
import json
import logging
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Optional, Text, Tuple, Type

import aiohttp
import rasa
import rasa.shared.utils.common as rasa_common
import sqlalchemy as sa
from rasa.core import agent as rasa_agent
from rasa.core.actions import action as rasa_action
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core import events as rasa_events
from rasa.utils import endpoints as rasa_endpoints
from rasa.utils.tensorflow import models as rasa_tf_models

logger = logging.getLogger(__name__)

# Keep-alive shorter than Sanic's (the action server closes idle connections after 5 s), so
# that a request never goes out on a connection the server is just closing.
KEEPALIVE_SECONDS = 2.0


# --- 1. action server answers: one validator ------------------------------------------------------

_validator = None


def _action_response_validator():
    global _validator
    if _validator is None:
        from jsonschema import validators

        schema = rasa_action.RemoteAction.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)  # once, instead of on every call as jsonschema.validate does
        _validator = cls(schema)
    return _validator


_valid_events: Dict[Text, bool] = {}
_VALID_EVENTS_KEPT = 4096


def _event_key(event: Any) -> Text:
    return json.dumps(event, sort_keys=True, ensure_ascii=False)


def _validate_action_result(self: rasa_action.RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same check and same error as Rasa's `RemoteAction._validate_action_result`.

    Every event is checked against the 23 event schemas of Rasa (`oneOf`), and most events an
    action returns were seen before (a slot cleared, a form ended): an event already found
    valid is not checked again. Anything invalid gets Rasa's full check and error.
    """
    from jsonschema import exceptions

    validator = _action_response_validator()
    events = result.get("events") if isinstance(result, dict) else None
    if isinstance(events, list):
        keys = [_event_key(event) for event in events]
        unseen = [event for event, key in zip(events, keys) if key not in _valid_events]
        if exceptions.best_match(validator.iter_errors({**result, "events": unseen})) is None:
            if len(_valid_events) > _VALID_EVENTS_KEPT:
                _valid_events.clear()
            _valid_events.update(dict.fromkeys(keys, True))
            return True
    error = exceptions.best_match(validator.iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{rasa_action.DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


# --- 2. one HTTP session per endpoint and event loop ----------------------------------------------


def _dumps(body: Any) -> str:
    """The request body (the whole tracker, and the domain) as JSON: ujson (a dependency of
    Sanic) takes half the time of the standard library; anything it cannot encode goes to
    the standard library as before."""
    try:
        import ujson

        return ujson.dumps(body, ensure_ascii=False, escape_forward_slashes=False)
    except Exception:
        return json.dumps(body)


class _KeptSession:
    """`async with endpoint.session() as session` without closing the shared session."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


_sessions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[Tuple, aiohttp.ClientSession]]" = weakref.WeakKeyDictionary()
_original_session = rasa_endpoints.EndpointConfig.session


def _shared_session(self: rasa_endpoints.EndpointConfig):
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _original_session(self)
    auth = self.basic_auth or {}
    key = (tuple(sorted((self.headers or {}).items())), auth.get("username"), auth.get("password"))
    sessions = _sessions.setdefault(loop, {})
    session = sessions.get(key)
    if session is None or session.closed:
        session = sessions[key] = aiohttp.ClientSession(
            headers=self.headers,
            auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if self.basic_auth else None,
            timeout=aiohttp.ClientTimeout(total=rasa_endpoints.DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            json_serialize=_dumps,
        )
    return _KeptSession(session)


# --- 3. event types from a table ------------------------------------------------------------------

_event_types: Dict[Text, Type[rasa_events.Event]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[rasa_events.Event]] = None) -> Optional[Type[rasa_events.Event]]:
    found = _event_types.get(type_name)
    if found is None:
        # First use, or an event class defined since: rebuild in Rasa's order (first match wins).
        _event_types.clear()
        for cls in rasa_common.all_subclasses(rasa_events.Event):
            _event_types.setdefault(cls.type_name, cls)
        found = _event_types.get(type_name)
    if found is not None:
        return found
    return _original_resolve_by_type(type_name, default)


_original_resolve_by_type = rasa_events.Event.resolve_by_type


# --- 4. a loaded model out of the garbage collector's way -----------------------------------------

_original_load_model = rasa_agent.Agent.load_model


def _load_model_and_freeze(self: rasa_agent.Agent, *args: Any, **kwargs: Any) -> None:
    # A model loaded before (a new one through the HTTP API) becomes collectable again.
    gc.unfreeze()
    _original_load_model(self, *args, **kwargs)
    # What the loading left as garbage goes first; what is left lives as long as the model.
    gc.collect()
    gc.freeze()


# --- 5. TensorFlow models loaded for prediction only ----------------------------------------------

_original_rasa_model_load = rasa_tf_models.RasaModel.load.__func__


def _load_for_prediction(
    cls: Type[rasa_tf_models.RasaModel],
    model_file_name: Text,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> rasa_tf_models.RasaModel:
    if finetune_mode or predict_data_example is None:
        return _original_rasa_model_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    model = cls(*args, **kwargs)
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    model._training = True  # as in Rasa's train step, so that training-only layers are built too
    model.batch_loss(batch)  # one forward pass, eager: creates every weight of the model
    model._training = None
    restored = model.load_weights(model_file_name)
    restored.expect_partial()  # the optimizer's state in the file is not needed to predict
    restored.assert_existing_objects_matched()  # but every weight of the model is restored
    # Traces the prediction function, as Rasa's load does (after the weights: DIET computes
    # its label embeddings from them once).
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    """Applies the five changes (done on import; calling it again changes nothing)."""
    if not rasa.__version__.startswith("3.6."):
        logger.warning("deploy.rasa_tuning is made for Rasa 3.6; Rasa %s runs without its changes", rasa.__version__)
        return
    rasa_action.RemoteAction._validate_action_result = _validate_action_result
    rasa_endpoints.EndpointConfig.session = _shared_session
    rasa_events.Event.resolve_by_type = staticmethod(_resolve_by_type)
    rasa_agent.Agent.load_model = _load_model_and_freeze
    rasa_tf_models.RasaModel.load = classmethod(_load_for_prediction)


install()


# --- the tracker store --------------------------------------------------------------------------


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
