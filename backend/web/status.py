"""/status and /api/v1/status: whether the parts answer, for anyone; the details (versions, the
migration, the model's spaCy pipeline, crisis alerts) only for a signed-in counsellor or the
service token, so that strangers learn no versions and cannot make the model parse on every hit.
Never personal data."""
from __future__ import annotations

import asyncio
import logging
from importlib import metadata
from typing import Any, AsyncIterator, Dict

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from backend import db
from backend.chat.settings import CHANNEL_SETTINGS
from backend.config import CONFIG
from backend.dashboard.auth import current_counsellor, render
from backend.jobs.crisis_alerts import alerts_configured
from backend.web.json_api import service_token_ok

logger = logging.getLogger(__name__)

UNKNOWN = "onbekend"
RASA_TIMEOUT_SECONDS = 3

HTTP_CLIENT = web.AppKey("http_client", aiohttp.ClientSession)


def backend_version() -> str:
    try:
        return metadata.version("loopbaan-companion")
    except metadata.PackageNotFoundError:
        return UNKNOWN


async def http_client_ctx(app: web.Application) -> AsyncIterator[None]:
    app[HTTP_CLIENT] = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT_SECONDS)
    )
    yield
    await app[HTTP_CLIENT].close()


async def _database(app: web.Application) -> Dict[str, Any]:
    answer: Dict[str, Any] = {"dialect": app[CONFIG].dialect, "reachable": False, "revision": None}
    try:
        answer["revision"] = await db.current_revision(app[db.ENGINE])
        answer["reachable"] = True
    except Exception as exc:  # the status page reports a broken database, it does not fail on it
        logger.warning("status: database not reachable: %s", type(exc).__name__)
    return answer


async def _rasa_answers(app: web.Application) -> bool:
    """Rasa's root page ("Hello from Rasa"): cheap, and public in Rasa too."""
    try:
        async with app[HTTP_CLIENT].get(f"{app[CONFIG].rasa_url}/") as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def _rasa(app: web.Application) -> Dict[str, Any]:
    """Asks the loaded model to parse a word; the bot's SpacyNLP adds `spacy_pipeline`."""
    url = f"{app[CONFIG].rasa_url}/model/parse"
    token = app[CHANNEL_SETTINGS].rasa_token  # Rasa's HTTP API answers 401 without it
    body = None
    try:
        async with app[HTTP_CLIENT].post(url, json={"text": "hallo"}, params={"token": token} if token else None) as response:
            if response.status == 200:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    pass
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return {"reachable": False, "spacy_pipeline": UNKNOWN}
    pipeline = body.get("spacy_pipeline") if isinstance(body, dict) else None
    return {
        "reachable": True,
        "spacy_pipeline": pipeline if isinstance(pipeline, str) and pipeline else UNKNOWN,
    }


async def collect(app: web.Application, *, details: bool) -> Dict[str, Any]:
    """`spacy_pipeline` sits at the top level: the end-to-end tests and the page read it there."""
    if not details:
        database, rasa_answers = await asyncio.gather(_database(app), _rasa_answers(app))
        return {"database": {"reachable": database["reachable"]}, "rasa": {"reachable": rasa_answers}}
    database, rasa = await asyncio.gather(_database(app), _rasa(app))
    return {
        "version": backend_version(),
        "database": database,
        "rasa": {"reachable": rasa["reachable"]},
        "spacy_pipeline": rasa["spacy_pipeline"],
        # Whether a crisis flag also reaches the counsellor by e-mail (backend.jobs.crisis_alerts).
        "crisis_alerts": "email" if alerts_configured(app[CONFIG]) else "off",
    }


async def status_json(request: web.Request) -> web.Response:
    return web.json_response(await collect(request.app, details=service_token_ok(request)))


async def status_page(request: web.Request) -> web.Response:
    counsellor = await current_counsellor(request)
    if counsellor is None:  # no session and no cookie for strangers
        context = {"status": await collect(request.app, details=False), "details": False}
        return aiohttp_jinja2.render_template("status.html", request, context)
    request["counsellor"] = counsellor  # the page's menu and logout, as on every dashboard page
    return await render(request, "status.html", {"status": await collect(request.app, details=True), "details": True})
