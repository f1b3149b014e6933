"""Config.from_env: defaults, derived values and clear errors."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from backend.app import create_app
from backend.config import DEFAULT_DATABASE_URL, Config, ConfigError, async_url, sync_url


def test_defaults():
    config = Config.from_env({})
    assert config.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.startswith("sqlite:///") and DEFAULT_DATABASE_URL.endswith("/var/dossier.sqlite3")
    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert config.public_url == "http://127.0.0.1:8000"
    assert config.rasa_url == "http://127.0.0.1:5005"
    assert config.cookie_secure is False
    assert config.service_token is None and config.session_secret is None


def test_public_url_follows_the_port_and_https_makes_cookies_secure():
    assert Config.from_env({"BACKEND_PORT": "8123"}).public_url == "http://127.0.0.1:8123"
    https = Config.from_env({"PUBLIC_URL": "https://dossier.example.org/"})
    assert https.public_url == "https://dossier.example.org"
    assert https.cookie_secure is True
    assert Config.from_env({"PUBLIC_URL": "https://x.org", "COOKIE_SECURE": "false"}).cookie_secure is False


@pytest.mark.parametrize(
    "env",
    [{"BACKEND_PORT": "acht"}, {"BACKEND_PORT": "70000"}, {"COOKIE_SECURE": "misschien"}],
)
def test_malformed_settings_are_config_errors(env):
    with pytest.raises(ConfigError):
        Config.from_env(env)


def test_drivers_are_chosen_per_use():
    assert async_url("sqlite:///var/x.db").drivername == "sqlite+aiosqlite"
    assert sync_url("sqlite:///var/x.db").drivername == "sqlite+pysqlite"
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert sync_url("postgres://u@h/db").drivername == "postgresql+psycopg2"
    assert async_url("postgresql+psycopg2://u:p%40ss@h/db").password == "p@ss"
    with pytest.raises(ConfigError):
        async_url("mysql://h/db")


@pytest.mark.parametrize(
    "changes, missing",
    [
        ({"service_token": None}, "SERVICE_TOKEN"),
        ({"session_secret": None}, "SESSION_SECRET"),
        ({"session_secret": "not-a-fernet-key"}, "SESSION_SECRET"),
        ({"chat_token_secret": None}, "CHAT_TOKEN_SECRET"),
    ],
)
def test_serving_needs_the_secrets(changes, missing):
    base = {"service_token": "t", "session_secret": Fernet.generate_key().decode(), "chat_token_secret": "c" * 40}
    config = Config(**{**base, **changes})
    with pytest.raises(ConfigError, match=missing):
        create_app(config)


def test_nothing_connects_when_the_app_is_built(tmp_path):
    url = f"sqlite:///{tmp_path / 'nowhere' / 'dossier.db'}"
    create_app(Config(database_url=url, service_token="t", session_secret=Fernet.generate_key().decode(), chat_token_secret="c" * 40))
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    "raw, days",
    [(None, 365), ("730", 730), (" 90 ", 90), ("0", None), ("", None), ("  ", None)],
)
def test_retention_default_is_a_year_and_zero_or_empty_keeps(raw, days):
    env = {} if raw is None else {"RETENTION_DAYS_DEFAULT": raw}
    assert Config.from_env(env).retention_days_default == days


@pytest.mark.parametrize("raw", ["een jaar", "7", "29", "3651", "-1", "1.5"])
def test_a_retention_default_out_of_range_is_a_config_error(raw):
    with pytest.raises(ConfigError, match="RETENTION_DAYS_DEFAULT"):
        Config.from_env({"RETENTION_DAYS_DEFAULT": raw})


@pytest.mark.parametrize("raw, days", [(None, 14), ("7", 7), (" 30 ", 30), ("", 14)])
def test_the_grace_after_a_withdrawn_consent_is_14_days_unless_set(raw, days):
    env = {} if raw is None else {"CONSENT_WITHDRAWAL_GRACE_DAYS": raw}
    assert Config.from_env(env).consent_withdrawal_grace_days == days


@pytest.mark.parametrize("raw", ["twee weken", "0", "91", "-1", "1.5"])
def test_a_grace_out_of_range_is_a_config_error(raw):
    with pytest.raises(ConfigError, match="CONSENT_WITHDRAWAL_GRACE_DAYS"):
        Config.from_env({"CONSENT_WITHDRAWAL_GRACE_DAYS": raw})
