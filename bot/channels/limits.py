"""Limits on what our Rasa channels take in, checked before anything reaches Rasa.

- A chat message longer than MAX_MESSAGE_CHARS gets a short Dutch answer and never reaches the
  NLU, unless a piece of it carries a crisis signal: that piece goes on to the referral (every channel, through bot.channels.guard); lone surrogates in a message become U+FFFD. DIET's attention grows with the square of the
  length: one message of 100,000 characters took about a minute and 14 GB of memory to parse
  on a 2-core machine, 5,000 characters 0.3 s. 5,000 is also the longest sentence the dossier
  keeps (contract.SENTENCE_MAX).
- A body beyond MAX_BODY_BYTES gets a 413 (REST and Telegram webhooks; Sanic's own limit is
  100 MB). Room enough for the longest message with every character JSON-escaped.
- A REST body that is not a JSON object with a text `message` and a usable `sender` gets a 400
  (Rasa's channel would fail on it with a 500, or start an anonymous conversation).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.nlu.crisis import crisis_part

logger = logging.getLogger(__name__)


async def in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Runs `function` off the event loop: other clients' turns go on meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

MAX_MESSAGE_CHARS = 5000
MAX_BODY_BYTES = 256 * 1024
# Rasa's SQL tracker store keeps the sender id in a VARCHAR(255); PostgreSQL refuses NUL.
SENDER_MAX = 255
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

TOO_LONG = (
    f"Dat bericht is te lang voor mij. Kan je het korter schrijven, of in een paar kleinere "
    f"berichten? Eén bericht mag hoogstens {MAX_MESSAGE_CHARS} tekens hebben."
)


def limit_text(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wraps Rasa's message handler: a message that is too long gets TOO_LONG instead; lone
    surrogates (valid as JSON escapes, but no text: spaCy fails on them) become U+FFFD."""

    async def handle(message: UserMessage) -> Any:
        if isinstance(message.text, str):
            message.text = _SURROGATE.sub("\ufffd", message.text)
        if isinstance(message.text, str) and len(message.text) > MAX_MESSAGE_CHARS:
            signal = await in_thread(crisis_part, message.text, MAX_MESSAGE_CHARS)
            if signal is not None:
                # Safety before limits: the piece with the signal goes on, and gets the referral.
                logger.info("a chat message of %d characters carries a crisis signal: its piece goes on", len(message.text))
                message.text = signal
                return await on_new_message(message)
            # Only the length: the words are the client's.
            logger.info("a chat message of %d characters was answered without processing", len(message.text))
            await message.output_channel.send_response(message.sender_id, {"text": TOO_LONG})
            return None
        return await on_new_message(message)

    return handle


def _error(status: int, code: str, text: str) -> HTTPResponse:
    return response.json({"error": code, "message": text}, status=status)


def body_too_large(request: Request) -> Optional[HTTPResponse]:
    if len(request.body or b"") > MAX_BODY_BYTES:
        return _error(413, "payload_too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    return None


def rest_body_problem(request: Request) -> Optional[HTTPResponse]:
    """None when the REST body is one Rasa's channel can handle; otherwise the 400 or 413."""
    too_large = body_too_large(request)
    if too_large is not None:
        return too_large
    try:
        data = json.loads(request.body or b"")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return _error(400, "bad_request", "the body is not valid JSON (UTF-8)")
    if not isinstance(data, dict):
        return _error(400, "bad_request", "the body must be a JSON object")
    if not isinstance(data.get("message"), str):
        return _error(400, "bad_request", "'message' must be text")
    sender = data.get("sender")
    if not isinstance(sender, str) or not 0 < len(sender) <= SENDER_MAX or _CONTROL_OR_SURROGATE.search(sender):
        return _error(400, "bad_request", f"'sender' must be text of 1 to {SENDER_MAX} characters, without control characters")
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        return _error(400, "bad_request", "'metadata' must be a JSON object")
    if data.get("input_channel") is not None and not isinstance(data["input_channel"], str):
        return _error(400, "bad_request", "'input_channel' must be text")
    return None
