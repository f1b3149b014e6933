"""Waiting until the three processes answer, with a bound on every wait."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Callable, Dict, Optional


def health_urls(env: Dict[str, str]) -> Dict[str, str]:
    return {
        "rasa": f"{env['RASA_URL']}/version",
        "actions": f"http://127.0.0.1:{env['ACTIONS_PORT']}/health",
        "backend": f"{env['BACKEND_URL']}/api/v1/health",
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until_ready(
    urls: Dict[str, str], timeout_seconds: float, exited: Optional[Callable[[], list]] = None
) -> None:
    """Raises TimeoutError naming the processes that did not answer in time.

    `exited` returns the names of processes that already ended: no point waiting for them.
    """
    deadline = time.monotonic() + timeout_seconds
    waiting = dict(urls)
    while waiting:
        dead = exited() if exited else []
        if dead:
            raise TimeoutError(f"exited before answering: {', '.join(sorted(dead))}")
        waiting = {name: url for name, url in waiting.items() if not answers(url)}
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer within {timeout_seconds:.0f} s from: {', '.join(sorted(waiting))}")
        time.sleep(0.5)
