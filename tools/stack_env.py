"""The environment of the three processes: defaults, overridable by the caller's environment.

Development secrets (service token, session key, Rasa's API token, the demo counsellor's
password) are generated once into var/secrets.env (mode 0600), which is never committed; in
production set SERVICE_TOKEN, SESSION_SECRET and RASA_TOKEN yourself.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Dict, Mapping, Optional

from backend.config import REPO_ROOT as ROOT
from backend.config import VAR_DIR, default_database_url, default_tracker_store_url, installation_secrets

SECRETS_FILE = VAR_DIR / "secrets.env"
CONSOLE_DIR = ROOT / "tools" / "console"


def _new_secret(name: str) -> str:
    from cryptography.fernet import Fernet

    if name == "SESSION_SECRET":
        return Fernet.generate_key().decode()
    if name == "DEMO_PASSWORD":
        return secrets.token_urlsafe(12)  # 16 characters: typed by hand at the login page
    return secrets.token_urlsafe(32)


# RASA_TOKEN: Rasa's API token; the launcher (rasa_server/__main__.py) reads it from the environment,
# so no command line shows it, and the backend sends it to Rasa's HTTP API. Rasa's interface
# (RASA_INTERFACE) has its default, 127.0.0.1, in the launcher too.
# DEMO_PASSWORD: the demo counsellor's, printed by `make run` (tools/announce.py).
SECRET_NAMES = ("SERVICE_TOKEN", "SESSION_SECRET", "RASA_TOKEN", "DEMO_PASSWORD", "CHAT_TOKEN_SECRET")


def _generated_secrets() -> Dict[str, str]:
    """The secrets of var/secrets.env; a file from before a secret was added gets it appended."""
    if not SECRETS_FILE.exists():
        SECRETS_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRETS_FILE.touch(mode=0o600)
    text = SECRETS_FILE.read_text()
    found = installation_secrets(SECRETS_FILE.parent)
    missing = [name for name in SECRET_NAMES if not found.get(name)]
    if missing:
        added = {name: _new_secret(name) for name in missing}
        with SECRETS_FILE.open("a") as out:
            out.write("\n" if text and not text.endswith("\n") else "")
            out.writelines(f"{name}={value}\n" for name, value in added.items())
        SECRETS_FILE.chmod(0o600)
        found.update(added)
    return found


def stack_env(
    base: Optional[Mapping[str, str]] = None,
    *,
    rasa_port: Optional[int] = None,
    actions_port: Optional[int] = None,
    backend_port: Optional[int] = None,
    var_dir: Path = VAR_DIR,
) -> Dict[str, str]:
    """Environment for Rasa, the action server and the backend; `base` values win.

    A port comes from the argument, else from RASA_PORT / ACTIONS_PORT / BACKEND_PORT in `base`,
    else the default; the URLs between the processes follow the ports.
    """
    base = dict(os.environ if base is None else base)
    rasa_port = rasa_port or int(base.get("RASA_PORT") or 5005)
    actions_port = actions_port or int(base.get("ACTIONS_PORT") or 5055)
    backend_port = backend_port or int(base.get("BACKEND_PORT") or 8000)
    var_dir.mkdir(parents=True, exist_ok=True)
    defaults = {
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "BACKEND_PORT": str(backend_port),
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
        "PUBLIC_URL": f"http://127.0.0.1:{backend_port}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        # The action server answers only on this machine (rasa_sdk reads SANIC_HOST; it would
        # listen on every interface, without authentication). Only Rasa calls it.
        "SANIC_HOST": "127.0.0.1",
        "DATABASE_URL": default_database_url(var_dir),
        "TRACKER_STORE_URL": default_tracker_store_url(var_dir),
        "OUTBOX_PATH": str(var_dir / "outbox.sqlite3"),
        "RASA_MODEL": str(ROOT / "models" / "loopbaan.tar.gz"),
        # Rasa and TensorFlow are chatty and phone home by default.
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # TensorFlow's threads each get a glibc malloc arena by default; two arenas keep the
        # Rasa server's peak memory lower (measured by `make bench`, docs/performance.md).
        "MALLOC_ARENA_MAX": "2",
    }
    if any(name not in base for name in SECRET_NAMES):
        defaults.update(_generated_secrets())
    env = {**defaults, **base}
    # The project's root and tools/console (the sitecustomize that keeps the console readable)
    # come on the path whatever the caller's PYTHONPATH holds (the Makefile exports the root).
    paths = [*filter(None, base.get("PYTHONPATH", "").split(os.pathsep)), str(ROOT), str(CONSOLE_DIR)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env
