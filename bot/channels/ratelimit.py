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
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import UserMessage

from bot.channels.limits import in_thread
from bot.nlu.crisis import crisis_part
from contract import settings
from contract.sliding_window import SlidingWindow

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
        self._sent = SlidingWindow(window_seconds, clock, max_senders)
        self._max_senders = max_senders
        self._over: Dict[str, None] = {}  # senders refused since their last allowed message

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "SenderRateLimiter":
        env = os.environ if environ is None else environ
        messages = settings.number(env, "CHAT_RATE_LIMIT_MESSAGES", DEFAULT_MESSAGES, 0, 1_000_000, unit=" (0: no limit)")
        seconds = settings.number(env, "CHAT_RATE_LIMIT_SECONDS", DEFAULT_SECONDS, 0.001, 86400.0, unit=" seconds")
        return cls(messages, seconds)

    def allow(self, sender_id: str) -> bool:
        """Counts the message when it may go through; False when the sender is over the limit."""
        if not self.max_messages:
            return True
        if self._sent.count(sender_id) >= self.max_messages:
            if sender_id not in self._over:
                if len(self._over) >= self._max_senders:
                    del self._over[next(iter(self._over))]
                self._over[sender_id] = None
                # No sender id: it is the client's pseudonym, and this line is for operators.
                logger.info(
                    "a sender went over the chat rate limit (%d messages in %g s); "
                    "further messages are answered but not processed", self.max_messages, self.window,
                )
            return False
        self._over.pop(sender_id, None)
        self._sent.add(sender_id)
        return True


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
