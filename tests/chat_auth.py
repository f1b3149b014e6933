"""Chat tokens for the tests' messages, signed as the backend signs them (contract/chat_token.py)
with the environment's CHAT_TOKEN_SECRET (tests/conftest.py sets one)."""
from __future__ import annotations

import os
from typing import Dict, Mapping, Optional

from contract import chat_token


def token_for(chat_id: str, env: Optional[Mapping[str, str]] = None) -> str:
    return chat_token.issue(chat_id, (env or os.environ)[chat_token.SECRET_VARIABLE])


def chat_auth(chat_id: str, env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The Authorization header of a REST message from `chat_id`."""
    return {"Authorization": f"Bearer {token_for(chat_id, env)}"}
