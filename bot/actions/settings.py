"""Settings of the action server, read from the environment when first needed. Shared
infrastructure of all topics."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from contract.settings import number


@dataclass(frozen=True)
class ActionSettings:
    backend_url: str
    service_token: str
    timeout_seconds: float
    outbox_path: str
    outbox_retry_seconds: float


@lru_cache(maxsize=1)
def settings() -> ActionSettings:
    return ActionSettings(
        backend_url=os.environ.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=os.environ.get("SERVICE_TOKEN", ""),
        timeout_seconds=number(os.environ, "DOSSIER_TIMEOUT_SECONDS", 3.0, 0.1, 300.0, unit=" seconds"),
        outbox_path=os.environ.get("OUTBOX_PATH", "var/outbox.sqlite3"),
        outbox_retry_seconds=number(os.environ, "OUTBOX_RETRY_SECONDS", 30.0, 0.1, 86400.0, unit=" seconds"),
    )
