"""Settings, read once from the environment. Nothing here connects to anything."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Optional

from aiohttp import web
from cryptography.fernet import Fernet
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from contract import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"


def default_database_url(var_dir: Path = VAR_DIR) -> str:
    """The dossier's SQLite file: the one default of the backend, the admin CLI and `make run`
    (tools/stack_env.py), anchored at the repository root so every cwd finds the same file."""
    return f"sqlite:///{var_dir / 'dossier.sqlite3'}"


def installation_secrets(var_dir: Path = VAR_DIR) -> Dict[str, str]:
    """The secrets `make run` generated into var/secrets.env (NAME=value lines); {} without it."""
    try:
        lines = (var_dir / "secrets.env").read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.partition("=") for line in lines)
    return {key.strip(): value.strip() for key, _, value in pairs if key.strip() and value.strip()}


def installation_secret(name: str, var_dir: Path = VAR_DIR) -> Optional[str]:
    """One generated secret (e.g. CHAT_TOKEN_SECRET), so that the admin CLI in a second
    terminal signs with the running stack's secret."""
    return installation_secrets(var_dir).get(name)


def default_tracker_store_url(var_dir: Path = VAR_DIR) -> str:
    """Rasa's SQL tracker store (endpoints.yml); the backend only reads from it."""
    return f"sqlite:///{var_dir / 'rasa_tracker.sqlite3'}"


DEFAULT_DATABASE_URL = default_database_url()
DEFAULT_TRACKER_STORE_URL = default_tracker_store_url()

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg2"}
# Retention: how long a quiet client's dossier and chat are kept (backend.jobs.retention).
DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
# Rasa's events of a sender that belongs to no client (a chat id retired by an erasure or a new
# invite link, or a sender someone made up) are deleted once they are this old, whatever the
# default retention: no dossier leads to them, so nobody reads them (backend.jobs.retention).
UNKNOWN_SENDER_RETENTION_DAYS = 30
# After a client withdraws their consent, the dashboard hides their dossier at once and
# backend.jobs.withdrawal erases it after this many days (CONSENT_WITHDRAWAL_GRACE_DAYS); the
# bot tells the client the number it gets from the API.
DEFAULT_CONSENT_WITHDRAWAL_GRACE_DAYS = 14
MAX_CONSENT_WITHDRAWAL_GRACE_DAYS = 90
# The conversation of a client without consent (never given, or refused) is deleted from Rasa's
# tracker store once the chat has been quiet this long (UNCONSENTED_CHAT_KEEP_MINUTES;
# backend.jobs.unconsented): a session's length, as Rasa's session_expiration_time (60).
DEFAULT_UNCONSENTED_CHAT_KEEP_MINUTES = 60
MIN_UNCONSENTED_CHAT_KEEP_MINUTES = 15
MAX_UNCONSENTED_CHAT_KEEP_MINUTES = 1440
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _backend_name(url: URL) -> str:
    name = url.get_backend_name()
    # SQLAlchemy 1.4 dropped the old "postgres://" alias that hosting providers still hand out.
    return "postgresql" if name == "postgres" else name


def _with_driver(database_url: str, drivers: Mapping[str, str]) -> URL:
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is not a valid SQLAlchemy URL: {exc}") from None
    backend = _backend_name(url)
    if backend not in drivers:
        raise ConfigError(f"DATABASE_URL: unsupported database {backend!r} (use sqlite or postgresql)")
    return url.set(drivername=drivers[backend])


def async_url(database_url: str) -> URL:
    """The URL for the application's async engine (aiosqlite or asyncpg)."""
    return _with_driver(database_url, _ASYNC_DRIVERS)


def sync_url(database_url: str) -> URL:
    """The URL for Alembic, which runs with the synchronous drivers."""
    return _with_driver(database_url, _SYNC_DRIVERS)


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _parse_retention(raw: Optional[str]) -> Optional[int]:
    """RETENTION_DAYS_DEFAULT: unset -> 365 days; empty or 0 -> keep (no automatic purge)."""
    if raw is None:
        return DEFAULT_RETENTION_DAYS
    value = raw.strip()
    if value in ("", "0"):
        return None
    return settings.number(
        {"RETENTION_DAYS_DEFAULT": value}, "RETENTION_DAYS_DEFAULT", DEFAULT_RETENTION_DAYS,
        MIN_RETENTION_DAYS, MAX_RETENTION_DAYS, error=ConfigError, unit=" days (or 0: keep)",
    )


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    service_token: Optional[str] = None
    session_secret: Optional[str] = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    rasa_url: str = "http://127.0.0.1:5005"
    cookie_secure: bool = False
    tracker_store_url: str = DEFAULT_TRACKER_STORE_URL
    # Days without activity after which a client's data is purged, for clients without their
    # own period; None: keep (no automatic purge).
    retention_days_default: Optional[int] = DEFAULT_RETENTION_DAYS
    # Days between a withdrawn consent and the erasure of what was given under it.
    consent_withdrawal_grace_days: int = DEFAULT_CONSENT_WITHDRAWAL_GRACE_DAYS
    # Minutes a quiet chat without consent keeps its conversation in Rasa's tracker store.
    unconsented_chat_keep_minutes: int = DEFAULT_UNCONSENTED_CHAT_KEEP_MINUTES
    # Crisis alerts by e-mail (backend.jobs.crisis_alerts); without smtp_url they are off.
    smtp_url: Optional[str] = None
    smtp_from: str = "loopbaanchat@localhost"
    # The organisation's address, for a flag whose counsellor has no account any more.
    alert_fallback_email: Optional[str] = None
    # Signs the chat tokens that Rasa's chat channels require (contract/chat_token.py).
    chat_token_secret: Optional[str] = None
    # Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES, comma-separated IPs);
    # from anyone else the header is ignored, so a client cannot choose the address it is limited by.
    trusted_proxies: FrozenSet[str] = frozenset()

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        env = os.environ if environ is None else environ
        port = settings.number(env, "BACKEND_PORT", 8000, 1, 65535, error=ConfigError)
        public_url = (env.get("PUBLIC_URL") or f"http://127.0.0.1:{port}").rstrip("/")
        secure_raw = env.get("COOKIE_SECURE")
        cookie_secure = (
            _parse_bool("COOKIE_SECURE", secure_raw)
            if secure_raw
            else public_url.lower().startswith("https://")
        )
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            service_token=env.get("SERVICE_TOKEN") or None,
            session_secret=env.get("SESSION_SECRET") or None,
            host=env.get("BACKEND_HOST") or "127.0.0.1",
            port=port,
            public_url=public_url,
            rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            cookie_secure=cookie_secure,
            tracker_store_url=env.get("TRACKER_STORE_URL") or DEFAULT_TRACKER_STORE_URL,
            retention_days_default=_parse_retention(env.get("RETENTION_DAYS_DEFAULT")),
            consent_withdrawal_grace_days=settings.number(
                env, "CONSENT_WITHDRAWAL_GRACE_DAYS", DEFAULT_CONSENT_WITHDRAWAL_GRACE_DAYS,
                1, MAX_CONSENT_WITHDRAWAL_GRACE_DAYS, error=ConfigError, unit=" days",
            ),
            unconsented_chat_keep_minutes=settings.number(
                env, "UNCONSENTED_CHAT_KEEP_MINUTES", DEFAULT_UNCONSENTED_CHAT_KEEP_MINUTES,
                MIN_UNCONSENTED_CHAT_KEEP_MINUTES, MAX_UNCONSENTED_CHAT_KEEP_MINUTES, error=ConfigError, unit=" minutes",
            ),
            smtp_url=env.get("SMTP_URL") or None,
            smtp_from=env.get("SMTP_FROM") or "loopbaanchat@localhost",
            alert_fallback_email=env.get("ALERT_FALLBACK_EMAIL") or None,
            chat_token_secret=env.get("CHAT_TOKEN_SECRET") or installation_secret("CHAT_TOKEN_SECRET"),
            trusted_proxies=frozenset(part.strip() for part in (env.get("TRUSTED_PROXIES") or "").split(",") if part.strip()),
        )

    @property
    def dialect(self) -> str:
        return _backend_name(make_url(self.database_url))

    def check_database_url(self) -> None:
        async_url(self.database_url)

    def check_serving(self) -> None:
        """Raises ConfigError unless everything needed to serve requests is set."""
        self.check_database_url()
        if not self.service_token:
            raise ConfigError("SERVICE_TOKEN is not set: the action server authenticates with it")
        if not self.session_secret:
            raise ConfigError(
                "SESSION_SECRET is not set: generate one with "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        if not self.chat_token_secret:
            raise ConfigError("CHAT_TOKEN_SECRET is not set: the chat page signs the client's chat token with it")
        try:
            Fernet(self.session_secret)
        except (ValueError, TypeError):
            raise ConfigError("SESSION_SECRET must be a Fernet key (32 url-safe base64-encoded bytes)") from None


CONFIG = web.AppKey("config", Config)
