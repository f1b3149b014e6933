"""Who may speak in a conversation: the holder of a chat token the backend signed for it
(contract/chat_token.py). Rasa's socket.io and REST channels check it before a message reaches
Rasa; Telegram is bound by its link instead (bot/channels/telegram.py)."""
from __future__ import annotations

import os
from typing import Optional

from sanic import response
from sanic.response import HTTPResponse

from contract import chat_token

UNAUTHORIZED = "Deze chat vraagt een geldige chat-token. Open de chat via je eigen link."


class ChatTokenSecretMissing(RuntimeError):
    pass


def token_secret(configured: Optional[str] = None) -> str:
    """The secret that checks chat tokens: from the channel's credentials, else from
    CHAT_TOKEN_SECRET. Without it the channel does not start: an open channel would let anyone
    who knows a chat id into that client's conversation."""
    secret = configured or os.environ.get(chat_token.SECRET_VARIABLE)
    if not secret:
        raise ChatTokenSecretMissing(
            f"{chat_token.SECRET_VARIABLE} is not set: Rasa's chat channels check the client's chat token with it "
            "(make run writes it into var/secrets.env)"
        )
    return secret


def unauthorized() -> HTTPResponse:
    return response.json({"error": "unauthorized", "message": UNAUTHORIZED}, status=401)
