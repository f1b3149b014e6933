"""A limit on how many chat messages one sender may send, for all of our Rasa channels.

A sliding window per sender id (the client's chat id: the same conversation whether the client
writes in the web chat, over REST or in Telegram): by default 20 messages per 60 seconds
(CHAT_RATE_LIMIT_MESSAGES, CHAT_RATE_LIMIT_SECONDS; 0 messages switches the limit off). A
message over the limit gets a short Dutch answer and never reaches Rasa's NLU, dialogue or
tracker store; only messages that were let through count, so after a short wait the client
can go on.

In memory, per Rasa process: several Rasa servers behind a balancer each count on their own
(a sender gets at most the limit per server), which still bounds a flood.
"""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, Mapping, Optional

from rasa.core.channels.channel import UserMessage

from bot.channels.limits import in_thread
from bot.nlu.crisis import crisis_part

logger = logging.getLogger(__name__)

DEFAULT_MESSAGES = 20
DEFAULT_SECONDS = 60.0
MAX_SENDERS = 10_000
TOO_MANY_MESSAGES = "Je stuurt veel berichten kort na elkaar. Wacht even en probeer het dan opnieuw."

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class SenderRateLimiter:
    """At most `max_messages` per `window_seconds` per sender; max_messages 0: no limit."""

    def __init__(
        self,
        max_messages: int = DEFAULT_MESSAGES,
        window_seconds: float = DEFAULT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_senders: int = MAX_SENDERS,
    ) -> None:
        self.max_messages = max_messages
        self.window = window_seconds
        self._clock = clock
        self._max_senders = max_senders
        self._sent: Dict[str, Deque[float]] = {}
        self._over: Dict[str, None] = {}  # senders refused since their last allowed message

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "SenderRateLimiter":
        env = os.environ if environ is None else environ
        raw_messages = (env.get("CHAT_RATE_LIMIT_MESSAGES") or str(DEFAULT_MESSAGES)).strip()
        raw_seconds = (env.get("CHAT_RATE_LIMIT_SECONDS") or str(DEFAULT_SECONDS)).strip()
        try:
            messages, seconds = int(raw_messages), float(raw_seconds)
        except ValueError:
            raise ValueError(
                "CHAT_RATE_LIMIT_MESSAGES must be a whole number and CHAT_RATE_LIMIT_SECONDS a number "
                f"of seconds, not {raw_messages!r} and {raw_seconds!r}"
            ) from None
        if messages < 0 or not 0 < seconds <= 86400:
            raise ValueError(
                "CHAT_RATE_LIMIT_MESSAGES must be 0 (no limit) or more, and CHAT_RATE_LIMIT_SECONDS "
                "between 0 and 86400"
            )
        return cls(messages, seconds)

    def _recent(self, sender_id: str, now: float) -> Deque[float]:
        times = self._sent.get(sender_id)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._sent[sender_id]
            self._over.pop(sender_id, None)
        return times

    def allow(self, sender_id: str) -> bool:
        """Counts the message when it may go through; False when the sender is over the limit."""
        if not self.max_messages:
            return True
        now = self._clock()
        times = self._recent(sender_id, now)
        if len(times) >= self.max_messages:
            if sender_id not in self._over:
                self._over[sender_id] = None
                # No sender id: it is the client's pseudonym, and this line is for operators.
                logger.info(
                    "a sender went over the chat rate limit (%d messages in %g s); "
                    "further messages are answered but not processed", self.max_messages, self.window,
                )
            return False
        self._over.pop(sender_id, None)
        if not times:
            if len(self._sent) >= self._max_senders:
                self._prune(now)
            times = self._sent[sender_id] = deque()
        times.append(now)
        return True

    def _prune(self, now: float) -> None:
        for sender_id in list(self._sent):
            self._recent(sender_id, now)
        # Under a flood of distinct senders, forget the oldest rather than grow without bound.
        while len(self._sent) >= self._max_senders:
            oldest = next(iter(self._sent))
            del self._sent[oldest]
            self._over.pop(oldest, None)


_shared: Optional[SenderRateLimiter] = None


def shared_limiter() -> SenderRateLimiter:
    """One limiter for every channel of this Rasa process (a client is one sender in all)."""
    global _shared
    if _shared is None:
        _shared = SenderRateLimiter.from_env()
    return _shared


def limit_per_sender(on_new_message: OnNewMessage, limiter: SenderRateLimiter) -> OnNewMessage:
    """Wraps Rasa's message handler: a message over the limit gets TOO_MANY_MESSAGES instead,
    unless it carries a crisis signal."""

    async def handle(message: UserMessage) -> Any:
        if limiter.allow(message.sender_id):
            return await on_new_message(message)
        if isinstance(message.text, str) and await in_thread(crisis_part, message.text, len(message.text) or 1):
            # Safety before limits: a crisis signal always gets its answer.
            return await on_new_message(message)
        await message.output_channel.send_response(message.sender_id, {"text": TOO_MANY_MESSAGES})
        return None

    return handle
