"""Small helpers for Dutch wording in dynamic messages."""
from __future__ import annotations

from typing import Iterable


def join_dutch(items: Iterable[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b en c'."""
    words = [item for item in items if item]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]
