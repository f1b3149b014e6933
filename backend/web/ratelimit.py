"""Counting wrong tries in memory: dashboard logins (per account and address, per account, per
address; see login_keys), the chat's device codes and Telegram link codes.

In memory on purpose: one backend process serves the dashboard. Several processes would each
count on their own, which still bounds guessing; a shared store can come with that set-up.
"""
from __future__ import annotations

import time
from typing import Callable, Hashable, List, Sequence, Tuple

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

    def blocked_any(self, keys: Sequence[Tuple[Hashable, int]]) -> bool:
        """`keys`: (key, the failures it may have); blocked when any is at its limit."""
        return any(self.failures.count(key) >= limit for key, limit in keys)

    def failed_all(self, keys: Sequence[Tuple[Hashable, int]]) -> None:
        for key, _ in keys:
            self.failures.add(key)


# A login is limited three ways within the window: the account from one address (a typo streak
# ends soon), the account from anywhere (a guesser spreading over many addresses; higher, so that
# a stranger cannot lock a counsellor out with a few tries), and one address over all accounts.
PER_ACCOUNT_AND_ADDRESS = 5
PER_ACCOUNT = 20
PER_ADDRESS = 50


def login_keys(account: str, address: str) -> List[Tuple[Hashable, int]]:
    return [
        (("account+address", account, address), PER_ACCOUNT_AND_ADDRESS),
        (("account", account), PER_ACCOUNT),
        (("address", address), PER_ADDRESS),
    ]


LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)
