"""Small helpers for Dutch wording in dynamic messages. Shared infrastructure of all topics."""
from __future__ import annotations

import re
from typing import Iterable

_ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'”’)]*$")


def join_dutch(items: Iterable[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b en c'."""
    words = [item for item in items if item]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def counted(number: int, one: str, many: str) -> str:
    """(1, 'dag', 'dagen') -> '1 dag'; (14, 'dag', 'dagen') -> '14 dagen'."""
    return f"{number} {one if number == 1 else many}"


def as_sentence(text: str) -> str:
    """Client text that a response continues after ("{value} Klopt dat?"): ends it with one
    full stop, unless it already ends a sentence ("koffie?" stays "koffie?", never "koffie?.")."""
    text = text.rstrip().rstrip(",;:").rstrip()
    return text if _ENDS_A_SENTENCE.search(text) else text + "."
