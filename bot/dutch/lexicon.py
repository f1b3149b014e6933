"""Dutch quality and motive extraction from the lexicons in bot/data/lexicon/.

Pure Python (PyYAML only), so both the Rasa server and the action server can import it.
The lexicons are loaded once and cached. Public API (this module; the work is done in
lexicon_index, lexicon_match and lexicon_filters, the word lists are in vocabulary):

    extract(text, lemmas=None) -> list[Match]
    quality(value) -> dict, motive(value) -> dict
    all_qualities() -> list[str], all_motives() -> list[str]
    canonical(entity, value) -> str | None, is_canonical(entity, value) -> bool

How `extract` works, in order:
1. The text is split into word tokens (runs of letters/digits, so "werk-privé" and "zo'n"
   give two tokens each) and normalised (casefolded, accents removed). Lemmas, when given,
   are aligned to these tokens and matched as an alternative form of each token.
2. Longest match first, left to right, no overlaps, over a token trie of all values,
   variants and generated forms (adjective inflections, "on-" opposites, motive plurals).
   Intensifiers ("heel", "echt", ...) may sit inside a multi-word expression.
3. Fallbacks for a single token: intensifier prefixes ("supergeduldig"), inflection
   endings ("iets creatiefs"), and one typo in a variant of 6+ letters unless the token is
   another real Dutch word (word list from spacy-lookups-data, when installed).
4. Filters and flags: fixed phrases that are no quality ("eerlijk gezegd"), impersonal
   statements ("het is hier rustig"), negation ("niet zo geduldig", "geen geduld",
   "ongeduldig"), sarcasm ("ja hoor, ik ben super geduldig..."), and context cues for forms
   shared by a quality and a motive ("creativiteit").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from bot.dutch.lexicon_filters import (
    Context,
    is_about_someone_else,
    is_impersonal,
    is_negated,
    is_not_a_quality,
    is_sarcastic,
)
from bot.dutch.lexicon_index import MOTIVE, QUALITY, LexiconError, get_lexicon, normalised_words
from bot.dutch.lexicon_match import attach_lemmas, find_raw, tokenize

__all__ = [
    "MOTIVE", "QUALITY", "LexiconError", "Match", "all_motives", "all_qualities", "canonical",
    "extract", "get_lexicon", "is_canonical", "motive", "quality", "warm_up",
]


@dataclass(frozen=True)
class Match:
    """One quality or motive found in a text; `start`/`end` are offsets in that text."""

    entity: str  # QUALITY or MOTIVE
    value: str  # canonical value
    start: int
    end: int
    surface: str
    negated: bool = False


def warm_up() -> None:
    """Loads the lexicons and the typo guard now instead of on the first message."""
    get_lexicon().real_words()


# --------------------------------------------------------------------------- public lookups


def canonical(entity: str, value: object) -> Optional[str]:
    """The canonical value that `value` spells (case and accents aside), or None."""
    if entity not in (QUALITY, MOTIVE) or not isinstance(value, str):
        return None
    return get_lexicon().index[entity].get(" ".join(normalised_words(value)))


def _entry(entity: str, value: str) -> dict:
    found = canonical(entity, value)
    if found is None:
        raise KeyError(f"unknown {entity}: {value!r}")
    lexicon = get_lexicon()
    entry = (lexicon.qualities if entity == QUALITY else lexicon.motives)[found]
    return dict(entry, variants=list(entry["variants"]))


def quality(value: str) -> dict:
    """The quality entry: value, variants, pitfall, challenge, allergy. KeyError if unknown."""
    return _entry(QUALITY, value)


def motive(value: str) -> dict:
    """The motive entry: value, variants, description. KeyError if unknown."""
    return _entry(MOTIVE, value)


def all_qualities() -> List[str]:
    """Canonical quality values, in file order."""
    return list(get_lexicon().qualities)


def all_motives() -> List[str]:
    """Canonical motive values, in file order."""
    return list(get_lexicon().motives)


def is_canonical(entity: str, value: object) -> bool:
    """True when `value` is (a case/accent variant of) a canonical value of `entity`."""
    return canonical(entity, value) is not None


def extract(text: str, lemmas: list[str] | None = None, asked_for: Optional[str] = None) -> List[Match]:
    """Qualities and motives in `text`, in text order, without overlaps.

    `lemmas` are the lemmas of the text's tokens from spaCy, in order; they are aligned to
    this module's own tokens and matched next to the surface forms. `asked_for` (QUALITY or
    MOTIVE) is what the question the text answers asked about: a form both lexicons use
    ("zelfstandigheid") goes to it unless its own sentence says otherwise.
    """
    if not text or not isinstance(text, str):
        return []
    lexicon = get_lexicon()
    tokens = tokenize(text)
    if lemmas:
        attach_lemmas(tokens, lemmas)
    found = find_raw(lexicon, tokens)
    context = Context(tokens, found, asked_for)
    sarcastic = is_sarcastic(text)
    matches: List[Match] = []
    previous_end = 0
    for raw in found:
        sense = context.resolve(raw)
        skip = is_impersonal(tokens, raw, sense.entity) or is_about_someone_else(tokens, raw)
        if sense.entity == QUALITY and not skip:
            skip = is_not_a_quality(text, tokens, raw, lexicon)
        if not skip:
            negated = sarcastic or (is_negated(tokens, raw, previous_end, sense.entity) != sense.opposite)
            start, end = tokens[raw.first].start, tokens[raw.last - 1].end
            matches.append(Match(sense.entity, sense.value, start, end, text[start:end], negated))
        previous_end = raw.last
    return matches
