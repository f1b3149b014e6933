"""Failed-login counting in memory, per (e-mail, IP).

In memory on purpose: one backend process serves the dashboard. Several processes would each
count on their own, which still bounds guessing; a shared store can come with that set-up.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, Dict, Hashable

from aiohttp import web


class LoginLimiter:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._failures: Dict[Hashable, Deque[float]] = {}

    def _recent(self, key: Hashable) -> Deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        cutoff = self._clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, key: Hashable) -> bool:
        return len(self._recent(key)) >= self.max_failures

    def failed(self, key: Hashable) -> None:
        if key not in self._failures and len(self._failures) >= self._max_keys:
            self._prune()
        self._failures.setdefault(key, deque()).append(self._clock())

    def succeeded(self, key: Hashable) -> None:
        self._failures.pop(key, None)

    def _prune(self) -> None:
        for key in list(self._failures):
            self._recent(key)
        # Under a flood of distinct keys, forget the oldest rather than grow without bound.
        while len(self._failures) >= self._max_keys:
            del self._failures[next(iter(self._failures))]


LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)
