"""Recognising qualities and motives in the client's words, for proposals and review points.
Shared infrastructure of the topics qualities and motives (no topic of its own)."""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import List, Optional

from bot.dutch import lexicon
from bot.actions.free_text import SKIPPED, is_real_answer

MAX_POINTS = 5
MAX_OWN_WORDS_CHARS = 80
MAX_OWN_VALUE_WORDS = 4
SAME_STEM_CHARS = 6
# First words of a list part that talks about the list instead of naming something.
_TALK_WORDS = frozenset("ja jawel nee neen klopt dat die deze dit ik en ook maar of misschien denk vooral".split())
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
    """The client's answer as values, part by part of their list: the lexicon values in a
    part, or else the part in their own words ("geduldig en een goede luisteraar" gives
    "geduldig" and "een goede luisteraar"). When the lexicon found something, a part without
    a value is left out if it talks about the list ("ja, die kloppen wel"), says something
    the lexicon knows but negated or of the other kind, or repeats a found value in other
    words ("organiseren" next to "georganiseerd")."""
    if not text or text == SKIPPED:
        return []
    parts = [part.strip(" .!?") for part in _LIST_SEPARATORS.split(text) if part and part.strip(" .!?")]
    by_part = [recognised(entity, part) for part in parts]
    found_anywhere = [value for found in by_part for value in found]
    values: List[str] = []
    for part, found in zip(parts, by_part):
        if not found and found_anywhere and not _a_value_of_its_own(part, found_anywhere):
            continue
        for value in found or [part[:MAX_OWN_WORDS_CHARS]]:
            if value not in values:
                values.append(value)
    return values[:MAX_POINTS]


def _a_value_of_its_own(part: str, found: List[str]) -> bool:
    words = part.lower().split()
    if not 0 < len(words) <= MAX_OWN_VALUE_WORDS or words[0] in _TALK_WORDS or not is_real_answer(part):
        return False
    if lexicon.extract(part):
        return False  # "niet zo creatief", or a motive among qualities
    return not any(_same_stem(part.lower(), value) for value in found)


def _same_stem(a: str, b: str) -> bool:
    match = SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
    return match.size >= SAME_STEM_CHARS


def joined_answers(*texts: Optional[str]) -> str:
    return " ".join(text for text in texts if text and text != SKIPPED)
