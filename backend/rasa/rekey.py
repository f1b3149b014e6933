"""Moving a conversation in Rasa's tracker store to a new chat id, when the client gets a new
invite link: the conversation goes on under the new id, and the old id reaches nothing."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from sqlalchemy import update

from backend.rasa.tracker_store import EVENTS, TrackerStore


def move_conversation(store: TrackerStore, old_chat_id: str, new_chat_id: str) -> int:
    """Gives every event of `old_chat_id` to `new_chat_id`; how many. SQLAlchemy errors reach
    the caller (the caller keeps the old id then)."""
    with store.connection(write=True) as conn:
        if conn is None:
            return 0  # no conversation yet
        result = conn.execute(
            update(EVENTS).where(EVENTS.c.sender_id == old_chat_id).values(sender_id=new_chat_id)
        )
        return result.rowcount or 0


def mover(store: TrackerStore) -> Callable[[str, str], Awaitable[int]]:
    """move_conversation on `store` as a coroutine (run in an executor), the shape
    backend.chat.access.reissue_invite takes."""

    async def move(old_chat_id: str, new_chat_id: str) -> int:
        return await asyncio.get_running_loop().run_in_executor(
            None, move_conversation, store, old_chat_id, new_chat_id
        )

    return move
