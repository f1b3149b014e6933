"""Wires the client's channels (web chat, Telegram) and the reminder scheduler into the app."""
from __future__ import annotations

from typing import Optional

from aiohttp import web

from backend.chat.page import DEVICE_CODE_LIMITER
from backend.chat.settings import CHANNEL_SETTINGS, ChannelSettings
from backend.chat.telegram import LINK_LIMITER
from backend.config import CONFIG
from backend.reminders import scheduler
from backend.web.ratelimit import LoginLimiter


def setup(app: web.Application, settings: Optional[ChannelSettings] = None) -> None:
    """Call after the database's cleanup context is in place: the scheduler needs the engine."""
    app[CHANNEL_SETTINGS] = settings or ChannelSettings.from_env(app[CONFIG])
    app[DEVICE_CODE_LIMITER] = LoginLimiter()
    app[LINK_LIMITER] = LoginLimiter()
    app.cleanup_ctx.append(scheduler.scheduler_ctx)
