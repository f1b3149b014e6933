"""Changes to the Rasa 3.6 server, found by profiling `make bench` (docs/performance.md).

They are applied by the launcher, `python -m rasa_server run ...` (rasa_server/__main__.py,
used by the Procfiles and the tests' stacks), and by nothing else: importing this module
changes nothing. Each change replaces one function of Rasa; `PATCHES` names it, the Rasa
version it was written for and a digest of that function's source, and
tests/rasa_server/test_patches.py fails when Rasa's function is no longer the one patched.
None of them changes what Rasa answers; they cost less time and memory:

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
"""
from __future__ import annotations

import asyncio
import gc
import json
import logging
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Text, Tuple, Type

import aiohttp
import rasa
import rasa.shared.utils.common as rasa_common
from rasa.core import agent as rasa_agent
from rasa.core.actions import action as rasa_action
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


RASA_VERSION = "3.6.21"  # the version every patch was written for and checked against


@dataclass(frozen=True)
class Patch:
    owner: type  # the Rasa class whose attribute is replaced
    attribute: str
    original: Callable  # Rasa's function, as it was when this module was imported
    replacement: Any  # what the attribute becomes
    source_sha256: str  # first 16 hex digits of the digest of `original`'s source in RASA_VERSION


PATCHES: List[Patch] = [
    Patch(rasa_action.RemoteAction, "_validate_action_result", rasa_action.RemoteAction._validate_action_result,
          _validate_action_result, "f8cdb4be68123961"),
    Patch(rasa_endpoints.EndpointConfig, "session", _original_session, _shared_session, "e55aa13d9d4fb4bc"),
    Patch(rasa_events.Event, "resolve_by_type", _original_resolve_by_type, staticmethod(_resolve_by_type), "b5cf570fa7f286c7"),
    Patch(rasa_agent.Agent, "load_model", _original_load_model, _load_model_and_freeze, "f4c1ab4c5c7af634"),
    Patch(rasa_tf_models.RasaModel, "load", _original_rasa_model_load, classmethod(_load_for_prediction), "84fd81c0fdd01a80"),
]


def install() -> bool:
    """Applies the five changes (calling it again changes nothing). False, with a warning, on a
    Rasa other than 3.6: the server then runs as plain Rasa."""
    if not rasa.__version__.startswith("3.6."):
        logger.warning("rasa_server.patches is made for Rasa 3.6; Rasa %s runs without its changes", rasa.__version__)
        return False
    for patch in PATCHES:
        setattr(patch.owner, patch.attribute, patch.replacement)
    return True
