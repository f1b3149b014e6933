"""A Redis lock store for several Rasa servers: Rasa's ticket lock, changed atomically.

Rasa 3.6's `RedisLockStore` reads a conversation's lock (a JSON list of tickets) from Redis,
changes it in the server and writes it back. Two servers that take a message of the same
conversation at the same moment both read "no lock", both issue ticket 0 and both go ahead:
the two messages are handled at once, and one of them is lost from the conversation (the
scale-out test showed it in 2 of 8 tries). Here every change of a lock is one Redis
transaction (WATCH/MULTI/EXEC, repeated when another server changed the lock in between), so
that tickets are issued and served in order across servers. Reading, waiting and the data
in Redis are those of Rasa.

    lock_store:
      type: rasa_server.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      db: ${REDIS_LOCK_DB}
      key_prefix: ${LOCK_STORE_PREFIX}
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
# change(lock or None) -> (lock to store, or None to delete it; result)
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's `RedisLockStore`, with each read-change-write of a lock done atomically."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Result:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    serialised = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is not None:
                        pipe.set(key, new_lock.dumps())
                    elif lock is not None:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock meanwhile: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        logger.debug(f"Issuing ticket for conversation '{conversation_id}'.")
        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def without_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, without_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finished(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finished)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else waits for it, in one step."""
        def finished(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], bool]:
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                return lock, False
            return None, True

        deleted = self._change(conversation_id, finished)
        if deleted:
            self._log_deletion(conversation_id, deletion_successful=True)
