"""Argon2id password hashes. Hashing is deliberately slow: callers in the event loop
run these functions in an executor."""
from __future__ import annotations

import functools
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("no such counsellor")


def verify_password(password_hash: Optional[str], password: str) -> bool:
    """True when `password` matches. With no hash (unknown e-mail) a dummy hash is checked
    anyway, so that the answer takes as long as for a real account."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
