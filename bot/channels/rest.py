"""Rasa's REST channel, with a short Dutch apology instead of silence.

When the action server is down, Rasa logs the failed action and stops the turn: the client
would get no answer at all. Every message of ours gets at least one reply, so an empty reply
means something failed on our side.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

APOLOGY = "Sorry, er ging iets mis aan mijn kant. Probeer het zo meteen nog eens."


def apologise_when_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> None:
        await on_new_message(message)
        channel = message.output_channel
        if isinstance(channel, CollectingOutputChannel) and not channel.messages:
            await channel.send_text_message(message.sender_id, APOLOGY)

    return handle


class RestInput(RasaRestInput):
    """Same URL as Rasa's REST channel (/webhooks/rest/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        return super().blueprint(apologise_when_silent(on_new_message))
