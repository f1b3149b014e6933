"""A sliding-window counter per key, in memory: how many times something happened for a key in
the last `window_seconds`. Used for failed logins and codes in the backend and for chat
messages in Rasa's channels. Bounded: under a flood of distinct keys the oldest are forgotten."""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, Dict, Hashable


class SlidingWindow:
    def __init__(
        self, window_seconds: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.window = window_seconds
        self.clock = clock
        self._max_keys = max_keys
        self._times: Dict[Hashable, Deque[float]] = {}

    def count(self, key: Hashable) -> int:
        """How many times `key` was added within the window (older ones are dropped)."""
        times = self._times.get(key)
        if times is None:
            return 0
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._times[key]
        return len(times)

    def add(self, key: Hashable) -> None:
        if key not in self._times and len(self._times) >= self._max_keys:
            self._prune()
        self._times.setdefault(key, deque()).append(self.clock())

    def forget(self, key: Hashable) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)

    def _prune(self) -> None:
        for key in list(self._times):
            self.count(key)
        while len(self._times) >= self._max_keys:
            del self._times[next(iter(self._times))]
