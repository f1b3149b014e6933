"""Dutch word forms from spacy-lookups-data (its Dutch lemma tables): is a word a real Dutch
word? The lexicon's typo matching leaves real words alone, and the contacts do not take a Dutch
word for a lowercase name. Without the package there are no word forms, and both work without
that guard."""
from __future__ import annotations

import bisect
import functools
import gzip
import importlib.util
import itertools
import json
import logging
from array import array
from pathlib import Path
from typing import Iterable

from bot.dutch import normalise

logger = logging.getLogger(__name__)


def dutch_word_forms() -> Iterable[str]:
    """Dutch word forms from spacy-lookups-data (nothing if it is not installed)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.origin:
        logger.info("spacy-lookups-data is not installed: typo matching has no real-word guard")
        return ()
    data = Path(spec.origin).parent / "data"
    try:
        with gzip.open(data / "nl_lemma_lookup.json.gz", "rt", encoding="utf-8") as handle:
            lookup = json.load(handle)
        with gzip.open(data / "nl_lemma_index.json.gz", "rt", encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, ValueError) as error:
        logger.warning("Dutch word list unreadable (%s): typo matching has no real-word guard", error)
        return ()
    return itertools.chain(lookup, lookup.values(), *index.values())


class SortedWords:
    """A sorted word list in one string with an offset array: membership by binary search in a
    few MB instead of a set of 400,000 strings."""

    def __init__(self, words: Iterable[str]) -> None:
        ordered = sorted(set(words))
        self._blob = "\n".join(ordered)
        self._offsets = array("I", [0])
        for word in ordered:
            self._offsets.append(self._offsets[-1] + len(word) + 1)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        return self._blob[self._offsets[index] : self._offsets[index + 1] - 1]

    def __contains__(self, word: object) -> bool:
        index = bisect.bisect_left(self, word)
        return index < len(self) and self[index] == word


@functools.lru_cache(maxsize=1)
def _normalised_forms() -> SortedWords:
    return SortedWords(map(normalise, dutch_word_forms()))


def is_dutch_word(word: str) -> bool:
    """Whether `word` (lowercase) is the normal form (bot.dutch.normalise) of a Dutch word form."""
    return word in _normalised_forms()
