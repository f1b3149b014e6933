"""SQLite files that hold personal data (the dossier, the action server's outbox, Rasa's tracker
store) are readable by their owner only, and what is deleted from them is overwritten
(`PRAGMA secure_delete`): an erased conversation does not linger in free pages."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

OWNER_ONLY = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_sqlite_file(path: str) -> None:
    """Creates the database file (and its folder) for its owner only, or narrows an existing
    one; SQLite gives its -wal and -journal files the database file's permissions."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, OWNER_ONLY))
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{file}{suffix}")
        if companion.exists():
            companion.chmod(OWNER_ONLY)


def secure_delete(dbapi_connection: Any) -> None:
    """For a new SQLite connection: overwrite deleted content."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
