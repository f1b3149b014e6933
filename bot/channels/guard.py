"""What every one of our Rasa channels does around Rasa's message handler (REST, socket.io,
Telegram): a limit per sender (bot.channels.ratelimit), and a short Dutch apology instead of
silence.

When the action server is down, Rasa logs the failed action and stops the turn: the client
would get no answer at all. Every message of ours gets at least one reply, so a turn in which
nothing was sent means something failed on our side. A turn that raises (the tracker store
unreachable, a lock not obtained) gets the apology too; the error is logged here without the
client's message, which Rasa's channels would have written into the log with it.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.limits import limit_text
from bot.channels.ratelimit import OnNewMessage, SenderRateLimiter, limit_per_sender, shared_limiter

logger = logging.getLogger(__name__)

APOLOGY = "Sorry, er ging iets mis aan mijn kant. Probeer het zo meteen nog eens."


class CountingOutput:
    """An output channel as Rasa sees it during one turn, counting what Rasa sends: every reply
    goes through send_response, whatever the channel. A wrapper, not a change to the channel,
    which may serve several turns at once (Telegram's is shared)."""

    def __init__(self, channel: OutputChannel) -> None:
        self.channel = channel
        self.count = 0

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.count += 1
        await self.channel.send_response(recipient_id, message)

    def __getattr__(self, name: str) -> Any:  # name(), messages, ...: the channel's own
        return getattr(self.channel, name)


def apologise_when_silent(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> None:
        channel = message.output_channel
        counting = message.output_channel = CountingOutput(channel)
        try:
            await on_new_message(message)
        except Exception as error:  # not CancelledError: a cancelled turn is not answered
            logger.error("a turn failed (%s) after %d answer(s)", type(error).__name__, counting.count, exc_info=True)
        finally:
            message.output_channel = channel
        if not counting.count:
            await channel.send_response(message.sender_id, {"text": APOLOGY})

    return handle


def guard(on_new_message: OnNewMessage, limiter: Optional[SenderRateLimiter] = None) -> OnNewMessage:
    """Rasa's handler as our channels use it: the limit first (a refused message costs nothing
    and gets its own answer), then the apology when Rasa said nothing."""
    # Outermost: a message beyond the length limit (bot.channels.limits) never reaches the NLU.
    return limit_text(limit_per_sender(apologise_when_silent(on_new_message), limiter or shared_limiter()))
