"""A durable outbox: writes the dossier could not take yet, delivered later. Shared
infrastructure of all topics, behind bot/actions/dossier.py.

Each entry carries the idempotency key of its insight, so delivering it twice (a retry after
a timeout whose request did arrive) never stores a point twice.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List

from contract.private_files import private_sqlite_file, secure_delete


@dataclass(frozen=True)
class OutboxEntry:
    entry_id: int
    chat_id: str
    kind: str
    payload: Dict[str, Any]


class Outbox:
    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()
        private_sqlite_file(path)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " chat_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,"
                " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
            )

    def _connect(self) -> sqlite3.Connection:
        # One short-lived connection per call: entries must be on disk before we answer.
        connection = sqlite3.connect(self._path, timeout=5, isolation_level=None)
        secure_delete(connection)
        return connection

    def put(self, chat_id: str, kind: str, payload: Dict[str, Any]) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO outbox (chat_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
                (chat_id, kind, json.dumps(payload, ensure_ascii=False), time.time()),
            )

    def pending(self, limit: int = 100) -> List[OutboxEntry]:
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT id, chat_id, kind, payload FROM outbox ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [OutboxEntry(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    def remove(self, entry_id: int) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))

    def remove_chat(self, chat_id: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))

    def count(self) -> int:
        with self._lock, self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
