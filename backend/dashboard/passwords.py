"""Argon2id password hashes, and the policy for a new password. Hashing is deliberately slow:
callers in the event loop run these functions in an executor."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import FrozenSet, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.errors import InvalidInput

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


MIN_LENGTH = 12
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
_NOT_LETTERS = re.compile(r"[^a-z]+")


@functools.lru_cache(maxsize=1)
def _common_words() -> FrozenSet[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _guessable(letters: str, words: FrozenSet[str]) -> bool:
    """A common word, or one repeated ("welkomwelkom"), or nothing but one repeated letter."""
    if len(set(letters)) <= 1:
        return True
    return any(letters == word * (len(letters) // len(word)) for word in words if len(letters) % len(word) == 0)


def check_new_password(password: str, email: str = "") -> None:
    """Raises InvalidInput when a new password is too short or easy to guess: at least
    MIN_LENGTH characters, and not a common word (or the e-mail's name) with digits and symbols
    around it ("Wachtwoord2024!", "welkom123456")."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must be at least {MIN_LENGTH} characters long")
    letters = _NOT_LETTERS.sub("", password.lower())
    own = {_NOT_LETTERS.sub("", part) for part in re.split(r"[@.]", email.lower()) if part}
    if _guessable(letters, _common_words() | {word for word in own if word}):
        raise InvalidInput("the password is too easy to guess: use a few unrelated words, or a password manager")
