"""Failed-login counting in memory, per (e-mail, IP).

In memory on purpose: one backend process serves the dashboard. Several processes would each
count on their own, which still bounds guessing; a shared store can come with that set-up.
"""
from __future__ import annotations

import time
from typing import Callable, Hashable

from aiohttp import web

from contract.sliding_window import SlidingWindow


class LoginLimiter:
    """At most `max_failures` wrong tries per key within the window; a success clears the key."""

    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.failures = SlidingWindow(window_seconds, clock, max_keys)

    def blocked(self, key: Hashable) -> bool:
        return self.failures.count(key) >= self.max_failures

    def failed(self, key: Hashable) -> None:
        self.failures.add(key)

    def succeeded(self, key: Hashable) -> None:
        self.failures.forget(key)


LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)
