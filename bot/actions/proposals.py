"""Recognising qualities and motives in the client's words, for proposals and review points."""
from __future__ import annotations

import re
from typing import List, Optional

from bot import lexicon
from bot.actions.free_text import SKIPPED

MAX_POINTS = 5
MAX_OWN_WORDS_CHARS = 80
_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|/|\n|\ben\b|\bof\b)\s*", re.IGNORECASE)


def recognised(entity: str, *texts: Optional[str]) -> List[str]:
    """Canonical qualities or motives the lexicon finds in the texts, in order, without negated
    ones. The texts answer a question about `entity`, which settles forms both lexicons use."""
    values: List[str] = []
    for text in texts:
        if not text or text == SKIPPED:
            continue
        for match in lexicon.extract(text, asked_for=entity):
            if match.entity == entity and not match.negated and match.value not in values:
                values.append(match.value)
    return values


def values_from_answer(entity: str, text: Optional[str]) -> List[str]:
    """The client's answer as values: lexicon values, or else their own words as a list."""
    if not text or text == SKIPPED:
        return []
    found = recognised(entity, text)
    if found:
        return found[:MAX_POINTS]
    own_words = [part.strip(" .!?") for part in _LIST_SEPARATORS.split(text) if part and part.strip(" .!?")]
    return [words[:MAX_OWN_WORDS_CHARS] for words in own_words[:MAX_POINTS]]


def joined_answers(*texts: Optional[str]) -> str:
    return " ".join(text for text in texts if text and text != SKIPPED)
