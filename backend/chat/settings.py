"""Settings of the client's channels (web chat, Telegram) and of the reminders, read once from
the environment. Kept apart from backend.config so the two can grow independently."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Mapping, Optional

from aiohttp import web

from backend.config import REPO_ROOT, Config, ConfigError
from contract import settings

# web/package-lock.json pins the socket.io client; tools/setup.sh installs it here.
SOCKET_IO_CLIENT = REPO_ROOT / "web" / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_BOT_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True)
class QuietHours:
    """No reminders from `start` to `end`, local time; may wrap past midnight (21:00-08:00)."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, raw: str) -> "QuietHours":
        match = _QUIET.match(raw or "")
        if not match:
            raise ConfigError(f"REMINDER_QUIET_HOURS must look like 21:00-08:00, not {raw!r}")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
            raise ConfigError(f"REMINDER_QUIET_HOURS is not a valid range of hours: {raw!r}")
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, moment: time) -> bool:
        moment = moment.replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class ChannelSettings:
    # Where the browser reaches Rasa's socket.io channel (behind a proxy: the public address).
    rasa_public_url: str = "http://127.0.0.1:5005"
    # Rasa's HTTP API token, when Rasa runs with --auth-token.
    rasa_token: Optional[str] = None
    reminder_interval_seconds: float = 60.0
    # A client who wrote this recently is in a conversation; a reminder waits.
    reminder_busy_minutes: float = 15.0
    quiet_hours: QuietHours = QuietHours()
    # The Telegram bot's username (TELEGRAM_VERIFY, as for Rasa): the chat page offers
    # Telegram only when it is set.
    telegram_bot_username: Optional[str] = None
    socket_io_client: Path = SOCKET_IO_CLIENT

    @classmethod
    def from_env(cls, config: Config, environ: Optional[Mapping[str, str]] = None) -> "ChannelSettings":
        env = os.environ if environ is None else environ
        interval = settings.number(env, "REMINDER_INTERVAL_SECONDS", 60.0, 0.2, 86400.0, error=ConfigError)
        busy = settings.number(env, "REMINDER_BUSY_MINUTES", 15.0, 0.0, 1440.0, error=ConfigError)
        username = (env.get("TELEGRAM_VERIFY") or "").strip().lstrip("@") or None
        if username is not None and not _BOT_USERNAME.match(username):
            raise ConfigError(f"TELEGRAM_VERIFY must be the bot's username, not {username!r}")
        return cls(
            rasa_public_url=(env.get("RASA_PUBLIC_URL") or config.rasa_url).rstrip("/"),
            rasa_token=env.get("RASA_TOKEN") or None,
            reminder_interval_seconds=interval,
            reminder_busy_minutes=busy,
            quiet_hours=QuietHours.parse(env.get("REMINDER_QUIET_HOURS") or "21:00-08:00"),
            telegram_bot_username=username,
        )


CHANNEL_SETTINGS = web.AppKey("channel_settings", ChannelSettings)
