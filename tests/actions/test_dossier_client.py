"""DossierClient against a real HTTP server (aiohttp on a free port): what reaches the backend's
paths, and what its errors carry into the logs."""
from __future__ import annotations

import pytest
from aiohttp import web

from bot.actions.dossier_client import ChatRetired, ClientUnknown, DossierClient, DossierRejected, DossierUnavailable

SECRET_CHAT = "geheim-chat-id-123"


@pytest.fixture
async def backend(aiohttp_server):
    seen = []

    async def any_path(request: web.Request) -> web.Response:
        seen.append(request.raw_path)
        if request.raw_path.startswith("/api/v1/chats/broken"):
            return web.json_response({"error": "server"}, status=500)
        if "retired" in request.raw_path:
            return web.json_response({"error": "chat_retired", "message": "this chat id was retired"}, status=410)
        if "refuse" in request.raw_path:
            return web.json_response({"error": "invalid_input", "message": f"bad {SECRET_CHAT}"}, status=422)
        return web.json_response({"error": "not_found"}, status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", any_path)
    server = await aiohttp_server(app)
    client = DossierClient(str(server.make_url("/")), "service-token")
    yield client, seen
    await client.close()


@pytest.mark.parametrize("chat_id", ["../../admin", "a/../../x", "..", "%2e%2e"])
async def test_a_forged_chat_id_stays_one_path_segment_under_chats(backend, chat_id):
    client, seen = backend
    with pytest.raises(ClientUnknown):
        await client.summary(chat_id)
    with pytest.raises(ClientUnknown):
        await client.share_transcript(chat_id, False, "toestemming-v1")
    assert len(seen) in (0, 2) and all(path.endswith("/consent") for path in seen[1:])
    for path in seen:
        assert path.startswith("/api/v1/chats/") and path.count("/") == 5, path


async def test_errors_never_carry_the_chat_id_or_the_backends_words(backend):
    client, _ = backend
    for call, raised in ((client.summary(SECRET_CHAT), ClientUnknown),
                         (client.send(f"refuse-{SECRET_CHAT}", "insight", {"key": "k"}), DossierRejected),
                         (client.summary("broken"), DossierUnavailable),
                         (client.send(f"retired-{SECRET_CHAT}", "mood", {"key": "k"}), ChatRetired)):
        with pytest.raises(raised) as error:
            await call
        assert SECRET_CHAT not in str(error.value) and "broken" not in str(error.value)
