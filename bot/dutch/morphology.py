"""Forms of Dutch words the lexicon generates: inflected and graded adjectives, plurals, and the
strings one edit away (for the typo index). Rules of thumb: a superset of the real forms is
harmless, since only forms that occur in a text ever match."""
from __future__ import annotations

from typing import Set

from bot.dutch.vocabulary import ADJECTIVE_ENDINGS, NOUN_ENDINGS, UNSTRESSED_ENDINGS, VOWEL_DIGRAPHS


def e_stem(word: str) -> str:
    """The stem that takes -e/-er: loyaal -> loyal, creatief -> creatiev, wijs -> wijz."""
    long_vowel = word[-3:-1] in VOWEL_DIGRAPHS
    if len(word) >= 4 and word[-3] == word[-2] and word[-2] in "aeou" and word[-1] not in "aeiou":
        word = word[:-2] + word[-1]
    if long_vowel and word.endswith("f"):
        word = word[:-1] + "v"
    elif long_vowel and word.endswith("s"):
        word = word[:-1] + "z"
    return word


def doubles_consonant(word: str) -> bool:
    """gul -> gulle, gevat -> gevatte, but flexibel -> flexibele."""
    return (
        len(word) >= 3
        and word[-1] not in "aeiouwjhxy"
        and word[-2] in "aeiou"
        and word[-3] not in "aeiouy"
        and not word.endswith(UNSTRESSED_ENDINGS)
    )


def adjective_forms(word: str) -> Set[str]:
    """Inflected and graded forms of an adjective (superset; non-words are harmless)."""
    forms = {word, word + "st", word + "ste"}
    if word.endswith("en"):
        return forms | {word + "er", word + "ere"}
    stems = {e_stem(word)}
    if doubles_consonant(word):
        stems.add(word + word[-1])
    for stem in stems:
        forms |= {stem + "e", stem + "er", stem + "ere"}
    if word.endswith("r"):
        forms |= {word + "der", word + "dere"}
    return forms


def is_adjective(word: str, value: str) -> bool:
    return word == value or (word.endswith(ADJECTIVE_ENDINGS) and not word.endswith(NOUN_ENDINGS))


def plural_forms(word: str) -> Set[str]:
    if word.endswith("heid"):
        return {word[:-4] + "heden"}
    forms = {word + "s"}
    forms.add(word + "n" if word.endswith("e") else e_stem(word) + "en")
    return forms


def deletions(word: str) -> Set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def neighbours(word: str) -> Set[str]:
    """All strings one edit (a-z) away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in letters}
    found |= {a + c + b for a, b in splits for c in letters}
    found.discard(word)
    return found
