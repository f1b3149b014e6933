"""The application factory."""
from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from backend import db
from backend.chat.device import DEVICE_CODE_LIMITER
from backend.chat.settings import CHANNEL_SETTINGS, ChannelSettings
from backend.chat.telegram import LINK_LIMITER
from backend.config import CONFIG, Config
from backend.dashboard.labels import FILTERS
from backend.dossier import erasure
from backend.jobs import crisis_alerts, no_activity, retention, unconsented, withdrawal
from backend.rasa import transcripts
from backend.rasa.tracker_store import TrackerStore, tracker_store_ctx
from backend.reminders import scheduler
from backend.web import status
from backend.web.csrf import csrf_middleware
from backend.web.json_api import service_token_middleware
from backend.web.middleware import error_middleware, security_headers_middleware
from backend.web.ratelimit import LOGIN_LIMITER, LoginLimiter
from backend.web.routes import setup_routes

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The largest valid insight (5000 characters, JSON-escaped) stays well under this.
MAX_BODY_BYTES = 128 * 1024
SESSION_MAX_AGE_SECONDS = 8 * 3600


def create_app(config: Config) -> web.Application:
    """The whole app: every middleware, shared object and background job is wired here."""
    config.check_serving()
    TrackerStore(config.tracker_store_url)  # a bad URL fails here, not later
    storage = EncryptedCookieStorage(
        Fernet(config.session_secret),
        cookie_name="dossier_session",
        max_age=SESSION_MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=config.cookie_secure,
    )
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[
            security_headers_middleware,
            error_middleware,
            session_middleware(storage),
            csrf_middleware,
            service_token_middleware,
        ],
    )
    app[CONFIG] = config
    app[CHANNEL_SETTINGS] = ChannelSettings.from_env(config)
    app[LOGIN_LIMITER] = LoginLimiter()
    app[DEVICE_CODE_LIMITER] = LoginLimiter()
    app[LINK_LIMITER] = LoginLimiter()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        filters=FILTERS,
    )
    app.cleanup_ctx.append(db.engine_ctx)
    app.cleanup_ctx.append(status.http_client_ctx)
    app.cleanup_ctx.append(tracker_store_ctx)  # Rasa's tracker store: before its readers
    app.cleanup_ctx.append(transcripts.reader_ctx)
    app.cleanup_ctx.append(no_activity.housekeeping_ctx)
    app.cleanup_ctx.append(erasure.eraser_ctx)
    app.cleanup_ctx.append(retention.retention_ctx)  # uses the eraser: after it
    app.cleanup_ctx.append(withdrawal.withdrawal_ctx)  # uses the eraser: after it
    app.cleanup_ctx.append(unconsented.unconsented_ctx)  # uses the eraser: after it
    app.cleanup_ctx.append(crisis_alerts.alerts_ctx)
    app.cleanup_ctx.append(scheduler.scheduler_ctx)
    setup_routes(app)
    return app
