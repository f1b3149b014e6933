"""Text helpers the Dutch parts of the bot share (the lexicon, the crisis rules): accents off
and one typo away. Generic work is done by libraries (unicodedata, rapidfuzz)."""
from __future__ import annotations

import unicodedata

from rapidfuzz.distance import OSA


def strip_accents(text: str) -> str:
    """'Privé' -> 'Prive', 'ideeën' -> 'ideeen' (case is kept)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def within_one_edit(a: str, b: str) -> bool:
    """One typo at most: a letter added, left out or changed, or two neighbours swapped
    (optimal string alignment distance <= 1)."""
    return OSA.distance(a, b, score_cutoff=1) <= 1
