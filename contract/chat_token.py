"""Signed chat tokens: the proof that a chat channel's caller is the client of `chat_id`.

The backend issues one after it has recognised the client's device (the chat page) or when an
admin asks for it (`python -m backend clients token --client ID`); Rasa's socket.io and REST
channels accept a message only with a valid token whose subject is the conversation's chat id
(bot/channels/). Both sides share CHAT_TOKEN_SECRET. A JWT (HS256) with the chat id as subject,
an audience of its own and an expiry.
"""
from __future__ import annotations

import time
from typing import Optional

import jwt

AUDIENCE = "loopbaan-chat"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 12 * 3600
SECRET_VARIABLE = "CHAT_TOKEN_SECRET"


def issue(chat_id: str, secret: str, ttl_seconds: int = DEFAULT_TTL_SECONDS, now: Optional[float] = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"sub": chat_id, "aud": AUDIENCE, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def subject(token: object, secret: str) -> Optional[str]:
    """The chat id the token was issued for; None when it is missing, forged or expired."""
    if not isinstance(token, str) or not token or not secret:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, options={"require": ["sub", "exp", "aud"]})
    except jwt.PyJWTError:
        return None
    chat_id = claims.get("sub")
    return chat_id if isinstance(chat_id, str) and chat_id else None


def bearer(authorization: object) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header."""
    if not isinstance(authorization, str):
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
