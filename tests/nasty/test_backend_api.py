"""The nasty input set at the backend's JSON API (the action server's and the Telegram channel's
endpoints, backend/web/routes.py): every text in every field of every endpoint that takes input,
every raw body at every endpoint with a body, every text in a path or query. Each answer is a
JSON 2xx/4xx (413 beyond the size limit), never a 500, and the app still answers afterwards."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

import pytest

from backend.clock import local_today
from backend.tables import NAME_MAX, SENTENCE_MAX, TEXT_MAX, VALUE_MAX

from .inputs import BODIES, MARKER, TEXTS

pytestmark = pytest.mark.asyncio

TOMORROW = (local_today() + timedelta(days=1)).isoformat()
# Every answer of the API to input it does not like: never a 5xx.
API_STATUSES = {200, 201, 204, 400, 403, 404, 409, 410, 413, 414, 429, 431}
# A fresh connection for each malformed body: aiohttp 3.9's client reuses a connection whose
# request body the server answered before reading it all, and the next request then fails.
CLOSE = {"Connection": "close"}
_CONTROL = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {chat}, {contact} and {action} are filled in
    body: Callable[[], Dict[str, Any]]
    # field -> the longest client's text it takes (None: not free text; any answer but a 5xx)
    fields: Dict[str, Optional[int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("PUT", "/api/v1/chats/{chat}/consent", lambda: {"given": True, "version": "v1"}, {"version": None}),
    Endpoint(
        "POST", "/api/v1/chats/{chat}/insights",
        lambda: {"key": "k", "category": "quality", "value": "geduldig", "sentence": "Ik bleef rustig.", "said_at": None, "status": "confirmed"},
        {"key": None, "category": None, "value": None, "sentence": SENTENCE_MAX, "status": None, "said_at": None},
    ),
    Endpoint("PUT", "/api/v1/chats/{chat}/topic", lambda: {"topic": "qualities"}, {"topic": None}),
    Endpoint("PUT", "/api/v1/chats/{chat}/address", lambda: {"formal": True}, {"formal": None}),
    Endpoint(
        "POST", "/api/v1/chats/{chat}/contacts",
        lambda: {"key": "k", "name": "Els Maes", "circle": "colleagues", "organisation": "Stad Gent", "help": "vacatures", "sentence": "Els kent de stad."},
        {"key": None, "name": None, "circle": None, "organisation": None, "help": TEXT_MAX, "sentence": SENTENCE_MAX},
    ),
    Endpoint("PATCH", "/api/v1/chats/{chat}/contacts/{contact}", lambda: {"contacted": True}, {"contacted": None}),
    Endpoint(
        "POST", "/api/v1/chats/{chat}/actions",
        lambda: {"key": "k", "text": "Els bellen", "due_date": TOMORROW, "measure": "gesproken", "source_insight": None, "said_at": None},
        {"key": None, "text": TEXT_MAX, "due_date": None, "measure": TEXT_MAX, "source_insight": None, "said_at": None},
    ),
    Endpoint(
        "PATCH", "/api/v1/chats/{chat}/actions/{action}", lambda: {"status": "blocked", "obstacle": "geen tijd"},
        {"status": None, "obstacle": SENTENCE_MAX},
    ),
    Endpoint("POST", "/api/v1/chats/{chat}/mood", lambda: {"key": "k", "mood": "bad", "sentence": "Moe."}, {"key": None, "mood": None, "sentence": SENTENCE_MAX}),
    Endpoint("POST", "/api/v1/chats/{chat}/flags", lambda: {"key": "k", "kind": "stuck", "message": "Ik zit vast."}, {"key": None, "kind": None, "message": SENTENCE_MAX}),
    Endpoint("PUT", "/api/v1/chats/{chat}/reminders", lambda: {"state": "active"}, {"state": None}),
    Endpoint("POST", "/api/v1/telegram/links", lambda: {"code": "ABCDEFGHJK", "telegram_chat_id": 4242}, {"code": None, "telegram_chat_id": None}),
]

# GETs (and the erasure) with the text in the path or the query.
URL_TEMPLATES = [
    "GET /api/v1/chats/{text}",
    "GET /api/v1/chats/{text}/summary",
    "GET /api/v1/chats/{text}/actions",
    "GET /api/v1/chats/{text}/telegram",
    "GET /api/v1/chats/{text}/reminders",
    "GET /api/v1/chats/{chat}/insights?category={text}",
    "GET /api/v1/chats/{chat}/actions?status={text}",
    "GET /api/v1/telegram/chats/{text}",
    "DELETE /api/v1/chats/{text}/data",
]


def cleaned(text: str) -> str:
    """What the backend keeps of the client's own words (control characters go)."""
    return text.translate({ord(c): None for c in _CONTROL}).strip()


def expected(max_len: Optional[int], text) -> set:
    """Free text that fits is accepted as the client's words, whatever characters it has."""
    if max_len is not None and text.kind == "ordinary" and 0 < len(cleaned(text.text)) <= max_len:
        return {200, 201}
    if text.kind == "too_long" and max_len is not None:
        return {400, 413}
    return API_STATUSES


async def fixtures(client, auth, chat) -> Dict[str, str]:
    """A contact and an action to PATCH."""
    contact = await client.post(f"/api/v1/chats/{chat}/contacts", json=ENDPOINTS[4].body(), headers=auth)
    action = await client.post(f"/api/v1/chats/{chat}/actions", json=ENDPOINTS[6].body(), headers=auth)
    return {
        "chat": chat,
        "contact": str((await contact.json())["contact_id"]),
        "action": str((await action.json())["action_id"]),
    }


async def still_answers(client, auth, chat) -> None:
    assert (await client.get("/api/v1/health")).status == 200
    profile = await client.get(f"/api/v1/chats/{chat}", headers=auth)
    assert profile.status == 200, await profile.text()


async def test_every_text_in_every_field_of_every_endpoint(client, auth, consented_chat):
    ids = await fixtures(client, auth, consented_chat)
    failures: List[Tuple[str, str, str, int, str]] = []
    checks = 0
    for n, endpoint in enumerate(ENDPOINTS):
        path = endpoint.path.format(**ids)
        for field_name, max_len in endpoint.fields.items():
            for text in TEXTS:
                body = endpoint.body()
                if "key" in body:
                    body["key"] = f"{text.id}:{field_name}:{n}"
                if "telegram_chat_id" in body and field_name != "telegram_chat_id":
                    body["telegram_chat_id"] = 1000 + checks  # the wrong-code limit counts per chat
                body[field_name] = text.text
                response = await client.request(endpoint.method, path, json=body, headers=auth)
                checks += 1
                allowed = expected(max_len, text)
                if response.status not in allowed:
                    failures.append((endpoint.name, field_name, text.id, response.status, (await response.text())[:200]))
                elif response.status >= 400:
                    error = await response.json()  # always JSON with a code and a message
                    assert set(error) == {"error", "message"}, error
    assert not failures, f"{len(failures)} of {checks} answers were wrong:\n" + "\n".join(map(str, failures))
    await still_answers(client, auth, consented_chat)


def body_field(endpoint: Endpoint) -> Optional[str]:
    """Where a raw body's text goes: the endpoint's free-text field, or else its first field."""
    free = [name for name, max_len in endpoint.fields.items() if max_len is not None]
    return (free or list(endpoint.fields))[0]


async def test_every_raw_body_at_every_endpoint(client, auth, consented_chat):
    ids = await fixtures(client, auth, consented_chat)
    failures = []
    checks = 0
    for n, endpoint in enumerate(ENDPOINTS):
        for body in BODIES:
            payload = endpoint.body()
            if "key" in payload:
                payload["key"] = f"raw:{body.id}:{n}"
            if "telegram_chat_id" in payload:
                payload["telegram_chat_id"] = 5000 + checks
            payload[body_field(endpoint)] = MARKER
            data = body.encode(payload)
            headers = {**auth, **CLOSE, "Content-Type": body.content_type}
            response = await client.request(endpoint.method, endpoint.path.format(**ids), data=io.BytesIO(data), headers=headers)
            checks += 1
            allowed = {"bad": {400}, "too_large": {413}, "bad_or_ok": {200, 201, 204, 400, 404, 409}}[body.expect]
            if response.status not in allowed:
                failures.append((endpoint.name, body.id, response.status, (await response.text())[:200]))
            elif response.status >= 400:
                assert (await response.json())["error"], body.id
    assert not failures, f"{len(failures)} of {checks} answers were wrong:\n" + "\n".join(map(str, failures))
    await still_answers(client, auth, consented_chat)


async def test_every_text_in_paths_and_queries(client, auth, consented_chat):
    failures = []
    checks = 0
    for template in URL_TEMPLATES:
        method, url = template.split(" ", 1)
        for text in TEXTS:
            target = url.replace("{chat}", consented_chat).replace("{text}", quote(text.text, safe=""))
            response = await client.request(method, target, headers=auth)
            checks += 1
            if response.status not in API_STATUSES:
                failures.append((template, text.id, response.status, (await response.text())[:200]))
            if method == "DELETE" and response.status == 204:
                failures.append((template, text.id, "erased a client that the text does not name", 204, ""))
    assert not failures, f"{len(failures)} of {checks} answers were wrong:\n" + "\n".join(map(str, failures))
    await still_answers(client, auth, consented_chat)


async def test_every_text_as_the_service_token(client, consented_chat):
    """The Authorization header with the set in it (as far as HTTP headers can carry it): a 401."""
    checks = 0
    for text in TEXTS:
        value = cleaned(text.text).replace("\r", "").replace("\n", "")[:4000]
        response = await client.get(f"/api/v1/chats/{consented_chat}", headers={"Authorization": f"Bearer {value}"})
        checks += 1
        assert response.status == 401, (text.id, response.status)
    assert checks == len(TEXTS)
